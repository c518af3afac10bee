"""Small factories: each test builds only the data it needs."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any, Optional

from sqlalchemy import func, select, update

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import (
    ACTIVE_STATUSES,
    Appointment,
    Location,
    Organization,
    Patient,
    RoleAssignment,
    ScheduleBlock,
    Service,
    Slot,
    Team,
    User,
)
from webapp.scheduling.blocks import BlockData, create_block
from webapp.timeutil import local_today

PASSWORD = "Correct-Horse-42!"


def make_user(role: Role | None = Role.GESTION1, email: str | None = None,
              password: str = PASSWORD, **fields: Any) -> User:
    """A staff account holding one role (or none), committed."""
    email = email or f"{role.value if role else 'norole'}@test.example"
    user = User(email=email, first_name=fields.pop("first_name", "Test"),
                last_name=fields.pop("last_name", "User"), **fields)
    user.set_password(password)
    if role is not None:
        user.roles.append(RoleAssignment(role=role.value))
    db.session.add(user)
    db.session.commit()
    return user


def make_location(name: str = "Pharmacie A", postal_code: str = "G8B 1M4",
                  **fields: Any) -> Location:
    location = Location(name_fr=name, name_en=name, address=fields.pop("address", "1 rue Test"),
                        city=fields.pop("city", "Alma"), postal_code=postal_code,
                        latitude=fields.pop("latitude", 48.5468),
                        longitude=fields.pop("longitude", -71.6399), **fields)
    db.session.add(location)
    db.session.commit()
    return location


def make_service(name: str = "COVID-19 – 1re dose", duration: int = 15,
                 **fields: Any) -> Service:
    service = Service(name_fr=name, name_en=fields.pop("name_en", name),
                      duration_minutes=duration, **fields)
    db.session.add(service)
    db.session.commit()
    return service


def make_team(name: str = "Équipe A", locations: list[Location] | None = None,
              services: list[Service] | None = None, **fields: Any) -> Team:
    team = Team(name=name, locations=locations or [], services=services or [], **fields)
    db.session.add(team)
    db.session.commit()
    return team


# -- a planner to work in: time blocks, slots, places taken ------------------------------

def make_block(location: Location, team: Team, services: list[Service], day: date,
               start: str = "09:00", end: str = "13:00", per_slot: int = 1,
               online_open: bool = True) -> ScheduleBlock:
    """A time block and its slots, created as the Schedules screen creates them."""
    block = create_block(BlockData(location=location, team=team, day=day,
                                   start=time.fromisoformat(start), end=time.fromisoformat(end),
                                   services=list(services), per_slot=per_slot,
                                   online_open=online_open))
    db.session.commit()
    return block


def slots_of(block: ScheduleBlock) -> list[Slot]:
    return list(db.session.scalars(select(Slot).where(Slot.block_id == block.id)
                                   .order_by(Slot.starts_at)))


@dataclass
class World:
    """Two locations; two teams at the first, both offering two 15-minute services; and
    `block`, the first team's block for the first service, when one was asked for."""

    location: Location
    other_location: Location
    service: Service
    other_service: Service
    team: Team
    other_team: Team
    block: Optional[ScheduleBlock] = None

    @property
    def slots(self) -> list[Slot]:
        assert self.block is not None, "make_world(days_ahead=...) makes the block"
        return slots_of(self.block)

    def add_block(self, day: date, start: str = "09:00", end: str = "13:00", per_slot: int = 1,
                  team: Optional[Team] = None, services: Optional[list[Service]] = None,
                  online_open: bool = True, location: Optional[Location] = None
                  ) -> ScheduleBlock:
        """make_block with this world's location, first team and first service by default."""
        return make_block(location or self.location, team or self.team,
                          services or [self.service], day, start, end, per_slot, online_open)


def make_world(days_ahead: Optional[int] = None, per_slot: int = 2, start: str = "09:00",
               end: str = "12:00", online: bool = True) -> World:
    """The World, open (or not) for online booking; with `days_ahead`, its block that many
    days from today."""
    db.session.get(Organization, 1).online_booking_open = online
    location = make_location("Pharmacie A")
    other_location = make_location("Pharmacie B", postal_code="G8B 3R1")
    service = make_service("COVID-19 – 1re dose", name_en="COVID-19 – 1st dose", position=1)
    other_service = make_service("COVID-19 – 2e dose", name_en="COVID-19 – 2nd dose",
                                 position=2)
    team = make_team("Équipe A", [location], [service, other_service], position=1)
    other_team = make_team("Équipe B", [location], [service, other_service], position=2)
    world = World(location, other_location, service, other_service, team, other_team)
    if days_ahead is not None:
        world.block = world.add_block(local_today() + timedelta(days=days_ahead), start, end,
                                      per_slot)
    return world


def take_places(slot: Slot, service: Service, count: int = 1, **fields: Any) -> list[Appointment]:
    """Places taken without the booking engine (one conditional update, then the rows), for
    tests of the screens that show them."""
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


def patient_data(n: int = 0, **fields: Any) -> dict[str, Any]:
    """Form values for a patient; each `n` is a different person (another birth date)."""
    data = {"first_name": "Marie", "last_name": "Tremblay",
            "birth_date": (date(1940, 1, 1) + timedelta(days=n)).isoformat()}
    data.update(fields)
    return data
