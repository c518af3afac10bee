"""Configuration › Resources: the permissions of an account (guide §2.4, "la clé")."""
from __future__ import annotations

from typing import Any, Optional

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import ROLE_DESCRIPTIONS, TEAM_SCOPED, Perm, Role
from ...extensions import db
from ...formatting import localized
from ...models import Location, RoleAssignment, User
from ...organization import staff
from . import bp
from .inplace import InPlace, save_form
from .staff_forms import RoleForm

# The roles dialog is both the "row" and the form: it answers itself after each change.
ROLES = InPlace("role", "config.account_roles", row="config/_roles.html",
                form="config/_roles.html", page="config/roles.html", refused_status=200)


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


def _dialog(user: User, add: Optional[RoleForm] = None, edit: Optional[RoleForm] = None,
            editing: Optional[RoleAssignment] = None) -> dict[str, Any]:
    return {"user": user, "add": add or _role_form("add"), "edit": edit, "editing": editing,
            "descriptions": ROLE_DESCRIPTIONS, "team_scoped": {r.value for r in TEAM_SCOPED}}


def _done(user: User, message: str, error: bool = False) -> Response:
    """After a change (its account row refreshes itself), or a refused removal."""
    user = db.get_or_404(User, user.id)
    return ROLES.saved(message, ROLES.list_url(user_id=user.id), error=error,
                       events=(f"account-changed-{user.id}",), **_dialog(user))


def _values(form: RoleForm) -> dict[str, Any]:
    location = db.session.get(Location, int(form.location.data)) if form.location.data else None
    return {"role": Role(form.role.data), "location": location,
            "starts_on": form.starts_on.data, "ends_on": form.ends_on.data}


@bp.get("/resources/accounts/<int:user_id>/roles")
@requires(Perm.CONFIGURE)
def account_roles(user_id: int) -> Response:
    """The list of an account's roles, with add / modify / remove."""
    user = db.get_or_404(User, user_id)
    edit_id = request.args.get("edit", type=int)
    editing = _assignment(user, edit_id) if edit_id else None
    edit = _role_form("edit", editing) if editing else None
    return ROLES.form_answer(**_dialog(user, edit=edit, editing=editing))


@bp.post("/resources/accounts/<int:user_id>/roles")
@requires(Perm.CONFIGURE)
def account_role_add(user_id: int) -> Response:
    """Give an account one more role."""
    user = db.get_or_404(User, user_id)
    form = _role_form("add")
    if save_form(form, lambda: staff.add_role(user, **_values(form),
                                              actor=current_user._get_current_object())):
        return _done(user, _("Role added."))
    return ROLES.form_answer(**_dialog(db.get_or_404(User, user_id), add=form))


@bp.post("/resources/accounts/<int:user_id>/roles/<int:role_id>")
@requires(Perm.CONFIGURE)
def account_role_edit(user_id: int, role_id: int) -> Response:
    """Modify one role of an account: role, location, effective dates."""
    user = db.get_or_404(User, user_id)
    assignment = _assignment(user, role_id)
    form = _role_form("edit", assignment)
    if save_form(form, lambda: staff.update_role(assignment, **_values(form),
                                                 actor=current_user._get_current_object())):
        return _done(user, _("Role modified."))
    user = db.get_or_404(User, user_id)
    return ROLES.form_answer(**_dialog(user, edit=form, editing=_assignment(user, role_id)))


@bp.post("/resources/accounts/<int:user_id>/roles/<int:role_id>/delete")
@requires(Perm.CONFIGURE)
def account_role_delete(user_id: int, role_id: int) -> Response:
    """Remove one role of an account."""
    user = db.get_or_404(User, user_id)
    assignment = _assignment(user, role_id)
    try:
        staff.remove_role(assignment, actor=current_user._get_current_object())
    except staff.StaffError as error:
        return _done(user, error.message, error=True)
    db.session.commit()
    return _done(user, _("Role removed."))
