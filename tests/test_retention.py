"""Retention (Québec's Law 25): old personal data anonymised, one person exported or erased."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, Organization, Patient, utcnow
from webapp.operations import (
    RetentionError,
    anonymize_expired,
    erase_person,
    export_person,
    set_retention_days,
)

from .factories import make_world, take_places


def appointments_made(days_ago: list[int]) -> list[Appointment]:
    world = make_world(days_ahead=1, per_slot=10)
    made = take_places(world.slots[0], world.service, count=len(days_ago),
                       comment="allergie aux oeufs")
    for appointment, ago in zip(made, days_ago, strict=True):
        appointment.starts_at = utcnow() - timedelta(days=ago)
        appointment.patient.postal_code = "G8B 1M4"
        appointment.patient.email = "lea@example.org"
        db.session.add(Message(appointment_id=appointment.id, kind="confirmation",
                               channel="email", recipient="lea@example.org",
                               subject="Rendez-vous", body="Bonjour Léa Roy"))
    db.session.commit()
    return made


def count_appointments() -> int:
    return db.session.scalar(select(func.count()).select_from(Appointment)) or 0


def test_the_job_anonymises_data_older_than_the_period_and_keeps_the_counts(app):
    old, recent = appointments_made([400, 10])
    before = count_appointments()
    assert anonymize_expired() == 1
    db.session.expire_all()
    patient = db.session.get(Patient, old.patient_id)
    assert (patient.first_name, patient.last_name, patient.email) == ("", "", None)
    assert patient.postal_code == "G8B" and patient.anonymized_at is not None
    assert db.session.get(Appointment, old.id).comment == ""
    message = db.session.scalar(select(Message).where(Message.appointment_id == old.id))
    assert (message.recipient, message.body) == ("", "")
    kept = db.session.get(Patient, recent.patient_id)
    assert (kept.first_name, kept.email) == ("Léa", "lea@example.org")
    assert count_appointments() == before
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "retention.anonymized"))
    assert entry.details["patients"] == 1 and entry.details["retention_days"] == 365
    assert anonymize_expired() == 0  # once only


def test_a_shorter_period_set_by_the_pilot_takes_more_and_is_audited(app):
    appointments_made([400, 100, 10])
    set_retention_days(90)
    db.session.commit()
    assert db.session.get(Organization, 1).retention_days == 90
    assert anonymize_expired() == 2
    assert db.session.scalar(select(AuditLog.details).where(
        AuditLog.action == "retention.period_changed")) == {"before": 365, "after": 90}
    for days in (0, 29, 3651):
        with pytest.raises(RetentionError):
            set_retention_days(days)


def test_one_person_exported_then_erased_on_request(app):
    (past,) = appointments_made([5])
    data = export_person(past.patient)
    db.session.commit()
    assert data["patient"]["first_name"] == "Léa"
    assert data["appointments"][0]["coupon"] == past.coupon
    assert data["messages"][0]["body"] == "Bonjour Léa Roy"
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.object_type == "Patient", AuditLog.object_id == past.patient_id)) \
        == "access.person_export"
    erase_person(past.patient)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Patient, past.patient_id).last_name == ""
    assert count_appointments() == 1
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "retention.erased")) == 1


def test_erasure_is_refused_while_an_appointment_is_to_come(app):
    (coming,) = appointments_made([-3])
    with pytest.raises(RetentionError, match="cancel it first"):
        erase_person(coming.patient)
    assert db.session.get(Patient, coming.patient_id).first_name == "Léa"


def test_the_commands(app):
    (past,) = appointments_made([5])
    past.coupon = "ACD3EF"
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["person-export", "acd-3ef"])
    assert result.exit_code == 0 and '"first_name": "Léa"' in result.output
    result = runner.invoke(args=["person-erase", "ZZZZZZ", "--yes"])
    assert result.exit_code != 0 and "No appointment" in result.output
    result = runner.invoke(args=["person-erase", "ACD3EF", "--yes"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["retention"])
    assert "0 patient(s) anonymised" in result.output
    result = runner.invoke(args=["retention", "--days", "5"])
    assert result.exit_code != 0 and "between 30 and 3650 days" in result.output
    result = runner.invoke(args=["retention", "--days", "400"])
    assert "kept 400 days" in result.output
    assert db.session.get(Organization, 1).retention_days == 400
