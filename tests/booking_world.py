"""A small planner to book in: one location, one service, one team, a block tomorrow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import ACTIVE_STATUSES, Appointment, Organization, Slot
from webapp.timeutil import local_today

from .factories import make_block, make_location, make_service, make_team


@dataclass
class World:
    location: Any
    service: Any
    team: Any
    block: Any

    @property
    def slots(self) -> list[Any]:
        return list(db.session.scalars(
            select(Slot).where(Slot.block_id == self.block.id).order_by(Slot.starts_at)))


def make_world(per_slot: int = 2, days_ahead: int = 1, start: str = "09:00",
               end: str = "12:00", online: bool = True) -> World:
    org = db.session.get(Organization, 1)
    org.online_booking_open = online
    location = make_location()
    service = make_service()
    team = make_team(locations=[location], services=[service])
    block = make_block(location, team, [service], local_today() + timedelta(days=days_ahead),
                       start, end, per_slot)
    return World(location, service, team, block)


def assert_consistent() -> None:
    """Every slot's `booked` equals its held/booked/confirmed appointments, within capacity."""
    db.session.commit()
    active = dict(db.session.execute(
        select(Appointment.slot_id, func.count())
        .where(Appointment.status.in_(ACTIVE_STATUSES)).group_by(Appointment.slot_id)).all())
    for slot_id, booked, capacity in db.session.execute(
            select(Slot.id, Slot.booked, Slot.capacity)).all():
        assert 0 <= booked <= capacity, (slot_id, booked, capacity)
        assert booked == active.get(slot_id, 0), (slot_id, booked, active.get(slot_id, 0))
