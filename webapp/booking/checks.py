"""The checks made before a booking transaction starts (read-only, so it stays short)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, or_, select

from ..extensions import db
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    EligibilityAnswer,
    EligibilityQuestion,
    Location,
    Organization,
    Patient,
    Service,
    Slot,
    User,
    block_service,
    team_answer,
)
from . import patients
from .availability import horizon_end, team_serves
from .errors import (
    ConsentMissing,
    NotEligible,
    NotFound,
    OnlineBookingClosed,
    OutsideHorizon,
    OverrideNotAllowed,
    ServiceNotOffered,
    SlotLocked,
    SlotPast,
    TeamNotAssociated,
)

MAX_ID = 2**31 - 1  # larger "ids" from a URL would overflow PostgreSQL's integer


def parse_id(raw: Any) -> Optional[int]:
    """An id from a form or a URL, or None if it cannot be one (tampered input)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw or "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            return None
        value = int(text)
    return value if 1 <= value <= MAX_ID else None


_BOOKABLE = select(  # built once, run with bind values: see webapp/places.py
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


@dataclass(frozen=True)
class Request:
    """Everything a booking needs, checked and cleaned before its transaction."""

    data: patients.PatientData
    language: str
    answers: dict[str, int]
    override: Optional[str]
    user_id: Optional[int]

    @property
    def person_keys(self) -> list[str]:
        keys = []
        if self.data.identity_key:
            keys.append("person:" + self.data.identity_key)
        if self.data.health_insurance_number:
            keys.append("hin:" + self.data.health_insurance_number)
        return keys


def prepare(service: Service, team_id: int, patient_data: Any, *, comment: Optional[str],
            send_email: bool, send_sms: bool, language: Optional[str],
            eligibility: Optional[Mapping[Any, Any]], consent_at: Optional[datetime],
            online: bool, by_user: Optional[User], override_reason: Optional[str],
            has_questions: bool = True) -> Request:
    """Validate the patient details, channels, answers, consent and override reason."""
    if isinstance(patient_data, patients.PatientData):
        data = patient_data
    else:
        raw = dict(patient_data or {})
        if comment is not None:
            raw["comment"] = comment
        data = patients.validate(raw, service.field_rules or {})
    missing = {}
    if send_email and not data.email:
        missing["email"] = _l("Enter an email address to send the confirmation by email.")
    if send_sms and not data.cell_phone:
        missing["cell_phone"] = _l("Enter a cell phone number to send the confirmation by SMS.")
    if missing:
        raise patients.PatientDataInvalid(missing)
    try:
        lang = patients.clean_language(language or data.language or "fr_CA")
    except patients.FieldError:
        lang = "fr_CA"
    answers = check_eligibility(service, team_id, eligibility, online=online,
                                has_questions=has_questions)
    if online and consent_at is None:
        raise ConsentMissing()
    reason = " ".join((override_reason or "").split())[:500] or None
    if reason and (online or by_user is None):
        raise OverrideNotAllowed()
    return Request(data=data, language=lang, answers=answers, override=reason,
                   user_id=by_user.id if by_user is not None else None)


_DUPLICATE = (
    select(Appointment.id).join(Patient, Patient.id == Appointment.patient_id)
    .where(Appointment.service_id == bindparam("p_service"),
           Appointment.status.in_(ACTIVE_STATUSES),
           Appointment.starts_at > bindparam("p_now", type_=Appointment.starts_at.type),
           Appointment.id != bindparam("p_exclude"),
           or_(Patient.identity_key == bindparam("p_key"),
               Patient.health_insurance_number == bindparam("p_hin")))
    .limit(1))


def find_duplicate(service_id: int, request: Request, now: datetime,
                   exclude_id: Optional[int] = None) -> Optional[int]:
    """An upcoming appointment of the same person for the same service (indexed look-up);
    NULL keys match nothing."""
    data = request.data
    if not (data.identity_key or data.health_insurance_number):
        return None
    return db.session.scalar(_DUPLICATE, {
        "p_service": service_id, "p_now": now, "p_exclude": exclude_id or 0,
        "p_key": data.identity_key, "p_hin": data.health_insurance_number})
