"""The audit log's references to the planner's objects, in words: an id of a slot, a
service, a location, a team, an appointment or a time block becomes its name or its local
time; an ISO instant becomes a local date and time (issue 17, point 4)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...accounts.permissions import can
from ...accounts.roles import Perm
from ...booking.patients import FIELD_LABELS
from ...extensions import db
from ...formatting import date_text, hhmm, localized
from ...models import Appointment, Location, Patient, ScheduleBlock, Service, Slot, Team

# What an id detail names, by its key.
MODELS: dict[str, type] = {
    "service": Service, "service_id": Service, "next_service_id": Service,
    "services": Service, "location": Location, "location_id": Location,
    "team": Team, "team_id": Team, "slot": Slot, "existing": Appointment,
    "appointment": Appointment, "block_id": ScheduleBlock, "patient": Patient}
DAYS = frozenset({"day", "source"})
WHY = {"time block deleted": _l("time block deleted")}


def when(value: datetime | date) -> str:
    """A local date (and time) in words: 'jeudi 3 décembre 2026, 09:00'."""
    if isinstance(value, datetime):
        return _("%(day)s, %(time)s", day=date_text(value), time=hhmm(value))
    return date_text(value)


def block_name(block: ScheduleBlock) -> str:
    return _("%(location)s, %(team)s, %(day)s, %(start)s – %(end)s",
             location=localized(block.location, "name"), team=block.team.name,
             day=date_text(block.day), start=hhmm(block.start_time), end=hhmm(block.end_time))


def _named(model: type, value: int) -> str:
    obj = db.session.get(model, value)
    if obj is None:
        return _("(deleted since)")
    if isinstance(obj, Slot):
        return when(obj.starts_at)
    if isinstance(obj, Appointment):
        if not can(Perm.APPOINTMENTS_VIEW):  # the number is half of the public cancel credential
            return _("an appointment")
        return _("appointment %(coupon)s", coupon=obj.coupon)
    if isinstance(obj, Patient):  # whose data was read: for the roles that see patients
        return obj.full_name if can(Perm.APPOINTMENTS_VIEW) else _("a patient")
    if isinstance(obj, ScheduleBlock):
        return block_name(obj)
    if isinstance(obj, Team):
        return obj.name
    return localized(obj, "name")


def _day(value: str) -> Optional[str]:
    try:
        return date_text(date.fromisoformat(value))
    except ValueError:
        return None


def _instant(value: str) -> Optional[str]:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when(moment) if moment.tzinfo is not None else None


def reference(field: str, value: Any) -> Optional[str]:
    """The value in words when it names an object, a day or an instant; None otherwise."""
    model = MODELS.get(field)
    if model is not None and isinstance(value, int) and not isinstance(value, bool):
        return _named(model, value)
    if model is not None and isinstance(value, list) and all(isinstance(v, int) for v in value):
        return ", ".join(_named(model, v) for v in value)
    if field == "fields" and isinstance(value, list):
        return ", ".join(str(FIELD_LABELS.get(v, v)) for v in value)
    if field == "why" and value in WHY:
        return str(WHY[value])
    if isinstance(value, str) and field in DAYS:
        return _day(value)
    if field in {"targets", "skipped"} and isinstance(value, list):
        return ", ".join(_day(str(v)) or str(v) for v in value)
    if isinstance(value, str) and "T" in value:
        return _instant(value)
    return None


def object_name(object_type: str, object_id: int) -> Optional[str]:
    """The name of an appointment or a time block an entry is about."""
    model = {"Appointment": Appointment, "ScheduleBlock": ScheduleBlock}.get(object_type)
    return _named(model, object_id) if model is not None else None


def move_lines(before: dict[str, Any], after: dict[str, Any], label: Any,
               value: Any) -> list[str]:
    """A move as 'Field: before → after' for what changed (the slot says the time)."""
    return [_("%(field)s: %(before)s → %(after)s", field=label(k), before=value(k, before.get(k)),
              after=value(k, v)) for k, v in after.items()
            if before.get(k) != v and k not in {"slot"}]
