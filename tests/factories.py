"""Small factories: each test builds only the data it needs."""
from __future__ import annotations

from typing import Any

from webapp.extensions import db
from webapp.models import Location, RoleAssignment, Service, Team, User
from webapp.roles import Role

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
