"""Configuration › Resources: the permissions of an account (guide §2.4, "la clé")."""
from __future__ import annotations

from typing import Any, Optional

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import ROLE_DESCRIPTIONS, TEAM_SCOPED, Perm, Role
from ...extensions import db
from ...formatting import localized
from ...htmx import is_htmx, page_or_fragment
from ...models import Location, RoleAssignment, User
from ...organization import staff
from . import bp
from .staff_forms import RoleForm


def _role_form(prefix: str, assignment: Optional[RoleAssignment] = None) -> RoleForm:
    initial = None
    if assignment is not None and request.method == "GET":
        initial = {"role": assignment.role, "location": str(assignment.location_id or ""),
                   "starts_on": assignment.starts_on, "ends_on": assignment.ends_on}
    form = RoleForm(prefix=prefix, data=initial)
    locations = db.session.scalars(select(Location).order_by(Location.position)).all()
    form.location.choices = [("", _("All locations"))] + [
        (str(loc.id), localized(loc, "name")) for loc in locations]
    return form


def _assignment(user: User, role_id: int) -> RoleAssignment:
    assignment = db.get_or_404(RoleAssignment, role_id)
    if assignment.user_id != user.id:
        abort(404)
    return assignment


def _render(user: User, add: RoleForm, edit: Optional[RoleForm] = None,
            editing: Optional[RoleAssignment] = None, notice: Optional[str] = None,
            error: bool = False) -> Response:
    response = page_or_fragment(
        "config/roles.html", "config/_roles.html", user=user, add=add, edit=edit,
        editing=editing, notice=notice, notice_error=error, descriptions=ROLE_DESCRIPTIONS,
        team_scoped={r.value for r in TEAM_SCOPED})
    if notice and not error:
        response.headers["HX-Trigger"] = f"account-changed-{user.id}"
    return response


def _saved(user: User, message: str) -> Response:
    db.session.commit()
    if is_htmx():
        return _render(db.get_or_404(User, user.id), _role_form("add"), notice=message)
    flash(message, "success")
    return redirect(url_for("config.account_roles", user_id=user.id))


def _values(form: RoleForm) -> dict[str, Any]:
    location = db.session.get(Location, int(form.location.data)) if form.location.data else None
    return {"role": Role(form.role.data), "location": location,
            "starts_on": form.starts_on.data, "ends_on": form.ends_on.data}


def _refused(form: RoleForm, error: staff.StaffError) -> None:
    field = {"location": form.location, "ends_on": form.ends_on}.get(error.field or "", form.role)
    field.errors = [*field.errors, error.message]


@bp.get("/resources/accounts/<int:user_id>/roles")
@requires(Perm.CONFIGURE)
def account_roles(user_id: int) -> Response:
    """The list of an account's roles, with add / modify / remove."""
    user = db.get_or_404(User, user_id)
    edit_id = request.args.get("edit", type=int)
    editing = _assignment(user, edit_id) if edit_id else None
    edit = _role_form("edit", editing) if editing else None
    return _render(user, _role_form("add"), edit, editing)


@bp.post("/resources/accounts/<int:user_id>/roles")
@requires(Perm.CONFIGURE)
def account_role_add(user_id: int) -> Response:
    """Give an account one more role."""
    user = db.get_or_404(User, user_id)
    form = _role_form("add")
    if form.validate_on_submit():
        try:
            staff.add_role(user, **_values(form), actor=current_user._get_current_object())
        except staff.StaffError as error:
            _refused(form, error)
        else:
            return _saved(user, _("Role added."))
    return _render(db.get_or_404(User, user_id), form)


@bp.post("/resources/accounts/<int:user_id>/roles/<int:role_id>")
@requires(Perm.CONFIGURE)
def account_role_edit(user_id: int, role_id: int) -> Response:
    """Modify one role of an account: role, location, effective dates."""
    user = db.get_or_404(User, user_id)
    assignment = _assignment(user, role_id)
    form = _role_form("edit", assignment)
    if form.validate_on_submit():
        try:
            staff.update_role(assignment, **_values(form),
                              actor=current_user._get_current_object())
        except staff.StaffError as error:
            _refused(form, error)
        else:
            return _saved(user, _("Role modified."))
    user = db.get_or_404(User, user_id)
    return _render(user, _role_form("add"), form, _assignment(user, role_id))


@bp.post("/resources/accounts/<int:user_id>/roles/<int:role_id>/delete")
@requires(Perm.CONFIGURE)
def account_role_delete(user_id: int, role_id: int) -> Response:
    """Remove one role of an account."""
    user = db.get_or_404(User, user_id)
    assignment = _assignment(user, role_id)
    try:
        staff.remove_role(assignment, actor=current_user._get_current_object())
    except staff.StaffError as error:
        user = db.get_or_404(User, user_id)
        if not is_htmx():
            flash(error.message, "error")
            return redirect(url_for("config.account_roles", user_id=user.id))
        return _render(user, _role_form("add"), notice=error.message, error=True)
    return _saved(user, _("Role removed."))
