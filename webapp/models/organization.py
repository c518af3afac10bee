"""The planner itself, its services, locations, teams and their associations."""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

PATIENT_FIELDS = (
    "first_name", "last_name", "birth_date", "health_insurance_number", "sex", "email",
    "cell_phone", "phone", "postal_code", "language", "comment",
)
FIELD_RULES = ("required", "optional", "hidden")


def default_field_rules() -> dict[str, str]:
    rules = {name: "optional" for name in PATIENT_FIELDS}
    rules.update(first_name="required", last_name="required", birth_date="required")
    return rules


class Organization(db.Model):  # type: ignore[name-defined]
    """The one planner of this install, with its public page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="America/Toronto")
    default_language: Mapped[str] = mapped_column(String(8), default="fr_CA")
    online_booking_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # Québec's Law 25: patients' personal data is anonymised this many days after their
    # last appointment (webapp.operations.retention); the Pilot sets it.
    retention_days: Mapped[int] = mapped_column(Integer, default=365, server_default="365")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    logo_path: Mapped[Optional[str]] = mapped_column(String(300))
    welcome_fr: Mapped[str] = mapped_column(Text, default="")
    welcome_en: Mapped[str] = mapped_column(Text, default="")
    popup_fr: Mapped[str] = mapped_column(Text, default="")
    popup_en: Mapped[str] = mapped_column(Text, default="")
    transitional_fr: Mapped[str] = mapped_column(Text, default="")
    transitional_en: Mapped[str] = mapped_column(Text, default="")


class Service(db.Model):  # type: ignore[name-defined]
    __table_args__ = (CheckConstraint("duration_minutes > 0", name="duration_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=15)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    attachment_path: Mapped[Optional[str]] = mapped_column(String(300))
    attachment_name: Mapped[Optional[str]] = mapped_column(String(200))
    instructions_fr: Mapped[str] = mapped_column(Text, default="")
    instructions_en: Mapped[str] = mapped_column(Text, default="")
    no_availability_fr: Mapped[str] = mapped_column(Text, default="")
    no_availability_en: Mapped[str] = mapped_column(Text, default="")
    availability_fr: Mapped[str] = mapped_column(Text, default="")
    availability_en: Mapped[str] = mapped_column(Text, default="")
    field_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=default_field_rules)
    show_duration: Mapped[bool] = mapped_column(Boolean, default=True)
    horizon_days: Mapped[int] = mapped_column(Integer, default=30)
    min_interval_days: Mapped[Optional[int]] = mapped_column(Integer)
    # The service booked next (a second dose) and the group that shares one duration.
    next_service_id: Mapped[Optional[int]] = mapped_column(ForeignKey("service.id"))
    vaccine_group: Mapped[Optional[str]] = mapped_column(String(80))

    questions: Mapped[list[EligibilityQuestion]] = relationship(
        back_populates="service", order_by="EligibilityQuestion.position",
        cascade="all, delete-orphan",
    )
    next_service: Mapped[Optional[Service]] = relationship(remote_side=[id])


class EligibilityQuestion(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_fr: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)

    service: Mapped[Service] = relationship(back_populates="questions")
    answers: Mapped[list[EligibilityAnswer]] = relationship(
        back_populates="question", order_by="EligibilityAnswer.position",
        cascade="all, delete-orphan",
    )


class EligibilityAnswer(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("eligibility_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_fr: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)

    question: Mapped[EligibilityQuestion] = relationship(back_populates="answers")


class Location(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(7), default="")
    # The location's own address for patients' replies (Reply-To of its emails); "" if none.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    latitude: Mapped[Optional[float]]
    longitude: Mapped[Optional[float]]
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    message_fr: Mapped[str] = mapped_column(Text, default="")
    message_en: Mapped[str] = mapped_column(Text, default="")


team_location = Table(
    "team_location", db.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)
team_service = Table(
    "team_service", db.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)
# Which eligibility answers a team serves; none listed for a service means all of them.
team_answer = Table(
    "team_answer", db.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("answer_id", ForeignKey("eligibility_answer.id", ondelete="CASCADE"), primary_key=True),
)
user_team = Table(
    "user_team", db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):  # type: ignore[name-defined]
    """A team resource: the people who give the appointments of a time block."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    colour: Mapped[str] = mapped_column(String(7), default="#4a90d9")
    category: Mapped[str] = mapped_column(String(80), default="")
    variable_capacity: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    all_locations: Mapped[bool] = mapped_column(Boolean, default=False)
    all_services: Mapped[bool] = mapped_column(Boolean, default=False)

    locations: Mapped[list[Location]] = relationship(secondary=team_location)
    services: Mapped[list[Service]] = relationship(secondary=team_service)
    answers: Mapped[list[EligibilityAnswer]] = relationship(secondary=team_answer)


class CommunicationSetting(db.Model):  # type: ignore[name-defined]
    """One automated communication (CFG-6): when and by which channels it is sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[int] = mapped_column(Integer, default=24)
    by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    by_sms: Mapped[bool] = mapped_column(Boolean, default=False)
