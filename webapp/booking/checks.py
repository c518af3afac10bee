"""The rules a booking must pass before its write starts: read-only, so the write stays short.

Each entry point has one check here (`check_booking`, `check_hold`, `check_finalize`,
`check_move`) that raises the first reason found (a `BookingError` or
`PatientDataInvalid`) or returns the request cleaned for the write (see `request.py`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, exists, or_, select

from .. import params
from ..extensions import db
from ..models import (
    Appointment,
    EligibilityAnswer,
    EligibilityQuestion,
    Location,
    Organization,
    Patient,
    Service,
    Slot,
    Status,
    block_service,
    team_answer,
)
from ..timeutil import planner_zone
from . import patients
from .availability import horizon_end, nearest_alternatives, team_serves
from .errors import (
    AlreadyBooked,
    ConsentMissing,
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
    TooEarly,
)
from .request import BookingRequest
from .seats import UPCOMING


def parse_id(raw: Any) -> Optional[int]:
    """An id from a form or a URL, or None if it cannot be one (tampered input)."""
    return params.to_id(raw)


_BOOKABLE = select(  # built once, run with bind values: see seats.py
    select(Location.active).where(Location.id == bindparam("p_location")).scalar_subquery(),
    exists().where(block_service.c.block_id == bindparam("p_block"),
                   block_service.c.service_id == bindparam("p_service")),
    select(Slot.id).where(Slot.id == bindparam("p_slot"),
                          *team_serves(bindparam("p_service"))).exists(),
    exists().where(EligibilityQuestion.service_id == bindparam("p_service")),
)


def check_bookable(slot: Slot, service: Service, *, online: bool, now: datetime) -> bool:
    """Raise the reason why this slot cannot be booked for this service, if any.

    One query answers everything; returns whether the service asks eligibility questions.
    """
    if (slot.starts_at if online else slot.ends_at) <= now:
        raise SlotPast()
    # Kept referenced for the whole booking, so later look-ups find it in the session.
    organization = db.session.get(Organization, 1)
    location_active, offered, served, has_questions = db.session.execute(
        _BOOKABLE, {"p_location": slot.location_id, "p_block": slot.block_id,
                    "p_service": service.id, "p_slot": slot.id}).one()
    if online:
        if not (organization and organization.online_booking_open):
            raise OnlineBookingClosed()
        if not (service.active and location_active):
            raise NotFound()
        if not slot.online_open:
            raise SlotLocked()
        if slot.day > horizon_end(service, now):
            raise OutsideHorizon()
    if not offered:
        raise ServiceNotOffered()
    if not served:
        raise TeamNotAssociated()
    return bool(has_questions)


def check_eligibility(service: Service, team_id: int, answers: Optional[Mapping[Any, Any]],
                      *, online: bool, has_questions: bool = True) -> dict[str, int]:
    """The answers as {question id: answer id}; online, every question must be answered
    eligibly and the slot's team must serve those answers (CFG-2). Staff may skip them."""
    if not has_questions:
        return {}
    questions: list[EligibilityQuestion] = service.questions
    answers = answers or {}
    chosen: dict[str, int] = {}
    for question in questions:
        raw = answers.get(str(question.id), answers.get(question.id))
        if raw in (None, ""):
            if online:
                raise NotEligible(_l("Please answer every eligibility question."))
            continue
        answer_id = parse_id(raw)
        answer = next((a for a in question.answers if a.id == answer_id), None)
        if answer is None:
            raise NotFound()
        if online and not answer.eligible:
            raise NotEligible()
        chosen[str(question.id)] = answer.id
    if online and chosen:
        served = set(db.session.scalars(
            select(team_answer.c.answer_id)
            .join(EligibilityAnswer, EligibilityAnswer.id == team_answer.c.answer_id)
            .join(EligibilityQuestion, EligibilityQuestion.id == EligibilityAnswer.question_id)
            .where(team_answer.c.team_id == team_id, EligibilityQuestion.service_id == service.id)))
        for question in questions:
            listed = served & {a.id for a in question.answers}
            if listed and chosen.get(str(question.id)) not in listed:
                raise TeamNotAssociated(_l("This time is reserved for other patients. "
                                           "Please choose another time."))
    return chosen



def clean(request: BookingRequest, *, has_questions: bool = True) -> BookingRequest:
    """The request with the patient details, channels, answers, consent and override reason
    checked and cleaned, in that order (the first reason found is the one reported)."""
    if isinstance(request.patient, patients.PatientData):
        data = request.patient
    else:
        raw = dict(request.patient or {})
        if request.comment is not None:
            raw["comment"] = request.comment
        data = patients.validate(raw, request.service.field_rules or {})
    missing = {}
    if request.send_email and not data.email:
        missing["email"] = _l("Enter an email address to send the confirmation by email.")
    if request.send_sms and not data.cell_phone:
        missing["cell_phone"] = _l("Enter a cell phone number to send the confirmation by SMS.")
    if missing:
        raise patients.PatientDataInvalid(missing)
    try:
        language = patients.clean_language(request.language or data.language or "fr_CA")
    except patients.FieldError:
        language = "fr_CA"
    answers = check_eligibility(request.service, request.slot.team_id, request.eligibility,
                                online=request.online, has_questions=has_questions)
    if request.online and request.consent_at is None:
        raise ConsentMissing()
    reason = _reason(request.override_reason)
    if reason and (request.online or request.by_user is None):
        raise OverrideNotAllowed()
    request = replace(request, patient=data, eligibility=answers, language=language,
                      override_reason=reason)
    return check_interval(request)


@cache
def _previous_dose_statement(by_key: bool, by_hin: bool) -> Select[Any]:
    """Built once per way of naming the person (SQLAlchemy keeps a statement's cache key on
    it). Only the keys given are compared: `key = NULL OR ...` made SQLite scan them all."""
    person = ([Patient.identity_key == bindparam("p_key")] if by_key else []) + (
        [Patient.health_insurance_number == bindparam("p_hin")] if by_hin else [])
    earlier = select(Service.id).where(Service.next_service_id == bindparam("p_service"),
                                       Service.min_interval_days > 0)
    return (select(Appointment).join(Patient, Patient.id == Appointment.patient_id)
            .where(Appointment.service_id.in_(earlier), Appointment.id != bindparam("p_exclude"),
                   Appointment.status.in_(UPCOMING), or_(*person))
            .order_by(Appointment.starts_at.desc()).limit(1))


def previous_dose(service: Service, data: patients.PatientData,
                  exclude_id: int = 0) -> Optional[Appointment]:
    """The same person's latest booked dose of a service whose next dose is `service`."""
    key, hin = data.identity_key, data.health_insurance_number
    if not key and not hin:
        return None
    return db.session.scalar(_previous_dose_statement(bool(key), bool(hin)), {
        "p_service": service.id, "p_exclude": exclude_id, "p_key": key, "p_hin": hin})


def check_interval(request: BookingRequest, exclude_id: int = 0) -> BookingRequest:
    """A next dose before the minimum interval after the previous one is refused, unless
    staff give a reason (kept on the appointment and in the audit log); the request is
    returned with that reason trimmed, or None when the interval is respected."""
    previous = previous_dose(request.service, request.details, exclude_id)
    reason = _reason(request.early_reason)
    if previous is None:
        return replace(request, early_reason=None)
    days = previous.service.min_interval_days or 0
    earliest = previous.starts_at.astimezone(planner_zone()).date() + timedelta(days=days)
    if request.slot.starts_at.astimezone(planner_zone()).date() >= earliest:
        return replace(request, early_reason=None)
    if not reason or request.online or request.by_user is None:
        raise TooEarly(previous, earliest, days, online=request.online)
    return replace(request, early_reason=reason)


def _reason(raw: Optional[str]) -> Optional[str]:
    return " ".join((raw or "").split())[:500] or None


def slot_full(request: BookingRequest, now: datetime) -> SlotFull:
    """The refusal of a slot found full, with the nearest other times (PUB-9)."""
    return SlotFull(nearest_alternatives(request.slot, request.service,
                                         online=request.online, now=now))


def check_booking(request: BookingRequest, now: datetime) -> BookingRequest:
    """Why this new booking cannot be made (raised), or the request cleaned."""
    slot, service = request.slot, request.service
    has_questions = check_bookable(slot, service, online=request.online, now=now)
    if slot.booked >= slot.capacity:  # as just read: spare the rush a doomed transaction
        raise slot_full(request, now)
    return clean(request, has_questions=has_questions)


def check_hold(request: BookingRequest, now: datetime) -> BookingRequest:
    """Why this time cannot be held (raised), or the request with its answers and language
    cleaned; the patient's details come later, with `check_finalize`."""
    slot, service = request.slot, request.service
    has_questions = check_bookable(slot, service, online=request.online, now=now)
    answers = check_eligibility(service, slot.team_id, request.eligibility,
                                online=request.online, has_questions=has_questions)
    language = request.language if request.language in ("fr_CA", "en") else "fr_CA"
    return replace(request, eligibility=answers, language=language)


def check_finalize(hold: Appointment, request: BookingRequest, now: datetime) -> BookingRequest:
    """Why this hold cannot become a booking (raised), or the request cleaned. A lapsed hold
    is checked as a new booking would be: its place may have to be taken again."""
    if hold.slot_id != request.slot.id or hold.service_id != request.service.id:
        raise NotFound()
    if hold.status in UPCOMING:
        raise AlreadyBooked(hold)
    if hold.status not in (Status.HELD.value, Status.EXPIRED.value):
        raise NotFound()
    if hold.status == Status.EXPIRED.value:
        check_bookable(request.slot, request.service, online=request.online, now=now)
    elif request.slot.starts_at <= now:
        raise SlotPast()
    if request.eligibility is None:
        request = replace(request, eligibility=hold.eligibility)
    return clean(request)


def check_movable(appointment: Appointment, now: datetime) -> None:
    """Only an upcoming appointment changes its time, service or location (APT-4)."""
    if appointment.status not in UPCOMING or appointment.starts_at <= now:
        raise NotModifiable()


def check_move(appointment: Appointment, request: BookingRequest,
               now: datetime) -> BookingRequest:
    """Why the appointment cannot move to the request's slot and service (raised), or the
    request to write: the appointment's patient and language, the override reason cleaned."""
    check_bookable(request.slot, request.service, online=request.online, now=now)
    patient = appointment.patient
    person = patients.PatientData(first_name=patient.first_name, last_name=patient.last_name,
                                  birth_date=patient.birth_date,
                                  health_insurance_number=patient.health_insurance_number)
    request = replace(request, patient=person, eligibility={}, language=appointment.language,
                      override_reason=_reason(request.override_reason))
    return check_interval(request, exclude_id=appointment.id)
