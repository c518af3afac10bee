"""Patients and their appointments."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organization import Location, Service, Team
from .schedule import Slot
from .types import UTCDateTime, utcnow


class Status(StrEnum):
    HELD = "held"  # a public booking in progress, holding its place for a few minutes
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # a hold abandoned before the details were saved; its place was freed


# The statuses that take a place in their slot (Slot.booked counts exactly these).
ACTIVE_STATUSES = (Status.HELD.value, Status.BOOKED.value, Status.CONFIRMED.value)
# An appointment still to come for its patient (a hold is not one yet).
UPCOMING_STATUSES = (Status.BOOKED.value, Status.CONFIRMED.value)


class Attendance(StrEnum):
    UNDEFINED = "undefined"
    PRESENT = "present"
    ABSENT = "absent"
    NOT_ELIGIBLE = "not_eligible"


class Patient(db.Model):  # type: ignore[name-defined]
    __table_args__ = (Index("ix_patient_names", "last_name", "first_name", "birth_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    birth_date: Mapped[Optional[date]] = mapped_column(Date)
    health_insurance_number: Mapped[Optional[str]] = mapped_column(String(20), index=True)
    sex: Mapped[Optional[str]] = mapped_column(String(10))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    cell_phone: Mapped[Optional[str]] = mapped_column(String(40))
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    postal_code: Mapped[Optional[str]] = mapped_column(String(7))
    language: Mapped[str] = mapped_column(String(8), default="fr_CA")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "last|first|birth date", lower case without accents (webapp.patients.identity_key):
    # finds the same person however the name was typed.
    identity_key: Mapped[Optional[str]] = mapped_column(String(255), index=True)
    # Set when the retention job (or an erasure on request) removed the personal data.
    anonymized_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Appointment(db.Model):  # type: ignore[name-defined]
    __table_args__ = (
        Index("ix_appointment_starts", "starts_at"),
        Index("ix_appointment_client", "client_key", "created_at"),
        # Covers the statistics' grouped queries (webapp/statistics): a year of appointments
        # is read from the index alone, never from the table's rows.
        Index("ix_appointment_stats", "starts_at", "status", "location_id", "service_id",
              "team_id", "online", "attendance", "cancelled_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon: Mapped[str] = mapped_column(String(6), unique=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    # None once the schedule that held it was deleted (the appointment was cancelled first).
    slot_id: Mapped[Optional[int]] = mapped_column(ForeignKey("slot.id", ondelete="SET NULL"),
                                                   index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default=Status.BOOKED.value)
    attendance: Mapped[str] = mapped_column(String(14), default=Attendance.UNDEFINED.value)
    comment: Mapped[str] = mapped_column(Text, default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    booked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    send_email: Mapped[bool] = mapped_column(Boolean, default=False)
    send_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="fr_CA")
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    hold_expires_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Online only: a keyed hash of the citizen's internet address (never the address), to
    # cap what one address holds and books (webapp/booking/limits.py, issue 13).
    client_key: Mapped[Optional[str]] = mapped_column(String(32))
    duplicate_override: Mapped[Optional[str]] = mapped_column(Text)
    # Why staff booked or moved this dose before the minimum interval after the previous one.
    early_reason: Mapped[Optional[str]] = mapped_column(Text)
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cancel_reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    slot: Mapped[Optional[Slot]] = relationship()
    service: Mapped[Service] = relationship()
    location: Mapped[Location] = relationship()
    team: Mapped[Team] = relationship()
    patient: Mapped[Patient] = relationship()


# Availability across all locations (and the public date picker) ranges over slot start
# times; the (location, start) index of Slot serves the queries for one location.
Index("ix_slot_starts_at", Slot.starts_at)
