"""Wall-clock time in the planner's time zone."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context

DEFAULT_TZ = "America/Toronto"


def planner_zone() -> ZoneInfo:
    """The planner's time zone (Organization.timezone), cached for the request."""
    if has_app_context():
        if "planner_zone" not in g:
            from .organization import current

            org = current()
            g.planner_zone = ZoneInfo(org.timezone if org else DEFAULT_TZ)
        return g.planner_zone  # type: ignore[no-any-return]
    return ZoneInfo(DEFAULT_TZ)


def local_now() -> datetime:
    return datetime.now(planner_zone())


def local_today() -> date:
    override = current_app.config.get("TODAY") if has_app_context() else None
    return override or local_now().date()  # type: ignore[no-any-return]
