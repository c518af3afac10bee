"""The appointments calendar (APT-1, APT-6, §4.1, §4.2, §4.7): the schedules calendar of a
location with each slot's places and the appointments booked in it, and the "quick
availability" list of the next times with places, per service.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from ..extensions import db
from ..models import Appointment, Location, Service, Slot, Status
from ..scheduling.calendar import Calendar, CalendarQuery, build, services_at
from .availability import find_availability, local_midnight

SHOWN_STATUSES = (Status.BOOKED.value, Status.CONFIRMED.value)
QUICK_LIMIT = 8


@dataclass
class SlotView:
    slot: Slot
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.slot.capacity - self.slot.booked


@dataclass
class SlotCalendar:
    """The schedules calendar plus, per block, its slots and their appointments."""

    cal: Calendar
    slots: dict[int, list[SlotView]]
    quick: list[tuple[Service, list[Slot]]] = field(default_factory=list)

    def slots_of(self, block_id: int) -> list[SlotView]:
        return self.slots.get(block_id, [])

    @property
    def appointment_count(self) -> int:
        """How many appointments (patients' names) the calendar shows."""
        return sum(len(view.appointments) for views in self.slots.values() for view in views)


def build_slots(query: CalendarQuery, location: Location, today: date,
                team_scope: Optional[set[int]], now: datetime) -> SlotCalendar:
    """The calendar of a location; day and week views also carry slots and appointments;
    the "availability" view type lists the next times with places per service."""
    cal = build(query, location, today, team_scope)
    result = SlotCalendar(cal, {})
    if query.show == "availability":
        result.quick = quick_availability(cal, location, query.day, team_scope, now)
    elif query.view != "month":
        result.slots = _slots(cal, location, query, team_scope)
    return result


def _slots(cal: Calendar, location: Location, query: CalendarQuery,
           team_scope: Optional[set[int]]) -> dict[int, list[SlotView]]:
    block_ids = [c.block.id for c in cal.blocks]
    if not block_ids:
        return {}
    views: dict[int, SlotView] = {}
    by_block: dict[int, list[SlotView]] = defaultdict(list)
    for slot in db.session.scalars(select(Slot).where(Slot.block_id.in_(block_ids))
                                   .order_by(Slot.starts_at, Slot.id)):
        views[slot.id] = SlotView(slot)
        by_block[slot.block_id].append(views[slot.id])
    statement = (select(Appointment)
                 .where(Appointment.location_id == location.id,
                        Appointment.status.in_(SHOWN_STATUSES),
                        Appointment.starts_at >= local_midnight(query.first),
                        Appointment.starts_at < local_midnight(query.last + timedelta(days=1)))
                 # The questionnaire's answers are not shown here: not read (JSON, per row).
                 .options(selectinload(Appointment.patient), selectinload(Appointment.service),
                          defer(Appointment.eligibility))
                 .order_by(Appointment.starts_at, Appointment.id))
    if team_scope is not None:
        statement = statement.where(Appointment.team_id.in_(team_scope))
    for appointment in db.session.scalars(statement):
        if appointment.slot_id in views:
            views[appointment.slot_id].appointments.append(appointment)
    return dict(by_block)


def quick_availability(cal: Calendar, location: Location, day: date,
                       team_scope: Optional[set[int]], now: datetime
                       ) -> list[tuple[Service, list[Slot]]]:
    """Per service offered here, the next times with places from `day` on (§4.2)."""
    wanted = set(cal.query.service_ids) or None
    start = max(now, local_midnight(day))
    found = []
    for service in services_at(cal.location_teams):
        if wanted is not None and service.id not in wanted:
            continue
        slots = [s for s in find_availability(service, location, online=False, now=start)
                 if team_scope is None or s.team_id in team_scope][:QUICK_LIMIT]
        found.append((service, slots))
    return found
