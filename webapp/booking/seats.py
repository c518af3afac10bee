"""The atomic writes of the booking engine: each takes or frees seats in a slot and writes
what goes with it (patient, appointment, queued messages, audit) in ONE short transaction.

A seat is taken by one conditional statement,
`UPDATE slot SET booked = booked + 1 WHERE id = :id AND booked < capacity`, in the same
transaction that writes the appointment; the database's CHECK (0 <= booked <= capacity)
backs it up. Row locks are always taken in the same order (the person's advisory lock, then
the appointment, then slots by id), so PostgreSQL never finds a deadlock between them.

Every value a write needs is read from the (cleaned) request BEFORE its transaction opens:
inside it, nothing is loaded lazily and nothing calls back into the layers above.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from .. import audit, messaging
from ..dbtx import lock_keys, write_transaction
from ..extensions import db
from ..models import ACTIVE_STATUSES, UPCOMING_STATUSES, Appointment, AuditLog, Patient, Slot, Status
from . import limits
from .confirmations import KIND, Draft
from .errors import CapacityBelowBooked, DuplicatePerson, NotFound
from .request import BookingRequest

log = logging.getLogger("webapp.booking")

UPCOMING = UPCOMING_STATUSES


class Full(Exception):
    """The conditional update found no seat left; the transaction was rolled back."""


class Changed(Exception):
    """The appointment changed under us; the transaction was rolled back."""


# Hot-path statements are built once: building and hashing a statement costs more than
# running it. Bind names start with "p_" so they never collide with a column name.
_SLOT = Slot.__table__
_TAKE = (update(_SLOT).where(_SLOT.c.id == bindparam("p_slot"), _SLOT.c.booked < _SLOT.c.capacity)
         .values(booked=_SLOT.c.booked + 1))
_FREE = (update(_SLOT).where(_SLOT.c.id == bindparam("p_slot"), _SLOT.c.booked > 0)
         .values(booked=_SLOT.c.booked - 1))
_NEW_PATIENT = insert(Patient.__table__).returning(Patient.__table__.c.id)
_NEW_APPOINTMENT = insert(Appointment.__table__).returning(Appointment.__table__.c.id)
_NEW_AUDIT = insert(AuditLog.__table__)
_DUPLICATE = (
    select(Appointment.id).join(Patient, Patient.id == Appointment.patient_id)
    .where(Appointment.service_id == bindparam("p_service"),
           Appointment.status.in_(ACTIVE_STATUSES),
           Appointment.starts_at > bindparam("p_now", type_=Appointment.starts_at.type),
           Appointment.id != bindparam("p_exclude"),
           or_(Patient.identity_key == bindparam("p_key"),
               Patient.health_insurance_number == bindparam("p_hin")))
    .limit(1))


# -- the statements -----------------------------------------------------------------------

def take_seat(session: Session, slot_id: int) -> bool:
    """`UPDATE slot SET booked = booked + 1 WHERE id = ? AND booked < capacity`: one seat,
    atomically, or False when the slot is full."""
    result = session.execute(_TAKE, {"p_slot": slot_id})
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def free_seat(session: Session, slot_id: int) -> None:
    result = session.execute(_FREE, {"p_slot": slot_id})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        log.error("slot %s had no booked seat to free", slot_id)


def set_appointment(session: Session, appointment_id: int, *conditions: Any,
                    **values: Any) -> int:
    result = session.execute(
        update(Appointment).where(Appointment.id == appointment_id, *conditions)
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def end_appointment(session: Session, appointment_id: int, *conditions: Any,
                    **values: Any) -> bool:
    """Set `values` on the appointment if `conditions` hold and free its seat, exactly once
    even if two such calls race; False if the conditions no longer held."""
    slot_id = session.execute(
        update(Appointment).where(Appointment.id == appointment_id, *conditions)
        .values(**values).returning(Appointment.slot_id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if slot_id is None:
        return False
    free_seat(session, slot_id)
    return True


def _guard_duplicate(session: Session, request: BookingRequest, service_id: int,
                     now: datetime, exclude_id: Optional[int] = None) -> Optional[int]:
    """The id of the same person's upcoming appointment for this service, if staff gave a
    reason to book another; raises DuplicatePerson if no reason was given. The person's
    lock makes two bookings of one person wait for each other (indexed look-up; NULL keys
    match nothing)."""
    data = request.details
    keys = [f"person:{data.identity_key}"] if data.identity_key else []
    if data.health_insurance_number:
        keys.append("hin:" + data.health_insurance_number)
    lock_keys(session, keys)
    if not keys:
        return None
    existing = session.scalar(_DUPLICATE, {
        "p_service": service_id, "p_now": now, "p_exclude": exclude_id or 0,
        "p_key": data.identity_key, "p_hin": data.health_insurance_number})
    if existing is not None and not request.override_reason:
        raise DuplicatePerson(session.get_one(Appointment, existing))
    return existing


def _is_collision(error: IntegrityError) -> bool:
    text = str(error.orig)
    return "coupon" in text or "token" in text


def _patient_row(request: BookingRequest) -> dict[str, Any]:
    data = request.details
    return dict(data.patient_fields(), identity_key=data.identity_key,
                language=data.language or request.language)


def _placed(request: BookingRequest) -> dict[str, Any]:
    """The columns that place a new appointment: its slot, service, location, team, time."""
    slot = request.slot
    return dict(slot_id=slot.id, service_id=request.service.id, location_id=slot.location_id,
                team_id=slot.team_id, starts_at=slot.starts_at, online=request.online)


def _booked_values(request: BookingRequest) -> dict[str, Any]:
    """The columns a booking sets, whether new or completing a hold."""
    return dict(status=Status.BOOKED.value, booked_by_id=request.user_id,
                send_email=request.send_email, send_sms=request.send_sms,
                language=request.language, comment=request.details.comment,
                early_reason=request.early_reason,
                eligibility=request.eligibility, consent_at=request.consent_at)


def _queue(session: Session, drafts: list[Draft], appointment_id: int, language: str,
           starts_at: datetime) -> None:
    # The occurrence lets the planner see a later move (messaging.communications).
    occurrence = messaging.occurrence_of(starts_at)
    messaging.queue_rows(session, [
        dict(kind=KIND, channel=d.channel, recipient=d.recipient, body=d.body,
             occurrence=occurrence,
             subject=d.subject, language=language, appointment_id=appointment_id)
        for d in drafts])


def _audit(session: Session, appointment_id: int, action: str, user_id: Optional[int],
           **details: Any) -> None:
    """An audit entry about the appointment, as a plain INSERT (see `audit.values`)."""
    entry = audit.values(action, None, user_id, **details)
    entry.update(object_type="Appointment", object_id=appointment_id)
    session.execute(_NEW_AUDIT, entry)


def _booked_details(request: BookingRequest, coupon: str, **extra: Any) -> dict[str, Any]:
    return dict(user_id=request.user_id, coupon=coupon, slot=request.slot.id,
                service=request.service.id, online=request.online,
                early_reason=request.early_reason, **extra)


def _audit_booked(session: Session, appointment_id: int, details: dict[str, Any],
                  existing: Optional[int], reason: Optional[str]) -> None:
    user_id, early_reason = details.pop("user_id"), details.pop("early_reason")
    _audit(session, appointment_id, "appointment.booked", user_id, **details)
    if early_reason:
        _audit(session, appointment_id, "appointment.early_dose", user_id, reason=early_reason)
    if existing is not None:
        _audit(session, appointment_id, "appointment.duplicate_override", user_id,
               existing=existing, reason=reason)


# -- the writes ---------------------------------------------------------------------------

def insert_booking(request: BookingRequest, coupon: str, token: str, drafts: list[Draft],
                   now: datetime) -> Optional[Appointment]:
    """Take a seat and write the patient, the appointment, its messages and audit entries,
    with plain INSERTs (the ORM's unit of work would double the time the lock is held).

    None if the coupon or the token was already taken (draw new ones); raises Full."""
    values = dict(_placed(request), **_booked_values(request), coupon=coupon, token=token)
    patient = _patient_row(request)
    details = _booked_details(request, coupon)
    try:
        with write_transaction() as session:
            existing = _guard_duplicate(session, request, values["service_id"], now)
            if not take_seat(session, values["slot_id"]):
                raise Full()
            values["duplicate_override"] = request.override_reason if existing is not None else None
            values["patient_id"] = session.execute(_NEW_PATIENT, patient).scalar_one()
            appointment_id = session.execute(_NEW_APPOINTMENT, values).scalar_one()
            _audit_booked(session, appointment_id, details, existing, request.override_reason)
            _queue(session, drafts, appointment_id, request.language or "fr_CA",
                   request.slot.starts_at)
    except IntegrityError as error:
        if _is_collision(error):
            return None
        raise
    return _written(appointment_id, values)


def insert_hold(request: BookingRequest, coupon: str, token: str,
                expires_at: datetime, now: datetime) -> Optional[Appointment]:
    """Take a seat for a hold: an appointment "held" until `expires_at`, its patient still
    blank. None if the coupon or the token was already taken; raises Full, or TooManyHolds
    when the citizen's address holds its share already."""
    values = dict(_placed(request), status=Status.HELD.value, language=request.language,
                  eligibility=request.eligibility, hold_expires_at=expires_at,
                  client_key=request.client, created_at=now)
    values.update(coupon=coupon, token=token)
    try:
        with write_transaction() as session:
            if request.client:
                lock_keys(session, [f"client:{request.client}"])
                limits.check_holds(session, request.client, now)
            if not take_seat(session, values["slot_id"]):
                raise Full()
            values["patient_id"] = session.execute(
                _NEW_PATIENT, {"language": request.language}).scalar_one()
            appointment_id = session.execute(_NEW_APPOINTMENT, values).scalar_one()
    except IntegrityError as error:
        if _is_collision(error):
            return None
        raise
    return _written(appointment_id, values)


def _written(appointment_id: int, values: dict[str, Any]) -> Appointment:
    """The row just written, as a persistent object without reading it back (the columns
    left to their defaults load on first use)."""
    appointment = Appointment(id=appointment_id, **values)
    make_transient_to_detached(appointment)
    db.session.add(appointment)
    return appointment


def complete_hold(hold: Appointment, request: BookingRequest, drafts: list[Draft],
                  now: datetime) -> None:
    """Turn the hold into a booking: its patient's details, its messages, its audit. A
    lapsed hold whose seat was freed takes a seat again. Raises Full, or Changed when the
    hold is no longer held nor lapsed (booked meanwhile by a form sent twice)."""
    hold_id, patient_id = hold.id, hold.patient_id
    values = dict(_booked_values(request), hold_expires_at=None, updated_at=now)
    patient = _patient_row(request)
    details = _booked_details(request, hold.coupon, hold=True)
    try:
        with write_transaction() as session:
            existing = _guard_duplicate(session, request, details["service"], now, hold_id)
            if existing is not None:
                values["duplicate_override"] = request.override_reason
            if not set_appointment(session, hold_id,
                                   Appointment.status == Status.HELD.value, **values):
                if not take_seat(session, details["slot"]):
                    raise Full()
                if not set_appointment(session, hold_id,
                                       Appointment.status == Status.EXPIRED.value, **values):
                    raise Changed()
            session.execute(update(Patient).where(Patient.id == patient_id).values(**patient))
            _audit_booked(session, hold_id, details, existing, request.override_reason)
            _queue(session, drafts, hold_id, request.language or "fr_CA",
                   request.slot.starts_at)
    finally:
        db.session.expire(hold)


def move_appointment(appointment: Appointment, request: BookingRequest, now: datetime) -> None:
    """Move the appointment to the request's slot and service: the new seat is taken and the
    old one freed in one transaction, or nothing changes. Raises Full, or Changed when the
    appointment was moved, cancelled or ended meanwhile."""
    appointment_id, old_slot_id, new_slot = appointment.id, appointment.slot_id, request.slot
    before: dict[str, Any] = {"slot": old_slot_id, "service": appointment.service_id,
                              "location": appointment.location_id, "team": appointment.team_id,
                              "starts_at": appointment.starts_at.isoformat()}
    after: dict[str, Any] = {"slot": new_slot.id, "service": request.service.id,
                             "location": new_slot.location_id, "team": new_slot.team_id,
                             "starts_at": new_slot.starts_at.isoformat()}
    starts_at, user_id = new_slot.starts_at, request.user_id
    try:
        with write_transaction() as session:
            if after["service"] != before["service"]:
                _guard_duplicate(session, request, after["service"], now, appointment_id)
            if not set_appointment(session, appointment_id, Appointment.status.in_(UPCOMING),
                                   Appointment.slot_id == old_slot_id, updated_at=now):
                raise Changed()
            if after["slot"] != old_slot_id:
                for slot_id in sorted((old_slot_id, after["slot"])):  # one lock order for all
                    if slot_id == old_slot_id:
                        free_seat(session, slot_id)
                    elif not take_seat(session, slot_id):
                        raise Full()
            set_appointment(session, appointment_id, slot_id=after["slot"],
                            service_id=after["service"], location_id=after["location"],
                            team_id=after["team"], starts_at=starts_at,
                            early_reason=request.early_reason)
            _audit(session, appointment_id, "appointment.moved", user_id, before=before,
                   after=after)
            if request.early_reason:
                _audit(session, appointment_id, "appointment.early_dose", user_id,
                       reason=request.early_reason)
    finally:
        db.session.expire(appointment)


def cancel_appointment(appointment: Appointment, user_id: Optional[int], reason: str,
                       online: bool, now: datetime) -> bool:
    """Cancel and free the seat, exactly once even if two cancellations race."""
    appointment_id = appointment.id
    try:
        with write_transaction() as session:
            done = end_appointment(
                session, appointment_id, Appointment.status.in_(ACTIVE_STATUSES),
                status=Status.CANCELLED.value, cancelled_at=now, cancelled_by_id=user_id,
                cancel_reason=(reason or "").strip()[:2000], updated_at=now)
            if done:
                _audit(session, appointment_id, "appointment.cancelled", user_id,
                       reason=reason, online=online)
    finally:
        db.session.expire(appointment)
    return done


def confirm_appointment(appointment: Appointment, user_id: Optional[int],
                        now: datetime) -> bool:
    """Booked -> confirmed; False if it was not booked (already confirmed, or cancelled)."""
    appointment_id = appointment.id
    try:
        with write_transaction() as session:
            done = set_appointment(session, appointment_id,
                                   Appointment.status == Status.BOOKED.value,
                                   status=Status.CONFIRMED.value, confirmed_at=now,
                                   updated_at=now)
            if done:
                _audit(session, appointment_id, "appointment.confirmed", user_id)
    finally:
        db.session.expire(appointment)
    return bool(done)


def set_capacity(slot: Slot, capacity: int) -> None:
    """Change a slot's number of seats, never below what is booked (SCH-3).

    One conditional UPDATE in the caller's transaction (not committed here): use it inside
    `dbtx.write_transaction()` so that a rush of bookings cannot slip in between.
    """
    if capacity < 0:
        raise CapacityBelowBooked(0)
    session = db.session
    done = session.execute(
        update(Slot).where(Slot.id == slot.id, Slot.booked <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.expire(slot, ["capacity", "booked"])
    if not done:
        booked = session.scalar(select(Slot.booked).where(Slot.id == slot.id))
        if booked is None:
            raise NotFound()
        raise CapacityBelowBooked(booked)
