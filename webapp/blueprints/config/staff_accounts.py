"""Configuration › Resources: staff accounts (CFG-5, guide §2.4, §1.3)."""
from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts import signin as accounts
from ...accounts.passwords import rule_labels
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...models import Team, User
from ...organization import staff
from ...web import external_url
from . import bp
from .inplace import InPlace, save_form, switch
from .staff_forms import NewStaffForm, StaffForm

ACCOUNTS = InPlace("user", "config.resources", row="config/_account_row.html",
                   form="config/_account_form_row.html", page="config/account_form.html",
                   refused_status=200)


def _row(user: User) -> dict[str, Any]:
    return {"u": user, "category_label": staff.category_label}


def _with_teams(form: StaffForm) -> StaffForm:
    teams = db.session.scalars(select(Team).order_by(Team.position, Team.name)).all()
    form.teams.choices = [(t.id, t.name) for t in teams]
    return form


def _done(user: User, message: str, error: bool = False) -> Response:
    return ACCOUNTS.saved(message, ACCOUNTS.list_url(user.id), error=error, **_row(user))


@bp.route("/resources/accounts/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def account_new() -> Response:
    """Add a staff account ("Ajout d'une ressource"); it starts as Consultation #2."""
    form = _with_teams(NewStaffForm())
    if user := save_form(form, lambda: staff.create_account(
            form.account_data(), form.password.data, form.teams.data)):
        return ACCOUNTS.saved(_("Account of %(name)s created with the role Consultation #2. "
                                "Check its permissions (key), then give the person their email "
                                "and password.", name=user.full_name),
                              url_for("config.account_roles", user_id=user.id), **_row(user))
    return ACCOUNTS.form_answer(form=form, user=None, rules=rule_labels())


def _initial(user: User) -> dict[str, Any]:
    data = {name: getattr(user, name) for name in staff.ACCOUNT_FIELDS}
    data["category"] = user.category or "other"
    data["limit_access"] = bool(user.access_start or user.access_end)
    data["teams"] = [t.id for t in user.teams]
    return data


@bp.route("/resources/accounts/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def account_edit(user_id: int) -> Response:
    """Edit an account; a Pilot may set a new password for it here (guide §1.3)."""
    user = db.get_or_404(User, user_id)
    form = _with_teams(StaffForm(data=None if request.method == "POST" else _initial(user)))
    myself = user.id == current_user.id
    if save_form(form, lambda: staff.update_account(
            user, form.account_data(), form.teams.data, current_user._get_current_object(),
            form.password.data or "")):
        if myself and form.password.data:
            login_user(user)  # my session follows my new password
        return _done(user, _("Account of %(name)s saved.", name=user.full_name))
    return ACCOUNTS.form_answer(form=form, user=user, rules=rule_labels())


@bp.get("/resources/accounts/<int:user_id>")
@requires(Perm.CONFIGURE)
def account_show(user_id: int) -> Response:
    """An account's row (htmx: cancel an edit, refresh after a role change)."""
    user = db.get_or_404(User, user_id)
    return ACCOUNTS.row_or_list(ACCOUNTS.list_url(user.id), **_row(user))


@bp.post("/resources/accounts/<int:user_id>/active")
@requires(Perm.CONFIGURE)
def account_active(user_id: int) -> Response:
    """Deactivate an account (it can no longer sign in), or reactivate it."""
    user = db.get_or_404(User, user_id)
    try:
        staff.set_active(user, switch(), current_user._get_current_object())
    except staff.StaffError as error:
        return _done(db.get_or_404(User, user_id), error.message, error=True)
    db.session.commit()
    if user.active:
        return _done(user, _("Account of %(name)s reactivated.", name=user.full_name))
    return _done(user, _("Account of %(name)s deactivated: it can no longer sign in.",
                         name=user.full_name))


@bp.post("/resources/accounts/<int:user_id>/reset-link")
@requires(Perm.CONFIGURE)
def account_reset_link(user_id: int) -> Response:
    """Email the account a link to choose a new password itself."""
    user = db.get_or_404(User, user_id)
    link = external_url("auth.reset", token=accounts.reset_token(user))
    try:
        staff.send_reset_link(user, link, current_user.full_name)
    except staff.StaffError as error:
        return _done(user, error.message, error=True)
    db.session.commit()
    return _done(user, _("A link to choose a new password was sent to %(email)s. It works "
                         "once, for one hour.", email=user.email))
