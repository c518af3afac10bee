"""Booking by staff (APT-2, APT-5, §4.3, §4.6): location, service and date, then a time,
then the patient's details; every step is in the URL, so reload and back keep it."""
from __future__ import annotations

from typing import Any, Optional

from flask import abort, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ... import booking as engine
from ...accounts.permissions import requires, team_scope
from ...accounts.roles import Perm
from ...booking.staff_steps import (
    Choice,
    parse_int,
    patient_values,
    read_choice,
    second_dose_day,
    send_flags,
    slot_in_scope,
)
from ...formatting import iso_date
from ...htmx import is_htmx, page_or_fragment, redirect_to
from ...models import Appointment, utcnow
from ...timeutil import local_today
from ..schedules.access import visible_locations
from . import bp
from .access import appointment_or_403, location_from


def _choice(values: Any) -> tuple[Choice, Optional[Appointment]]:
    """The steps chosen so far; `from` names the appointment being rebooked (APT-5)."""
    locations = visible_locations()
    first = appointment_or_403(int(values["from"])) if parse_int(values.get("from")) else None
    if values.get("from") and first is None:
        abort(404)
    default = first.location if first else (locations[0] if locations else None)
    location = location_from(values.get("location"), default)
    args = values
    note = None
    if first is not None and not values.get("service") and not values.get("date"):
        next_service, day, note = second_dose_day(first, local_today())
        args = dict(values, date=day.isoformat(),
                    service=str(next_service.id) if next_service else "")
    choice = read_choice(args, location, local_today(), team_scope(), utcnow())
    choice.note = note
    raw_slot = values.get("slot")
    if raw_slot:
        try:
            slot = engine.get_slot(raw_slot)
        except engine.NotFound:
            abort(404)
        if not slot_in_scope(slot, location, team_scope()):
            abort(403)
        choice.slot = slot
    return choice, first


def render_book(choice: Choice, first: Optional[Appointment], values: dict[str, str],
                errors: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    send_email, send_sms = send_flags(request.form, values)
    return page_or_fragment(
        "appointments/book.html", "appointments/_book.html",
        status if not is_htmx() else 200, choice=choice, first=first, values=values,
        errors=errors, send_email=send_email, send_sms=send_sms,
        locations=visible_locations(), **extra)


@bp.get("/book")
@requires(Perm.APPOINTMENTS_BOOK)
def book() -> Response:
    """The booking steps: choose, pick a time, then enter the patient's details."""
    if not visible_locations():
        return page_or_fragment("appointments/book.html", "appointments/_book.html", choice=None)
    choice, first = _choice(request.args)
    errors: dict[str, Any] = {}
    if (choice.slot is not None and choice.day is not None
            and iso_date(choice.slot.starts_at) != choice.day.isoformat()):
        choice.slot = None  # another date was chosen since: pick a time again
    if choice.slot is not None and choice.slot.id not in {s.id for s in choice.slots}:
        slot = choice.slot
        errors["slot"] = (engine.SlotPast() if slot.ends_at <= utcnow() else engine.SlotFull()
                          if slot.booked >= slot.capacity else engine.NotFound()).message
    return render_book(choice, first, patient_values(first.patient if first else None), errors)


@bp.post("/book")
@requires(Perm.APPOINTMENTS_BOOK)
def book_save() -> Response:
    """Save the booking through the engine; any refusal keeps the form, nothing saved."""
    choice, first = _choice(request.form)
    if choice.slot is None or choice.service is None:
        abort(404)
    values = {k: v for k, v in request.form.items() if k not in {"csrf_token"}}
    send_email, send_sms = send_flags(request.form, values)
    try:
        appointment = engine.book(engine.BookingRequest(
            choice.slot, choice.service, values, comment=values.get("comment", ""),
            by_user=current_user, online=False,
            override_reason=(values.get("override_reason") or None),
            early_reason=(values.get("early_reason") or None),
            send_email=send_email, send_sms=send_sms, language=values.get("language") or None))
    except engine.PatientDataInvalid as error:
        return render_book(choice, first, values, dict(error.errors, form=error.message), 422)
    except engine.DuplicatePerson as error:
        return render_book(choice, first, values, {"form": error.message, "duplicate": True}, 409,
                           existing=error.existing)
    except engine.TooEarly as error:
        return render_book(choice, first, values, {"form": error.message, "early": True}, 409)
    except engine.SlotFull as error:
        return render_book(choice, first, values, {"slot": error.message}, 409,
                           alternatives=error.alternatives)
    except engine.BookingError as error:
        return render_book(choice, first, values, {"slot": error.message}, 422)
    return redirect_to(url_for(".detail", appointment_id=appointment.id, saved=1))
