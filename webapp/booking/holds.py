"""Holds: a place kept for a few minutes while a citizen types their details (PUB-5, PUB-9).

A hold is an `Appointment` with status "held" that takes its place like a booking. It
becomes a booking with `finalize_hold`; if abandoned, the scheduler's
`release_expired_holds` frees its place exactly once (status "expired").
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..dbtx import write_transaction
from ..extensions import db
from ..models import Appointment, Location, Patient, Service, Slot, Status, User, utcnow
from .availability import nearest_alternatives
from .checks import check_bookable, check_eligibility, prepare
from .errors import AlreadyBooked, BookingError, NotFound, SlotFull, SlotPast
from .seats import (
    ATTEMPTS,
    Changed,
    Full,
    drafts_for,
    free_place,
    guard_duplicate,
    is_collision,
    new_coupon,
    new_token,
    queue_confirmations,
    set_appointment,
    take_place,
)

HOLD_MINUTES = 10
EXPIRED_HOLD_KEPT = timedelta(days=1)  # an abandoned form can still be saved meanwhile
UPCOMING = (Status.BOOKED.value, Status.CONFIRMED.value)


def hold(slot: Slot, service: Service, *, language: Optional[str] = None, online: bool = True,
         minutes: int = HOLD_MINUTES, eligibility: Optional[Mapping[Any, Any]] = None,
         now: Optional[datetime] = None) -> Appointment:
    """Take a place for a few minutes while a citizen types their details (PUB-5)."""
    now = now or utcnow()
    has_questions = check_bookable(slot, service, online=online, now=now)
    answers = check_eligibility(service, slot.team_id, eligibility, online=online,
                                has_questions=has_questions)
    lang = language if language in ("fr_CA", "en") else "fr_CA"
    fixed = dict(slot_id=slot.id, service_id=service.id, location_id=slot.location_id,
                 team_id=slot.team_id, starts_at=slot.starts_at, status=Status.HELD.value,
                 online=online, language=lang, eligibility=answers,
                 hold_expires_at=now + timedelta(minutes=minutes))
    for _attempt in range(ATTEMPTS):
        try:
            with write_transaction() as session:
                if not take_place(session, fixed["slot_id"]):
                    raise Full()
                appointment = Appointment(**fixed, coupon=new_coupon(), token=new_token(),
                                          patient=Patient(language=lang))
                session.add(appointment)
            return appointment
        except IntegrityError as error:
            if not is_collision(error):
                raise
        except Full:
            raise SlotFull(nearest_alternatives(slot, service, online=online, now=now)) from None
    raise BookingError()


def finalize_hold(appointment: Appointment, patient_data: Any, *,
                  by_user: Optional[User] = None, online: bool = True,
                  send_email: bool = False, send_sms: bool = False,
                  language: Optional[str] = None, comment: Optional[str] = None,
                  eligibility: Optional[Mapping[Any, Any]] = None,
                  consent_at: Optional[datetime] = None, override_reason: Optional[str] = None,
                  now: Optional[datetime] = None) -> Appointment:
    """Turn a hold into a booking. A lapsed hold whose place was freed takes a place again
    if one is left, else raises SlotFull with the nearest other times (PUB-9)."""
    now = now or utcnow()
    status = appointment.status
    if status in UPCOMING:
        raise AlreadyBooked(appointment)
    if status not in (Status.HELD.value, Status.EXPIRED.value):
        raise NotFound()
    slot, service = appointment.slot, appointment.service
    if status == Status.EXPIRED.value:
        check_bookable(slot, service, online=online, now=now)
    elif slot.starts_at <= now:
        raise SlotPast()
    request = prepare(service, slot.team_id, patient_data, comment=comment,
                      send_email=send_email, send_sms=send_sms, language=language,
                      eligibility=eligibility if eligibility is not None else
                      appointment.eligibility, consent_at=consent_at, online=online,
                      by_user=by_user, override_reason=override_reason)
    location = db.session.get(Location, slot.location_id)
    assert location is not None
    appointment_id, slot_id, service_id = appointment.id, slot.id, service.id
    patient_id, coupon = appointment.patient_id, appointment.coupon
    drafts = drafts_for(request, coupon, appointment.token, service, location, slot.starts_at,
                        send_email, send_sms)
    values = dict(status=Status.BOOKED.value, hold_expires_at=None, booked_by_id=request.user_id,
                  send_email=send_email, send_sms=send_sms, language=request.language,
                  comment=request.data.comment, eligibility=request.answers,
                  consent_at=consent_at, updated_at=now)
    try:
        with write_transaction() as session:
            existing = guard_duplicate(session, service_id, request, now, appointment_id)
            if existing is not None:
                values["duplicate_override"] = request.override
            if not set_appointment(session, appointment_id,
                                    Appointment.status == Status.HELD.value, **values):
                if not take_place(session, slot_id):
                    raise Full()
                if not set_appointment(session, appointment_id,
                                        Appointment.status == Status.EXPIRED.value, **values):
                    raise Changed()
            session.execute(update(Patient).where(Patient.id == patient_id).values(**dict(
                request.data.patient_fields(), identity_key=request.data.identity_key,
                language=request.data.language or request.language)))
            queue_confirmations(drafts, appointment_id, request.language)
            audit.record("appointment.booked", appointment, user_id=request.user_id,
                         coupon=coupon, slot=slot_id, service=service_id, online=online,
                         hold=True)
            if existing is not None:
                audit.record("appointment.duplicate_override", appointment,
                             user_id=request.user_id, existing=existing,
                             reason=request.override)
    except Full:
        raise SlotFull(nearest_alternatives(slot, service, online=online, now=now)) from None
    except Changed:
        db.session.refresh(appointment)
        if appointment.status in UPCOMING:
            raise AlreadyBooked(appointment) from None
        raise NotFound() from None
    db.session.expire(appointment)
    return appointment


def release_expired_holds(now: Optional[datetime] = None, limit: int = 500) -> int:
    """Free the places of lapsed holds, each exactly once; forget day-old ones (a job)."""
    now = now or utcnow()
    lapsed = db.session.scalars(
        select(Appointment.id).where(Appointment.status == Status.HELD.value,
                                     Appointment.hold_expires_at <= now)
        .order_by(Appointment.id).limit(limit)).all()
    released = 0
    for appointment_id in lapsed:
        with write_transaction() as session:
            slot_id = session.execute(
                update(Appointment)
                .where(Appointment.id == appointment_id,
                       Appointment.status == Status.HELD.value,
                       Appointment.hold_expires_at <= now)
                .values(status=Status.EXPIRED.value, updated_at=now)
                .returning(Appointment.slot_id)
                .execution_options(synchronize_session=False)).scalar_one_or_none()
            if slot_id is not None:
                free_place(session, slot_id)
                released += 1
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
