"""The citizen's booking journey (PUB-3..PUB-9), apart from the views.

Eligibility answers travel in the query string (`q<question id>=<answer id>`), so each step
is a plain link that survives reloads and the back button; the server checks them again at
every step. A chosen time becomes a hold (`booking.hold`) named by its random token.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Optional

from icalendar import Calendar, Event
from sqlalchemy import select

from .. import audit, params
from ..extensions import db
from ..models import Appointment, Location, Message, Service, Status, utcnow
from .codes import normalize_coupon
from .patients import clean_birth_date


class IneligibleAnswer(Exception):
    """An answer marked "not eligible": the journey stops here."""


class MissingAnswer(Exception):
    """A question was not answered (or with an answer of another question)."""


def answers_from(service: Service, args: Mapping[str, Any]) -> dict[str, int]:
    """The eligibility answers of the query string, checked against the service's questions."""
    chosen: dict[str, int] = {}
    for question in service.questions:
        raw = str(args.get(f"q{question.id}", "") or "")
        answer = next((a for a in question.answers if a.id == params.to_id(raw)), None)
        if answer is None:
            raise MissingAnswer()
        if not answer.eligible:
            raise IneligibleAnswer()
        chosen[str(question.id)] = answer.id
    return chosen


def answers_query(answers: Mapping[str, int]) -> dict[str, int]:
    """The query-string form of the answers, for url_for(**...)."""
    return {f"q{question}": answer for question, answer in answers.items()}


def one_per_time(slots: Sequence[Any]) -> list[Any]:
    """A citizen sees each time once, even when several teams work then: the slot with
    the most places left stands for the others (`Slot`s or `available_times` rows)."""
    best: dict[Any, Any] = {}
    for slot in slots:
        kept = best.get(slot.starts_at)
        if kept is None or slot.capacity - slot.booked > kept.capacity - kept.booked:
            best[slot.starts_at] = slot
    return sorted(best.values(), key=lambda s: (s.starts_at, s.id))


def confirmation_recipients(appointment: Appointment) -> dict[str, str]:
    """Where the booking confirmation went, by channel ("email", "sms"), as queued."""
    from .confirmations import KIND
    rows = db.session.execute(
        select(Message.channel, Message.recipient)
        .where(Message.appointment_id == appointment.id, Message.kind == KIND)).all()
    return {row.channel: row.recipient for row in rows}


def new_attempt() -> str:
    """A fresh key for the hold forms of one page: a second tap on the same time sends the
    same key and gets the same hold back (`booking.hold(key=...)`)."""
    return secrets.token_urlsafe(12)


def find_for_cancel(coupon_raw: str, second: str) -> Optional[Appointment]:
    """The appointment named by its confirmation number and the patient's birth date or
    email; None for any mismatch, so a guess reveals nothing about which numbers exist."""
    coupon = normalize_coupon(coupon_raw)
    appointment = db.session.scalar(
        select(Appointment).where(Appointment.coupon == coupon)) if coupon else None
    if appointment is None or appointment.status not in (Status.BOOKED.value,
                                                         Status.CONFIRMED.value):
        return None
    patient = appointment.patient
    second = (second or "").strip()
    if "@" in second:
        return appointment if patient.email and hmac.compare_digest(
            patient.email.strip().lower().encode(), second.lower().encode()) else None
    try:
        birth = clean_birth_date(second)
    except Exception:
        return None
    return appointment if patient.birth_date == birth else None


def calendar_file(appointment: Appointment, *, title: str, location: Location,
                  address: str, description: str) -> bytes:
    """An iCalendar (.ics) event for "add to my calendar"."""
    calendar = Calendar()
    calendar.add("prodid", "-//Appointment planner//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{appointment.coupon}@planner")
    event.add("summary", title)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.slot.ends_at if appointment.slot else
              appointment.starts_at + timedelta(minutes=15))
    event.add("dtstamp", utcnow())
    event.add("location", address)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()  # type: ignore[no-any-return]


def audit_public(action: str, appointment: Appointment, **details: Any) -> None:
    audit.record(action, appointment, **details)
    db.session.commit()


def day_from(raw: str) -> Optional[date]:
    return params.to_date(raw)
