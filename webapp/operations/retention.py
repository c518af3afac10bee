"""Retention of patients' personal data (Québec's Law 25).

A patient's personal data is kept `Organization.retention_days` after their last
appointment, then anonymised by a scheduled job: the appointments stay (counts, services,
places, dates, attendance, sex and postal area), the person cannot be identified. A Pilot
can also export or erase one person's data on request. Every run and request is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Optional

import sqlalchemy as sa

from .. import audit
from ..booking import normalize_coupon
from ..booking.patients import identity_key
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Message, Organization, Patient, utcnow

MIN_DAYS, MAX_DAYS = 30, 3650
BATCH = 500
RUN_AT = time(3, 15)  # UTC: the daily job (webapp.jobs), at night in Québec
MAX_FOUND = 20


class RetentionError(ValueError):
    """An erasure or setting refused; the message says why."""


def set_retention_days(days: int) -> None:
    """The Pilot's setting, audited."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise RetentionError(f"between {MIN_DAYS} and {MAX_DAYS} days")
    organization = db.session.get(Organization, 1)
    assert organization is not None
    before = organization.retention_days
    organization.retention_days = days
    audit.record("retention.period_changed", organization, before=before, after=days)


def _due(cutoff: datetime) -> sa.Select[Any]:
    """The patients not yet anonymised with no appointment since `cutoff`."""
    recent = sa.select(Appointment.patient_id).where(Appointment.starts_at >= cutoff)
    return sa.select(Patient.id).where(Patient.anonymized_at.is_(None),
                                       Patient.id.not_in(recent))


def _cutoff(organization: Organization, now: Optional[datetime]) -> datetime:
    return (now or utcnow()) - timedelta(days=organization.retention_days)


def next_run(now: Optional[datetime] = None) -> datetime:
    """When the daily job runs next (aware UTC)."""
    now = now or utcnow()
    today = datetime.combine(now.date(), RUN_AT, tzinfo=UTC)
    return today if today > now else today + timedelta(days=1)


@dataclass(frozen=True)
class NextRun:
    at: datetime
    patients: int
    appointments: int


def preview(now: Optional[datetime] = None) -> NextRun:
    """The next run of the job: when, and how many people and appointments it will touch."""
    at = next_run(now)
    organization = db.session.get(Organization, 1)
    if organization is None:
        return NextRun(at, 0, 0)
    due = _due(_cutoff(organization, at))
    patients = db.session.scalar(sa.select(sa.func.count()).select_from(due.subquery())) or 0
    appointments = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)
                                     .where(Appointment.patient_id.in_(due))) or 0
    return NextRun(at, patients, appointments)


def find_people(last_name: str = "", first_name: str = "", birth_date: Optional[date] = None,
                coupon: str = "") -> list[Patient]:
    """The people a request names: by confirmation number, or by name and birth date
    (however the name was typed). Anonymised people cannot be found."""
    query = sa.select(Patient).where(Patient.anonymized_at.is_(None))
    if coupon.strip():
        query = query.join(Appointment, Appointment.patient_id == Patient.id).where(
            Appointment.coupon == normalize_coupon(coupon))
    else:
        key = identity_key(last_name, first_name, birth_date)
        if key is None:
            return []
        query = query.where(Patient.identity_key == key)
    return list(db.session.scalars(query.order_by(Patient.id).limit(MAX_FOUND)).unique())


def held_on(patient: Patient) -> dict[str, int]:
    """How much the planner holds on one person: what an erasure would take away."""
    appointments = sa.select(Appointment.id).where(Appointment.patient_id == patient.id)
    return {
        "appointments": db.session.scalar(sa.select(sa.func.count()).select_from(
            appointments.subquery())) or 0,
        "messages": db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
            Message.appointment_id.in_(appointments))) or 0,
        "upcoming": _upcoming(patient),
    }


def _upcoming(patient: Patient) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appointment).where(
        Appointment.patient_id == patient.id, Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.starts_at >= utcnow())) or 0


def anonymize_expired(now: Optional[datetime] = None) -> int:
    """Anonymise the patients whose last appointment is older than the retention period;
    return how many. Run daily by the scheduler; safe to run again."""
    organization = db.session.get(Organization, 1)
    if organization is None:
        return 0
    cutoff = _cutoff(organization, now)
    due = _due(cutoff).order_by(Patient.id).limit(BATCH)
    total = 0
    while ids := list(db.session.scalars(due)):
        _anonymize(ids)
        total += len(ids)
        db.session.commit()
    if total:
        audit.record("retention.anonymized", organization, patients=total,
                     cutoff=cutoff.isoformat(), retention_days=organization.retention_days)
        db.session.commit()
    return total


def export_person(patient: Patient) -> dict[str, Any]:
    """Everything the planner holds on one person (a request under Law 25), audited."""
    appointments = list(db.session.scalars(
        sa.select(Appointment).where(Appointment.patient_id == patient.id)
        .order_by(Appointment.starts_at)))
    messages = list(db.session.scalars(
        sa.select(Message).where(Message.appointment_id.in_([a.id for a in appointments]))
        .order_by(Message.id)))
    audit.record_access("person_export", patient, appointments=len(appointments))
    return {
        "patient": {column: _plain(getattr(patient, column)) for column in PATIENT_FIELDS},
        "appointments": [{
            "coupon": a.coupon, "starts_at": a.starts_at.isoformat(), "status": a.status,
            "attendance": a.attendance, "service": a.service.name_fr,
            "location": a.location.name_fr, "comment": a.comment, "answers": a.eligibility,
            "created_at": a.created_at.isoformat()} for a in appointments],
        "messages": [{"channel": m.channel, "recipient": m.recipient, "subject": m.subject,
                      "body": m.body, "status": m.status,
                      "created_at": m.created_at.isoformat()} for m in messages],
    }


def erase_person(patient: Patient) -> None:
    """Anonymise one person now (a request under Law 25), audited. Refused while they hold
    an appointment to come: cancel it first, so that no place stays taken by nobody."""
    if _upcoming(patient):
        raise RetentionError("this person has an appointment to come; cancel it first")
    _anonymize([patient.id])
    audit.record("retention.erased", patient)


PATIENT_FIELDS = ("first_name", "last_name", "birth_date", "health_insurance_number", "sex",
                  "email", "cell_phone", "phone", "postal_code", "language", "created_at")


def _anonymize(patient_ids: list[int]) -> None:
    """Remove what identifies these patients, keep what statistics count."""
    now = utcnow()
    for patient in db.session.scalars(sa.select(Patient).where(Patient.id.in_(patient_ids))):
        patient.first_name = patient.last_name = ""
        patient.birth_date = None
        patient.health_insurance_number = patient.email = None
        patient.cell_phone = patient.phone = patient.identity_key = None
        patient.postal_code = (patient.postal_code or "")[:3] or None  # postal area only
        patient.anonymized_at = now
    appointments = sa.select(Appointment.id).where(Appointment.patient_id.in_(patient_ids))
    db.session.execute(sa.update(Appointment).where(Appointment.patient_id.in_(patient_ids))
                       .values(comment="", eligibility={}, duplicate_override=None,
                               cancel_reason=None).execution_options(synchronize_session=False))
    db.session.execute(sa.update(Message).where(Message.appointment_id.in_(appointments))
                       .values(recipient="", subject="", body="")
                       .execution_options(synchronize_session=False))


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
