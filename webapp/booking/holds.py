"""Holds: a seat kept for a few minutes while a citizen types their details (PUB-5, PUB-9).

A hold is an `Appointment` with status "held" that takes its seat like a booking. It
becomes a booking with `finalize_hold`; if abandoned, `release_hold` (the citizen went
back) or the scheduler's `release_expired_holds` frees its seat exactly once (status
"expired"). Same layers as `engine`: checks -> confirmations -> seats.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, exists, select

from ..dbtx import write_transaction
from ..extensions import db
from ..models import Appointment, Patient, Status, utcnow
from . import confirmations
from .checks import check_finalize, check_hold, slot_full
from .codes import new_codes
from .errors import AlreadyBooked, BookingError, NotFound
from .request import BookingRequest
from .seats import UPCOMING, Changed, Full, complete_hold, end_appointment, insert_hold

HOLD_MINUTES = 10
EXPIRED_HOLD_KEPT = timedelta(days=1)  # an abandoned form can still be saved meanwhile


def hold(request: BookingRequest, *, minutes: int = HOLD_MINUTES,
         now: Optional[datetime] = None) -> Appointment:
    """Take a seat of `request.slot` for a few minutes while a citizen types their details
    (PUB-5); the request needs no patient yet."""
    now = now or utcnow()
    request = check_hold(request, now)
    for coupon, token in new_codes():
        try:
            held = insert_hold(request, coupon, token, now + timedelta(minutes=minutes))
        except Full:
            raise slot_full(request, now) from None
        if held is not None:  # else the coupon or token was taken: draw again
            return held
    raise BookingError()


def finalize_hold(hold: Appointment, request: BookingRequest, *,
                  now: Optional[datetime] = None) -> Appointment:
    """Turn a hold into a booking for `request` (its slot and service are the hold's). A
    lapsed hold whose seat was freed takes a seat again if one is left, else raises SlotFull
    with the nearest other times (PUB-9)."""
    now = now or utcnow()
    request = check_finalize(hold, request, now)
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
