"""Small factories: each test builds only the data it needs."""
from __future__ import annotations

from typing import Any

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Location, RoleAssignment, Service, Team, User

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


# -- schedules and bookings (booking engine tests) ----------------------------------------

def make_block(location: Location, team: Team, services: list[Service], day: Any,
               start: str = "09:00", end: str = "12:00", per_slot: int = 1,
               online_open: bool = True, minutes: int | None = None) -> Any:
    """A time block and its slots, materialised simply: one slot every `minutes` (the first
    service's duration by default), at local wall-clock times of the planner's zone."""
    from datetime import datetime, time, timedelta

    from webapp.models import ScheduleBlock, Slot
    from webapp.timeutil import planner_zone

    step = timedelta(minutes=minutes or services[0].duration_minutes)
    start_t, end_t = time.fromisoformat(start), time.fromisoformat(end)
    block = ScheduleBlock(location_id=location.id, team_id=team.id, day=day,
                          start_time=start_t, end_time=end_t, per_slot_capacity=per_slot,
                          online_open=online_open, services=list(services))
    zone = planner_zone()
    moment, stop = datetime.combine(day, start_t), datetime.combine(day, end_t)
    while moment + step <= stop:
        starts = moment.replace(tzinfo=zone)
        block.slots.append(Slot(location_id=location.id, team_id=team.id, day=day,
                                starts_at=starts, ends_at=(moment + step).replace(tzinfo=zone),
                                capacity=per_slot, booked=0, online_open=online_open))
        moment += step
    db.session.add(block)
    db.session.commit()
    return block


def patient_data(n: int = 0, **fields: Any) -> dict[str, Any]:
    """Form values for a patient; each `n` is a different person (another birth date)."""
    from datetime import date, timedelta

    data = {"first_name": "Marie", "last_name": "Tremblay",
            "birth_date": (date(1940, 1, 1) + timedelta(days=n)).isoformat()}
    data.update(fields)
    return data
