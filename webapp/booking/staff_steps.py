"""The staff booking steps (APT-2, APT-4, APT-5): what the URL has chosen so far (location,
service, date, time) and what the next step offers; the patient form per the service's
field rules. Plain functions over the models; the views only read and render.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import params
from ..extensions import db
from ..models import PATIENT_FIELDS, UPCOMING_STATUSES, Appointment, Location, Patient, Service, Slot, Team
from ..scheduling.blocks import teams_at
from ..scheduling.calendar import parse_day, services_at
from ..timeutil import planner_zone
from .availability import find_availability
from .patients import FIELD_LABELS  # noqa: F401  (the staff form's labels, one list)

FIELD_INPUTS = {"birth_date": "date", "email": "email", "cell_phone": "tel", "phone": "tel"}
FIELD_HINTS = {
    "birth_date": _l("YYYY-MM-DD, for example 1965-12-12."),
    "health_insurance_number": _l("4 letters then 8 digits, for example ABCD 1234 5678."),
    "cell_phone": _l("10 digits, for example 418 555-0100."),
}


def parse_int(raw: Any) -> Optional[int]:
    return params.to_int(raw)


@dataclass
class Choice:
    """The booking steps chosen so far, read from the query string or the form."""

    location: Optional[Location] = None
    service: Optional[Service] = None
    day: Optional[date] = None
    slot: Optional[Slot] = None
    services: list[Service] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    team_names: dict[int, str] = field(default_factory=dict)  # shown when several teams work
    errors: dict[str, Any] = field(default_factory=dict)
    note: Optional[Any] = None  # why the date was chosen (second dose)

    def args(self, **extra: Any) -> dict[str, Any]:
        args: dict[str, Any] = {
            "location": self.location.id if self.location else None,
            "service": self.service.id if self.service else None,
            "date": self.day.isoformat() if self.day else None,
            "slot": self.slot.id if self.slot else None}
        args.update(extra)
        return {k: v for k, v in args.items() if v is not None}


def read_choice(values: Any, location: Location, today: date,
                team_scope: Optional[set[int]], now: Any) -> Choice:
    """Read service, date and slot. Unknown ids are errors for the view to answer 404."""
    teams = teams_at(location, team_scope)
    choice = Choice(location=location, services=services_at(teams),
                    team_names={t.id: t.name for t in teams} if len(teams) > 1 else {})
    raw_day = values.get("date", "")
    choice.day = parse_day(raw_day) if raw_day else today
    if choice.day is None:
        choice.errors["date"] = _l("Enter a date as YYYY-MM-DD.")
        choice.day = today
    service_id = parse_int(values.get("service"))
    if values.get("service") and service_id is None:
        choice.errors["service"] = _l("Choose a service from the list.")
    if service_id is not None:
        choice.service = next((s for s in choice.services if s.id == service_id), None)
        if choice.service is None:
            choice.errors["service"] = _l("This service is not offered at this location.")
    if choice.service is not None:
        choice.slots = [s for s in find_availability(choice.service, location, choice.day,
                                                     online=False, now=now)
                        if team_scope is None or s.team_id in team_scope]
    return choice


def slot_in_scope(slot: Slot, location: Location, team_scope: Optional[set[int]]) -> bool:
    return slot.location_id == location.id and (team_scope is None or slot.team_id in team_scope)


def shown_fields(service: Service) -> list[tuple[str, str]]:
    """(field, rule) of the patient fields the service asks, comment apart."""
    rules = service.field_rules or {}
    return [(name, rules.get(name, "optional")) for name in PATIENT_FIELDS
            if name != "comment" and rules.get(name, "optional") != "hidden"]


def patient_values(patient: Optional[Patient]) -> dict[str, str]:
    """A patient's details as form values (rebook and modify prefill them)."""
    if patient is None:
        return {}
    values = {}
    for name in PATIENT_FIELDS:
        value = getattr(patient, name, None)
        if value is not None:
            values[name] = value.isoformat() if isinstance(value, date) else str(value)
    return values


def send_flags(form: Any, values: dict[str, str]) -> tuple[bool, bool]:
    """Send the coupon by email / SMS: as ticked; on a first display, ticked when filled."""
    if form.get("sent") == "1":
        return (form.get("send_email") == "y" and bool(values.get("email")),
                form.get("send_sms") == "y" and bool(values.get("cell_phone")))
    return bool(values.get("email")), bool(values.get("cell_phone"))


def second_dose_day(first: Appointment, today: date) -> tuple[Optional[Service], date, Any]:
    """Rebooking after a first dose: the next service, and the first day it may be given
    (the service's minimum interval after the first), with the note that says so."""
    service = first.service
    day = today
    note = None
    if service.next_service is not None and service.min_interval_days:
        earliest = first.starts_at.astimezone(planner_zone()).date() + timedelta(
            days=service.min_interval_days)
        day = max(today, earliest)
        note = _l("Next dose: at least %(days)d days after the first (%(first)s), so from "
                  "%(earliest)s.", days=service.min_interval_days,
                  first=first.starts_at.astimezone(planner_zone()).date().isoformat(),
                  earliest=earliest.isoformat())
    return service.next_service, day, note


def team_name(team_id: int) -> str:
    team = db.session.get(Team, team_id)
    return team.name if team else ""


def messages_for(appointment: Appointment) -> list[Any]:
    from ..models import Message

    return list(db.session.scalars(select(Message).where(
        Message.appointment_id == appointment.id).order_by(Message.id)))


UPCOMING = UPCOMING_STATUSES
