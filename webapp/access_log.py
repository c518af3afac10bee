"""The access log: who read patients' personal data, when, which patient (Québec's Law 25).

The rows are the audit log's `access.*` entries (`audit.record_access`). An entry names the
patient through its object: an appointment, a message (its appointment's patient) or a
patient. Lists and exports record their filters and counts, not each patient; they are
found by staff member and date, not by patient.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Optional

from sqlalchemy import Select, and_, false, or_, select

from .booking import normalize_coupon
from .extensions import db
from .models import Appointment, AuditLog, Message, Patient
from .timeutil import planner_zone

ACCESS = "access."
MAX_PATIENTS = 200  # a name matching more people than this is too vague to filter by


@dataclass(frozen=True)
class AccessFilters:
    start: Optional[date] = None
    end: Optional[date] = None
    user_id: Optional[int] = None
    patient: str = ""  # a name (words of the first and last names) or a confirmation number


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=planner_zone())


def matching_patients(text: str) -> list[int]:
    """The patients a name or a confirmation number names (at most MAX_PATIENTS)."""
    coupon = normalize_coupon(text)
    if coupon is not None:
        found = db.session.scalars(select(Appointment.patient_id)
                                   .where(Appointment.coupon == coupon)).all()
        if found:
            return list(found)
    words = [w for w in text.replace(",", " ").split() if w][:4]
    if not words:
        return []
    conditions = [or_(Patient.first_name.ilike(f"%{_like(w)}%", escape="\\"),
                      Patient.last_name.ilike(f"%{_like(w)}%", escape="\\")) for w in words]
    return list(db.session.scalars(select(Patient.id).where(*conditions)
                                   .limit(MAX_PATIENTS)).all())


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query(filters: AccessFilters) -> Select[Any]:
    """The access entries matching the filters, newest first."""
    stmt = (select(AuditLog).where(AuditLog.action.startswith(ACCESS))
            .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    if filters.start:
        stmt = stmt.where(AuditLog.at >= _instant(filters.start))
    if filters.end:
        stmt = stmt.where(AuditLog.at < _instant(filters.end + timedelta(days=1)))
    if filters.user_id:
        stmt = stmt.where(AuditLog.user_id == filters.user_id)
    if filters.patient.strip():
        stmt = stmt.where(_about(matching_patients(filters.patient.strip())))
    return stmt


def _about(patient_ids: list[int]) -> Any:
    """Entries about these patients: their appointments, their messages, themselves."""
    if not patient_ids:
        return false()
    appointments = select(Appointment.id).where(Appointment.patient_id.in_(patient_ids))
    messages = select(Message.id).where(Message.appointment_id.in_(appointments))
    return or_(and_(AuditLog.object_type == "Appointment", AuditLog.object_id.in_(appointments)),
               and_(AuditLog.object_type == "Message", AuditLog.object_id.in_(messages)),
               and_(AuditLog.object_type == "Patient", AuditLog.object_id.in_(patient_ids)))


def patients_of(entries: list[AuditLog]) -> dict[int, Patient]:
    """The patient each entry is about, by entry id (entries about a list have none)."""
    def ids(kind: str) -> set[int]:
        return {e.object_id for e in entries if e.object_type == kind and e.object_id}

    appointments = {a.id: a.patient_id for a in db.session.execute(
        select(Appointment.id, Appointment.patient_id).where(
            Appointment.id.in_(ids("Appointment"))))}
    messages = {m.id: m.patient_id for m in db.session.execute(
        select(Message.id, Appointment.patient_id).join(
            Appointment, Message.appointment_id == Appointment.id)
        .where(Message.id.in_(ids("Message"))))}
    owner: dict[int, int] = {}
    for entry in entries:
        patient_id = {"Appointment": appointments, "Message": messages}.get(
            entry.object_type, {}).get(entry.object_id or 0)
        if entry.object_type == "Patient":
            patient_id = entry.object_id
        if patient_id:
            owner[entry.id] = patient_id
    patients = {p.id: p for p in db.session.scalars(
        select(Patient).where(Patient.id.in_(set(owner.values()))))}
    return {entry_id: patients[pid] for entry_id, pid in owner.items() if pid in patients}
