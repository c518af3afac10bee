"""Configuration › Audit log: who changed what, and when (filtered, paginated)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...extensions import db
from ...htmx import page_or_fragment
from ...models import AuditLog, Team, User
from ...permissions import requires
from ...roles import ROLE_LABELS, Perm, Role
from ...timeutil import planner_zone
from .staff_forms import AuditFilterForm
from .views import bp

PER_PAGE = 50

ACTIONS = {
    "account.sign_in": _l("Signed in"),
    "account.locked": _l("Sign-in paused after failed attempts"),
    "account.password_changed": _l("Password changed"),
    "account.profile_updated": _l("Own profile updated"),
    "account.role_switched": _l("Active role switched"),
    "organization.online_booking": _l("Online booking opened or closed"),
    "team.created": _l("Team created"),
    "team.updated": _l("Team modified"),
    "team.associated": _l("Team associations modified"),
    "staff.created": _l("Staff account created"),
    "staff.updated": _l("Staff account modified"),
    "staff.activated": _l("Staff account reactivated"),
    "staff.deactivated": _l("Staff account deactivated"),
    "staff.reset_link_sent": _l("Password reset link sent"),
    "staff.role_added": _l("Role added"),
    "staff.role_updated": _l("Role modified"),
    "staff.role_removed": _l("Role removed"),
}
FIELDS = {
    "name": _l("Name"), "colour": _l("Colour"), "category": _l("Category"),
    "variable_capacity": _l("Variable capacity"), "position": _l("Order"),
    "active": _l("Active"), "first_name": _l("First name"), "last_name": _l("Last name"),
    "email": _l("Email"), "phone": _l("Phone"), "cell_phone": _l("Cell phone"),
    "language": _l("Language"), "planner_access": _l("Access to the planner"),
    "access_start": _l("Access from"), "access_end": _l("Access until"),
    "teams": _l("Teams"), "role": _l("Role"), "location": _l("Location"),
    "starts_on": _l("Effective start"), "ends_on": _l("Effective end"),
    "all_locations": _l("All locations"), "locations": _l("Locations"),
    "all_services": _l("All services"), "services": _l("Services"),
    "answers": _l("Answers served"), "open": _l("Online booking open"),
}


def _value(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field == "role" and value in {r.value for r in Role}:
        return str(ROLE_LABELS[Role(value)])
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def detail_lines(details: dict[str, Any]) -> list[str]:
    """One readable line per change: 'Field: before → after'."""
    lines = []
    for key, value in details.items():
        if key == "changes" and isinstance(value, dict):
            lines += [_("%(field)s: %(before)s → %(after)s", field=FIELDS.get(f, f),
                        before=_value(f, pair[0]), after=_value(f, pair[1]))
                      for f, pair in value.items() if isinstance(pair, list) and len(pair) == 2]
        elif key in {"after", "before"} and isinstance(value, dict):
            arrow = "→ " if key == "after" else "✕ "
            lines += [_("%(field)s: %(value)s", field=FIELDS.get(f, f),
                        value=arrow + _value(f, v)) for f, v in value.items()]
        else:
            lines.append(_("%(field)s: %(value)s", field=FIELDS.get(key, key),
                           value=_value(key, value)))
    return lines


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=planner_zone())


def _objects(entries: list[AuditLog]) -> dict[tuple[str, int], str]:
    """Names of the accounts and teams the entries are about."""
    names: dict[tuple[str, int], str] = {}
    for model, label in ((User, lambda u: u.full_name), (Team, lambda t: t.name)):
        ids = {e.object_id for e in entries if e.object_type == model.__name__ and e.object_id}
        if ids:
            for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
                names[(model.__name__, obj.id)] = label(obj)
    return names


@bp.get("/audit")
@requires(Perm.CONFIGURE)
def audit_log() -> Response:
    """The audit log, filtered by date range and account."""
    users = db.session.scalars(select(User).order_by(User.last_name, User.first_name)).all()
    form = AuditFilterForm(formdata=request.args)
    form.account.choices = [("", _("All accounts"))] + [
        (str(u.id), f"{u.full_name} ({u.email})") for u in users]
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if form.validate():
        if form.start.data:
            query = query.where(AuditLog.at >= _instant(form.start.data))
        if form.end.data:
            query = query.where(AuditLog.at < _instant(form.end.data + timedelta(days=1)))
        if form.account.data:
            query = query.where(AuditLog.user_id == int(form.account.data))
    page = max(1, min(request.args.get("page", 1, type=int), 100_000))
    entries = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    filters = {k: v for k, v in request.args.items() if k in {"start", "end", "account"}}
    return page_or_fragment(
        "config/audit_log.html", "config/_audit_entries.html", form=form, entries=entries,
        filters=filters, actions=ACTIONS, objects=_objects(list(entries.items)),
        detail_lines=detail_lines, zone=planner_zone())
