"""Configuration › Audit log: who changed what, and when (filtered, paginated)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import page_or_fragment
from ...models import AuditLog, User
from ...timeutil import planner_zone
from . import bp
from .audit_text import ACTIONS, detail_lines, object_names
from .staff_forms import AuditFilterForm

PER_PAGE = 50


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=planner_zone())


def account_choices(everyone: str) -> list[tuple[str, str]]:
    """The staff accounts a log can be filtered by, after the choice of `everyone`."""
    users = db.session.scalars(select(User).order_by(User.last_name, User.first_name))
    return [("", everyone)] + [(str(u.id), f"{u.full_name} ({u.email})") for u in users]


@bp.get("/audit")
@requires(Perm.CONFIGURE)
def audit_log() -> Response:
    """The audit log, filtered by date range and account."""
    form = AuditFilterForm(formdata=request.args)
    form.account.choices = account_choices(_("All accounts"))
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
        filters=filters, actions=ACTIONS, objects=object_names(list(entries.items)),
        detail_lines=detail_lines)
