"""Holds: a seat kept for a few minutes while a citizen types their details (PUB-5, PUB-9).

A hold is an `Appointment` with status "held" that takes its seat like a booking. It
becomes a booking with `finalize_hold`; if abandoned, `release_hold` (the citizen went
back) or the scheduler's `release_expired_holds` frees its seat exactly once (status
"expired"). Same layers as `engine`: checks -> confirmations -> seats.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import delete, exists, select

from ..dbtx import write_transaction
from ..extensions import db
from ..models import Appointment, Patient, Status, utcnow
from . import confirmations, limits
from .checks import check_finalize, check_hold, slot_full
from .codes import keyed_token, new_codes
from .errors import AlreadyBooked, BookingError, NotFound
from .request import BookingRequest
from .seats import UPCOMING, Changed, Full, complete_hold, end_appointment, insert_hold

HOLD_MINUTES = 10
EXPIRED_HOLD_KEPT = timedelta(days=1)  # an abandoned form can still be saved meanwhile


def hold(request: BookingRequest, *, minutes: int = HOLD_MINUTES,
         now: Optional[datetime] = None, key: Optional[str] = None) -> Appointment:
    """Take a seat of `request.slot` for a few minutes while a citizen types their details
    (PUB-5); the request needs no patient yet.

    `key` makes the hold idempotent (PUB-5): the same key, sent twice by a double tap on
    a slow connection, gets the same hold back instead of a second seat, even when the two
    requests race and the first one took the last place."""
    now = now or utcnow()
    request = check_hold(request, now)
    wanted = _keyed(key, request)
    if wanted is not None:
        existing = _still_held(wanted)
        if existing is not None:
            return existing
        if _exists(wanted):  # that hold ended (released, lapsed): a new one, a new token
            wanted = None
    if request.client:
        limits.check_address_bookings(request.client, now)
    for attempt, (coupon, token) in enumerate(new_codes()):
        if attempt == 0 and wanted is not None:
            token = wanted
        try:
            held = insert_hold(request, coupon, token, now + timedelta(minutes=minutes), now)
        except Full:
            mine = _still_held(wanted) if wanted else None
            if mine is not None:  # our own first tap took the last place
                return mine
            raise slot_full(request, now) from None
        if held is not None:  # else the coupon or token was taken: draw again
            return held
        if attempt == 0 and wanted is not None:
            mine = _still_held(wanted)
            if mine is not None:  # a twin request inserted it first
                return mine
    raise BookingError()


def _keyed(key: Optional[str], request: BookingRequest) -> Optional[str]:
    if not key:
        return None
    secret = current_app.config["SECRET_KEY"]
    return keyed_token(secret, f"{key[:64]}:{request.slot.id}:{request.service.id}")


def _still_held(token: str) -> Optional[Appointment]:
    return db.session.scalar(select(Appointment).where(
        Appointment.token == token, Appointment.status == Status.HELD.value)
        .execution_options(populate_existing=True))


def _exists(token: str) -> bool:
    return db.session.scalar(select(exists().where(Appointment.token == token))) or False


def finalize_hold(hold: Appointment, request: BookingRequest, *,
                  now: Optional[datetime] = None) -> Appointment:
    """Turn a hold into a booking for `request` (its slot and service are the hold's). A
    lapsed hold whose seat was freed takes a seat again if one is left, else raises SlotFull
    with the nearest other times (PUB-9)."""
    now = now or utcnow()
    request = check_finalize(hold, request, now)
    if hold.client_key:
        limits.check_person_bookings(request.details.identity_key, now)
    drafts = confirmations.drafts(request, hold.coupon, hold.token)
    try:
        complete_hold(hold, request, drafts, now)
    except Full:
        raise slot_full(request, now) from None
    except Changed:
        db.session.refresh(hold)
        if hold.status in UPCOMING:
            raise AlreadyBooked(hold) from None
        raise NotFound() from None
    return hold


def release_hold(hold: Appointment) -> bool:
    """Give back a held seat now (the citizen went back or chose another time)."""
    hold_id = hold.id
    with write_transaction() as session:
        released = end_appointment(session, hold_id, Appointment.status == Status.HELD.value,
                                   status=Status.EXPIRED.value, hold_expires_at=utcnow())
    db.session.expire(hold)
    return released


def release_expired_holds(now: Optional[datetime] = None, limit: int = 500) -> int:
    """Free the seats of lapsed holds, each exactly once; forget day-old ones (a job)."""
    now = now or utcnow()
    lapsed = db.session.scalars(
        select(Appointment.id).where(Appointment.status == Status.HELD.value,
                                     Appointment.hold_expires_at <= now)
        .order_by(Appointment.id).limit(limit)).all()
    released = 0
    for appointment_id in lapsed:
        with write_transaction() as session:
            released += end_appointment(session, appointment_id,
                                        Appointment.status == Status.HELD.value,
                                        Appointment.hold_expires_at <= now,
                                        status=Status.EXPIRED.value, updated_at=now)
    _forget_old_holds(now - EXPIRED_HOLD_KEPT, limit)
    return released


def _forget_old_holds(before: datetime, limit: int) -> None:
    rows = db.session.execute(
        select(Appointment.id, Appointment.patient_id)
        .where(Appointment.status == Status.EXPIRED.value, Appointment.hold_expires_at < before)
        .limit(limit)).all()
    if not rows:
        db.session.commit()
        return
    with write_transaction() as session:
        session.execute(delete(Appointment).where(
            Appointment.id.in_([r.id for r in rows]),
            Appointment.status == Status.EXPIRED.value))
        session.execute(delete(Patient).where(
            Patient.id.in_([r.patient_id for r in rows]),
            ~exists().where(Appointment.patient_id == Patient.id)))
