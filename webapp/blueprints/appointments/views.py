"""Appointments menu: the slot calendar of a location (APT-1, APT-6, §4.1, §4.2, §4.7)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import can, requires, team_scope
from ...accounts.roles import Perm
from ...booking.calendar import build_slots
from ...booking.patients import LANGUAGES, SEXES
from ...booking.staff_steps import FIELD_HINTS, FIELD_INPUTS, FIELD_LABELS, shown_fields
from ...htmx import page_or_fragment
from ...models import utcnow
from ...scheduling.calendar import parse_query, services_at
from ...timeutil import local_today
from ..schedules.access import scope_note, visible_locations
from . import bp
from .access import location_from


@bp.context_processor
def _calendar_context() -> dict[str, Any]:
    """The shared calendar templates (templates/calendar/) link to this calendar."""
    return {"calendar_endpoint": "appointments.index", "scope_note": scope_note}


@bp.context_processor
def _booking_context() -> dict[str, Any]:
    return {"shown_fields": shown_fields, "field_labels": FIELD_LABELS,
            "field_inputs": FIELD_INPUTS, "field_hints": FIELD_HINTS, "sexes": SEXES,
            "languages": LANGUAGES, "url_encode": urlencode}


@bp.get("/")
@requires(Perm.APPOINTMENTS_VIEW)
def index() -> Response:
    """The slots of a location by day, week or month, or the quick availability list."""
    locations = visible_locations()
    context: dict[str, Any] = {"locations": locations, "sc": None,
                               "can_book": can(Perm.APPOINTMENTS_BOOK)}
    if locations:
        query = parse_query(request.args, local_today())
        location = location_from("" if query.location_id is None else str(query.location_id),
                                 locations[0])
        query.location_id = location.id
        sc = build_slots(query, location, local_today(), team_scope(), utcnow())
        context.update(sc=sc, cal=sc.cal, services=services_at(sc.cal.location_teams))
        if sc.appointment_count:  # patients' names on screen (Law 25)
            audit.record_access("appointments_calendar", None, location=location.id,
                                day=query.day, count=sc.appointment_count)
            audit.commit_access()
    return page_or_fragment("appointments/index.html", "appointments/_calendar.html", **context)
