"""Retention of patients' personal data (Québec's Law 25).

A patient's personal data is kept `Organization.retention_days` after their last
appointment, then anonymised by a scheduled job: the appointments stay (counts, services,
places, dates, attendance, sex and postal area), the person cannot be identified. A Pilot
can also export or erase one person's data on request. Every run and request is audited.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Optional

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models import ACTIVE_STATUSES, Appointment, Message, Organization, Patient, utcnow

MIN_DAYS, MAX_DAYS = 30, 3650
BATCH = 500


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


def anonymize_expired(now: Optional[datetime] = None) -> int:
    """Anonymise the patients whose last appointment is older than the retention period;
    return how many. Run daily by the scheduler; safe to run again."""
    organization = db.session.get(Organization, 1)
    if organization is None:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=organization.retention_days)
    recent = sa.select(Appointment.patient_id).where(Appointment.starts_at >= cutoff)
    due = (sa.select(Patient.id).where(Patient.anonymized_at.is_(None), Patient.id.not_in(recent))
           .order_by(Patient.id).limit(BATCH))
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
    upcoming = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment).where(
        Appointment.patient_id == patient.id, Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.starts_at >= utcnow()))
    if upcoming:
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
