"""The booking engine's entry points: book, move, cancel, confirm (APT-2..4, PUB-4..9).

Every caller (staff views, public views, commands, jobs, tests) goes through these
functions. They take and return model objects, raise `BookingError`s with a message for
the person in front of the screen, never touch `request`, and commit their own short
transaction (committing first whatever the caller left open).

Each one reads top-down, one layer after the other, and no layer calls back up:
the request (`BookingRequest`, built once by the caller) -> `checks` (the rules, no writes;
returns the request cleaned) -> `confirmations` (the messages, drafted before the write so
that it stays short) -> `seats` (the atomic write: seats taken and freed by conditional
UPDATEs, rows inserted, messages queued in the outbox, all in one transaction).

Nothing overbooks: `Slot.booked` always equals the number of the slot's appointments whose
status is held, booked or confirmed; every write keeps it so, atomically (see `seats`).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    Organization,
    Service,
    Slot,
    Status,
    User,
    utcnow,
)
from . import confirmations
from .checks import check_booking, check_movable, check_move, parse_id, slot_full
from .codes import new_codes
from .errors import (
    BookingError,
    ChangedMeanwhile,
    NotCancellable,
    NotConfirmable,
    NotFound,
)
from .holds import finalize_hold
from .patients import validate
from .request import BookingRequest
from .seats import (
    Changed,
    Full,
    cancel_appointment,
    confirm_appointment,
    insert_booking,
    move_appointment,
)

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,43}$")


# -- looking up what a form or a URL names ------------------------------------------------

def get_slot(raw_id: Any) -> Slot:
    slot_id = parse_id(raw_id)
    slot = db.session.get(Slot, slot_id) if slot_id else None
    if slot is None:
        raise NotFound()
    return slot


def get_service(raw_id: Any, *, online: bool) -> Service:
    service_id = parse_id(raw_id)
    service = db.session.get(Service, service_id) if service_id else None
    if service is None or (online and not service.active):
        raise NotFound()
    return service


_BY_TOKEN = select(Appointment).where(Appointment.token == bindparam("p_token"))
# Built once: SQLAlchemy keeps a statement's cache key on it, and the four loader options
# made that key cost more than the query on each of a citizen's pages.
_BY_TOKEN_WITH_PLACE = _BY_TOKEN.options(
    joinedload(Appointment.slot), joinedload(Appointment.service),
    joinedload(Appointment.location), joinedload(Appointment.patient))


def get_appointment(token: str, *, with_place: bool = False) -> Appointment:
    """The appointment a patient's link names (its random token); `with_place` reads its
    slot, service, location and patient in the same query (the citizen's pages show them)."""
    if not TOKEN.match(str(token or "")):
        raise NotFound()
    appointment = db.session.scalar(_BY_TOKEN_WITH_PLACE if with_place else _BY_TOKEN,
                                    {"p_token": token})
    if appointment is None:
        raise NotFound()
    return appointment


# -- booking ------------------------------------------------------------------------------

def book(request: BookingRequest, *, hold: Optional[Appointment] = None,
         now: Optional[datetime] = None) -> Appointment:
    """Book one seat of `request.slot` for `request.service`; with `hold`, complete that
    hold instead (`finalize_hold`).

    Raises SlotFull (with `alternatives`), SlotPast, SlotLocked, ServiceNotOffered,
    DuplicatePerson, PatientDataInvalid... and then nothing changed.
    """
    if hold is not None:
        return finalize_hold(hold, request, now=now)
    now = now or utcnow()
    # Held for the whole call: the session finds it again (time zone, messages) unread.
    _organization = db.session.get(Organization, 1)
    request = check_booking(request, now)
    for coupon, token in new_codes():
        drafts = confirmations.drafts(request, coupon, token)
        try:
            appointment = insert_booking(request, coupon, token, drafts, now)
        except Full:
            raise slot_full(request, now) from None
        if appointment is not None:  # else the coupon or token was taken: draw again
            return appointment
    raise BookingError()


# -- changing an appointment --------------------------------------------------------------

def move(appointment: Appointment, request: BookingRequest, *,
         now: Optional[datetime] = None) -> Appointment:
    """Move an upcoming appointment to `request.slot` and `request.service` (APT-4): the
    new seat is taken and the old one freed in one transaction, or nothing changes."""
    now = now or utcnow()
    check_movable(appointment, now)
    if (request.slot.id, request.service.id) == (appointment.slot_id, appointment.service_id):
        return appointment
    request = check_move(appointment, request, now)
    try:
        move_appointment(appointment, request, now)
    except Full:
        raise slot_full(request, now) from None
    except Changed:
        raise ChangedMeanwhile() from None
    return appointment


def cancel(appointment: Appointment, *, by_user: Optional[User] = None, reason: str = "",
           online: bool = False, now: Optional[datetime] = None) -> bool:
    """Cancel and free the seat, exactly once even if two cancellations race.
    True if this call cancelled it; False if it was no longer active."""
    now = now or utcnow()
    if online and appointment.starts_at <= now and appointment.status in ACTIVE_STATUSES:
        raise NotCancellable()
    user_id = by_user.id if by_user is not None else None
    return cancel_appointment(appointment, user_id, reason, online, now)


def confirm(appointment: Appointment, *, by_user: Optional[User] = None,
            now: Optional[datetime] = None) -> bool:
    """The patient confirms (link in a reminder) or staff confirm for them (FUP-7).
    True if this call confirmed it; False if it already was."""
    now = now or utcnow()
    if confirm_appointment(appointment, by_user.id if by_user is not None else None, now):
        return True
    if appointment.status == Status.CONFIRMED.value:
        return False
    raise NotConfirmable()


def update_details(appointment: Appointment, patient_data: Any, *,
                   comment: Optional[str] = None, by_user: Optional[User] = None) -> None:
    """Change the patient's details and the comment, allowed even on past or cancelled
    appointments (APT-4); the audit log keeps what changed."""
    raw = dict(patient_data or {})
    if comment is not None:
        raw["comment"] = comment
    data = validate(raw, appointment.service.field_rules or {})
    patient = appointment.patient
    before = {k: str(getattr(patient, k)) for k in data.patient_fields()}
    before["comment"] = appointment.comment
    for field, value in data.patient_fields().items():
        setattr(patient, field, value)
    patient.identity_key = data.identity_key
    appointment.comment = data.comment
    after = {k: str(getattr(patient, k)) for k in data.patient_fields()}
    after["comment"] = appointment.comment
    changed = [k for k in after if before[k] != after[k]]
    audit.record("appointment.details_changed", appointment,
                 user_id=by_user.id if by_user is not None else None, fields=changed)
    db.session.commit()
