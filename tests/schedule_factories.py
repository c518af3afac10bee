"""Data for the schedules tests: a location with its teams and services, blocks, bookings."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import Appointment, Location, Patient, ScheduleBlock, Service, Slot, Team
from webapp.scheduling.blocks import BlockData, create_block

from .factories import make_location, make_service, make_team


@dataclass
class World:
    location: Location
    other_location: Location
    dose1: Service
    dose2: Service
    team_a: Team
    team_b: Team


def make_world() -> World:
    """Two locations; two teams at the first, both offering two 15-minute services."""
    location = make_location("Pharmacie A")
    other = make_location("Pharmacie B", postal_code="G8B 3R1")
    dose1 = make_service("COVID-19 – 1re dose", name_en="COVID-19 – 1st dose", position=1)
    dose2 = make_service("COVID-19 – 2e dose", name_en="COVID-19 – 2nd dose", position=2)
    team_a = make_team("Équipe A", [location], [dose1, dose2], position=1)
    team_b = make_team("Équipe B", [location], [dose1, dose2], position=2)
    return World(location, other, dose1, dose2, team_a, team_b)


def make_block(world: World, day: date, start: str = "09:00", end: str = "13:00",
               per_slot: int = 1, team: Team | None = None, services: list[Service] | None = None,
               online_open: bool = True, location: Location | None = None) -> ScheduleBlock:
    block = create_block(BlockData(
        location=location or world.location, team=team or world.team_a, day=day,
        start=time.fromisoformat(start), end=time.fromisoformat(end),
        services=services or [world.dose1], per_slot=per_slot, online_open=online_open))
    db.session.commit()
    return block


def slots_of(block: ScheduleBlock) -> list[Slot]:
    return list(db.session.scalars(select(Slot).where(Slot.block_id == block.id)
                                   .order_by(Slot.starts_at)))


def book(slot: Slot, service: Service, count: int = 1, **fields: Any) -> list[Appointment]:
    """Book places as the booking engine does: one conditional update, then the rows."""
    made = []
    for _ in range(count):
        result = db.session.execute(update(Slot).where(Slot.id == slot.id,
                                                       Slot.booked < Slot.capacity)
                                    .values(booked=Slot.booked + 1))
        assert result.rowcount == 1, "slot full"
        patient = Patient(first_name="Léa", last_name="Roy", email=fields.pop("email", None))
        appointment = Appointment(
            coupon=secrets.token_hex(3).upper(), token=secrets.token_urlsafe(32), slot_id=slot.id,
            service_id=service.id, location_id=slot.location_id, team_id=slot.team_id,
            patient=patient, starts_at=slot.starts_at, **fields)
        db.session.add(appointment)
        made.append(appointment)
    db.session.commit()
    db.session.refresh(slot)
    return made
