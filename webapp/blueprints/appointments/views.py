"""Appointments menu: the slot calendar of a location (APT-1, APT-6, §4.1, §4.2, §4.7)."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...appointment_calendar import build_slots
from ...htmx import page_or_fragment
from ...models import utcnow
from ...patients import LANGUAGES, SEXES
from ...permissions import can, requires, team_scope
from ...roles import Perm
from ...schedule_calendar import parse_query, services_at
from ...staff_booking import FIELD_HINTS, FIELD_INPUTS, FIELD_LABELS, shown_fields
from ...timeutil import local_today, planner_zone
from ..schedules.access import visible_locations
from .access import location_from

bp = Blueprint("appointments", __name__, url_prefix="/admin/appointments")


@bp.app_template_filter("localtime")
def localtime(moment: datetime) -> str:
    """09:30, in the planner's time zone."""
    local = moment.astimezone(planner_zone())
    return f"{local.hour:02d}:{local.minute:02d}"


@bp.app_template_filter("localdate")
def localdate(moment: datetime) -> str:
    return moment.astimezone(planner_zone()).date().isoformat()


@bp.app_template_filter("localday")
def localday(moment: datetime) -> str:
    """Monday 1 February 2021 (in the page's language), in the planner's time zone."""
    return format_date(moment.astimezone(planner_zone()).date(), "EEEE d MMMM y")


MESSAGE_STATUSES = {"pending": _l("waiting to be sent"), "sending": _l("being sent"),
                    "sent": _l("sent"), "failed": _l("failed"), "cancelled": _l("cancelled")}


@bp.context_processor
def _booking_context() -> dict[str, Any]:
    return {"shown_fields": shown_fields, "field_labels": FIELD_LABELS,
            "field_inputs": FIELD_INPUTS, "field_hints": FIELD_HINTS, "sexes": SEXES,
            "languages": LANGUAGES, "url_encode": urlencode,
            "message_status": lambda status: MESSAGE_STATUSES.get(status, status)}


@bp.app_template_global("now_utc")
def now_utc() -> datetime:
    return utcnow()


@bp.get("/")
@requires(Perm.APPOINTMENTS_VIEW)
def index() -> Response:
    """The slots of a location by day, week or month, or the quick availability list."""
    locations = visible_locations()
    context: dict[str, Any] = {"locations": locations, "sc": None,
                               "can_book": can(Perm.APPOINTMENTS_BOOK)}
    if locations:
        query = parse_query(request.args, local_today())
        location = location_from(str(query.location_id or ""), locations[0])
        query.location_id = location.id
        sc = build_slots(query, location, local_today(), team_scope(), utcnow())
        context.update(sc=sc, cal=sc.cal, services=services_at(sc.cal.location_teams))
    return page_or_fragment("appointments/index.html", "appointments/_calendar.html", **context)


from . import booking, detail  # noqa: E402,F401  (their views join the blueprint)
