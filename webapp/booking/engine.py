"""The booking engine: book, hold, move, cancel, confirm (APT-2..4, PUB-4..9).

Every caller (staff views, public views, commands, jobs, tests) goes through these
functions. They take and return model objects, raise `BookingError`s with a message for
the person in front of the screen, never touch `request`, and commit their own short
transaction (committing first whatever the caller left open).

Nothing overbooks: a place is taken by ONE conditional statement,
`UPDATE slot SET booked = booked + 1 WHERE id = :id AND booked < capacity`, in the same
transaction that writes the appointment; the database's CHECK (0 <= booked <= capacity)
backs it up. `Slot.booked` always equals the number of the slot's appointments whose
status is held, booked or confirmed; every function below keeps it so, atomically.

Row locks are always taken in the same order (the person's advisory lock, then the
appointment, then slots by id), so PostgreSQL never finds a deadlock between them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from .. import audit
from ..dbtx import write_transaction
from ..extensions import db
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    Location,
    Organization,
    Patient,
    Service,
    Slot,
    Status,
    User,
    utcnow,
)
from .availability import available_days, find_availability, nearest_alternatives
from .checks import Request, check_bookable, parse_id, prepare
from .errors import (
    AlreadyBooked,
    BookingError,
    CapacityBelowBooked,
    ChangedMeanwhile,
    ConsentMissing,
    DuplicatePerson,
    NotCancellable,
    NotConfirmable,
    NotEligible,
    NotFound,
    NotModifiable,
    OnlineBookingClosed,
    OutsideHorizon,
    OverrideNotAllowed,
    ServiceNotOffered,
    SlotFull,
    SlotLocked,
    SlotPast,
    TeamNotAssociated,
)
from .holds import HOLD_MINUTES, finalize_hold, hold, release_expired_holds
from .patients import PatientDataInvalid
from .seats import (
    ATTEMPTS,
    COUPON_ALPHABET,
    COUPON_LENGTH,
    Changed,
    Full,
    drafts_for,
    free_place,
    guard_duplicate,
    insert_booking,
    is_collision,
    new_coupon,
    new_token,
    set_appointment,
    take_place,
)

__all__ = [
    "HOLD_MINUTES", "AlreadyBooked", "BookingError", "CapacityBelowBooked", "ChangedMeanwhile",
    "ConsentMissing", "DuplicatePerson", "NotCancellable", "NotConfirmable", "NotEligible",
    "NotFound", "NotModifiable", "OnlineBookingClosed", "OutsideHorizon", "OverrideNotAllowed",
    "PatientDataInvalid", "ServiceNotOffered", "SlotFull", "SlotLocked", "SlotPast",
    "TeamNotAssociated", "available_days", "book", "cancel", "confirm", "find_availability",
    "finalize_hold", "get_appointment", "get_service", "get_slot", "hold", "move",
    "nearest_alternatives", "normalize_coupon", "release_expired_holds", "set_capacity",
    "update_details",
]

UPCOMING = (Status.BOOKED.value, Status.CONFIRMED.value)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,43}$")


def normalize_coupon(raw: str) -> Optional[str]:
    coupon = re.sub(r"[\s\-]", "", str(raw or "")).upper()
    ok = len(coupon) == COUPON_LENGTH and all(c in COUPON_ALPHABET for c in coupon)
    return coupon if ok else None


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


def get_appointment(token: str) -> Appointment:
    """The appointment a patient's link names (its random token)."""
    if not TOKEN.match(str(token or "")):
        raise NotFound()
    appointment = db.session.scalar(select(Appointment).where(Appointment.token == token))
    if appointment is None:
        raise NotFound()
    return appointment


# -- booking ------------------------------------------------------------------------------

def book(slot: Slot, service: Service, patient_data: Any, *, by_user: Optional[User] = None,
         online: bool = False, send_email: bool = False, send_sms: bool = False,
         language: Optional[str] = None, comment: Optional[str] = None,
         eligibility: Optional[Mapping[Any, Any]] = None, consent_at: Optional[datetime] = None,
         override_reason: Optional[str] = None, hold: Optional[Appointment] = None,
         now: Optional[datetime] = None) -> Appointment:
    """Book one place of `slot` for `service`; with `hold`, complete that hold instead.

    `patient_data`: the form's values (validated here per the service's field rules) or
    a `patients.PatientData`. Raises SlotFull (with `alternatives`), SlotPast, SlotLocked,
    ServiceNotOffered, DuplicatePerson, PatientDataInvalid... and then nothing changed.
    """
    options = dict(by_user=by_user, online=online, send_email=send_email, send_sms=send_sms,
                   language=language, comment=comment, eligibility=eligibility,
                   consent_at=consent_at, override_reason=override_reason, now=now)
    if hold is not None:
        if hold.slot_id != slot.id or hold.service_id != service.id:
            raise NotFound()
        return finalize_hold(hold, patient_data, **options)  # type: ignore[arg-type]
    now = now or utcnow()
    # Held for the whole call: the session finds it again (time zone, messages) unread.
    _organization = db.session.get(Organization, 1)
    has_questions = check_bookable(slot, service, online=online, now=now)
    if slot.booked >= slot.capacity:  # as just read: spare the rush a doomed transaction
        raise SlotFull(nearest_alternatives(slot, service, online=online, now=now))
    request = prepare(service, slot.team_id, patient_data, comment=comment,
                      send_email=send_email, send_sms=send_sms, language=language,
                      eligibility=eligibility, consent_at=consent_at, online=online,
                      by_user=by_user, override_reason=override_reason,
                      has_questions=has_questions)
    location = db.session.get(Location, slot.location_id) if send_email or send_sms else None
    slot_id, service_id, starts_at = slot.id, service.id, slot.starts_at
    patient = dict(request.data.patient_fields(), identity_key=request.data.identity_key,
                   language=request.data.language or request.language)
    fixed = dict(slot_id=slot_id, service_id=service_id, location_id=slot.location_id,
                 team_id=slot.team_id, starts_at=starts_at, status=Status.BOOKED.value,
                 online=online, booked_by_id=request.user_id, send_email=send_email,
                 send_sms=send_sms, language=request.language,
                 comment=request.data.comment, eligibility=request.answers,
                 consent_at=consent_at)
    for _attempt in range(ATTEMPTS):
        coupon = new_coupon()
        token = new_token()
        drafts = drafts_for(request, coupon, token, service, location, starts_at, send_email,
                            send_sms) if location is not None else []
        audits = [("appointment.booked", {"user_id": request.user_id, "coupon": coupon,
                                          "slot": slot_id, "service": service_id,
                                          "online": online})]
        try:
            with write_transaction() as session:
                existing = guard_duplicate(session, service_id, request, now)
                if not take_place(session, slot_id):
                    raise Full()
                if existing is not None:
                    audits.append(("appointment.duplicate_override", {
                        "user_id": request.user_id, "existing": existing,
                        "reason": request.override}))
                values = dict(fixed, coupon=coupon, token=token,
                              duplicate_override=request.override if existing else None)
                appointment_id = insert_booking(session, patient, values, drafts, audits)
        except IntegrityError as error:
            if not is_collision(error):
                raise
            continue
        except Full:
            raise SlotFull(nearest_alternatives(slot, service, online=online, now=now)) from None
        return _known(Appointment(id=appointment_id, **values))
    raise BookingError()


def _known(appointment: Appointment) -> Appointment:
    """The row just written, as a persistent object without reading it back (the columns
    left to their defaults load on first use)."""
    make_transient_to_detached(appointment)
    db.session.add(appointment)
    return appointment


# -- changing an appointment --------------------------------------------------------------

def _snapshot(appointment: Appointment) -> dict[str, Any]:
    return {"slot": appointment.slot_id, "service": appointment.service_id,
            "location": appointment.location_id, "team": appointment.team_id,
            "starts_at": appointment.starts_at.isoformat()}


def move(appointment: Appointment, new_slot: Slot, *, service: Optional[Service] = None,
         by_user: Optional[User] = None, online: bool = False,
         override_reason: Optional[str] = None, now: Optional[datetime] = None) -> Appointment:
    """Move an upcoming appointment to another time, service or location (APT-4): the new
    place is taken and the old one freed in one transaction, or nothing changes."""
    now = now or utcnow()
    service = service or appointment.service
    if appointment.status not in UPCOMING or appointment.starts_at <= now:
        raise NotModifiable()
    old_slot_id, new_slot_id = appointment.slot_id, new_slot.id
    if new_slot_id == old_slot_id and service.id == appointment.service_id:
        return appointment
    check_bookable(new_slot, service, online=online, now=now)
    service_changed = service.id != appointment.service_id
    patient = appointment.patient
    request = Request(data=_person(patient), language=appointment.language, answers={},
                      override=" ".join((override_reason or "").split())[:500] or None,
                      user_id=by_user.id if by_user is not None else None)
    before = _snapshot(appointment)
    after = {"slot": new_slot_id, "service": service.id, "location": new_slot.location_id,
             "team": new_slot.team_id, "starts_at": new_slot.starts_at.isoformat()}
    appointment_id = appointment.id
    try:
        with write_transaction() as session:
            if service_changed:
                guard_duplicate(session, after["service"], request, now, appointment_id)
            if not set_appointment(session, appointment_id, Appointment.status.in_(UPCOMING),
                                    Appointment.slot_id == old_slot_id, updated_at=now):
                raise Changed()
            if new_slot_id != old_slot_id:
                for slot_id in sorted((old_slot_id, new_slot_id)):  # one lock order for all
                    if slot_id == old_slot_id:
                        free_place(session, slot_id)
                    elif not take_place(session, slot_id):
                        raise Full()
            set_appointment(session, appointment_id, slot_id=new_slot_id,
                             service_id=after["service"], location_id=after["location"],
                             team_id=after["team"], starts_at=new_slot.starts_at)
            audit.record("appointment.moved", appointment, user_id=request.user_id,
                         before=before, after=after)
    except Full:
        raise SlotFull(nearest_alternatives(new_slot, service, online=online, now=now)) from None
    except Changed:
        raise ChangedMeanwhile() from None
    db.session.expire(appointment)
    return appointment


def _person(patient: Patient) -> Any:
    from .patients import PatientData

    return PatientData(first_name=patient.first_name, last_name=patient.last_name,
                       birth_date=patient.birth_date,
                       health_insurance_number=patient.health_insurance_number)


def cancel(appointment: Appointment, *, by_user: Optional[User] = None, reason: str = "",
           online: bool = False, now: Optional[datetime] = None) -> bool:
    """Cancel and free the place, exactly once even if two cancellations race.
    True if this call cancelled it; False if it was no longer active."""
    now = now or utcnow()
    if online and appointment.starts_at <= now and appointment.status in ACTIVE_STATUSES:
        raise NotCancellable()
    appointment_id = appointment.id
    user_id = by_user.id if by_user is not None else None
    with write_transaction() as session:
        slot_id = session.execute(
            update(Appointment)
            .where(Appointment.id == appointment_id, Appointment.status.in_(ACTIVE_STATUSES))
            .values(status=Status.CANCELLED.value, cancelled_at=now, cancelled_by_id=user_id,
                    cancel_reason=(reason or "").strip()[:2000], updated_at=now)
            .returning(Appointment.slot_id)
            .execution_options(synchronize_session=False)).scalar_one_or_none()
        if slot_id is None:
            return False
        free_place(session, slot_id)
        audit.record("appointment.cancelled", appointment, user_id=user_id, reason=reason,
                     online=online)
    db.session.expire(appointment)
    return True


def confirm(appointment: Appointment, *, by_user: Optional[User] = None,
            now: Optional[datetime] = None) -> bool:
    """The patient confirms (link in a reminder) or staff confirm for them (FUP-7).
    True if this call confirmed it; False if it already was."""
    now = now or utcnow()
    appointment_id = appointment.id
    with write_transaction() as session:
        done = set_appointment(session, appointment_id,
                                Appointment.status == Status.BOOKED.value,
                                status=Status.CONFIRMED.value, confirmed_at=now, updated_at=now)
        if done:
            audit.record("appointment.confirmed", appointment,
                         user_id=by_user.id if by_user is not None else None)
    db.session.expire(appointment)
    if done:
        return True
    if appointment.status == Status.CONFIRMED.value:
        return False
    raise NotConfirmable()


def update_details(appointment: Appointment, patient_data: Any, *,
                   comment: Optional[str] = None, by_user: Optional[User] = None) -> None:
    """Change the patient's details and the comment, allowed even on past or cancelled
    appointments (APT-4); the audit log keeps what changed."""
    from .patients import validate

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


def set_capacity(slot: Slot, capacity: int) -> None:
    """Change a slot's number of places, never below what is booked (SCH-3).

    One conditional UPDATE in the caller's transaction (not committed here): use it inside
    `dbtx.write_transaction()` so that a rush of bookings cannot slip in between.
    """
    if capacity < 0:
        raise CapacityBelowBooked(0)
    session = db.session
    done = session.execute(
        update(Slot).where(Slot.id == slot.id, Slot.booked <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False)).rowcount
    session.expire(slot, ["capacity", "booked"])
    if not done:
        booked = session.scalar(select(Slot.booked).where(Slot.id == slot.id))
        if booked is None:
            raise NotFound()
        raise CapacityBelowBooked(booked)
