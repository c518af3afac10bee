"""The demo planner made by `flask --app wsgi demo-data`."""
from __future__ import annotations

from sqlalchemy import func, select

from ..accounts.roles import Role
from ..extensions import db
from ..geo import area_for
from ..models import (
    EligibilityAnswer,
    EligibilityQuestion,
    Location,
    Organization,
    RoleAssignment,
    Service,
    Team,
    User,
)
from ..organization import ensure_organization
from .appointments import add_demo_appointments
from .configuration import add_demo_configuration
from .resources import add_demo_resources
from .schedules import add_demo_schedules

DEMO_ACCOUNTS = (
    ("pilote@example.org", Role.PILOTE, "Marie", "Simard"),
    ("gestion1@example.org", Role.GESTION1, "Jean", "Bouchard"),
    ("gestion2@example.org", Role.GESTION2, "Sophie", "Tremblay"),
    ("gestion3@example.org", Role.GESTION3, "Luc", "Gagnon"),
    ("consultation1@example.org", Role.CONSULTATION1, "Julie", "Côté"),
    ("consultation2@example.org", Role.CONSULTATION2, "Marc", "Lavoie"),
)


class DemoRefused(Exception):
    """The database already holds data; the demo would mix with it."""


def _location(name: str, address: str, postal_code: str, position: int) -> Location:
    area = area_for(postal_code)
    # Each demo location answers its own patients' replies (Reply-To of its emails).
    email = "pharmacie-" + name.rsplit(" ", 1)[-1].lower() + "@example.org"
    return Location(name_fr=name, name_en=name, address=address, city="Alma",
                    postal_code=postal_code, position=position, email=email,
                    latitude=area.latitude if area else None,
                    longitude=area.longitude if area else None)


def create_demo(password: str) -> list[tuple[str, str]]:
    """Create the demo planner; refuse when the database already holds data."""
    if db.session.scalar(select(func.count()).select_from(User)) or db.session.get(
            Organization, 1):
        raise DemoRefused("The database already holds data; demo-data only fills an empty one.")
    org = ensure_organization()
    org.name_fr, org.name_en = "Pharmacie Demo – Vaccination", "Demo Pharmacy – Vaccination"
    org.address, org.phone = "453 rue Sacré-Coeur Ouest, Alma", "418 555-0100"
    org.email, org.online_booking_open = "vaccination@example.org", True
    org.welcome_fr = "Bienvenue! Prenez rendez-vous pour votre vaccin en quelques minutes."
    org.welcome_en = "Welcome! Book your vaccine appointment in a few minutes."

    pharmacy_a = _location("Pharmacie A", "453 rue Sacré-Coeur Ouest", "G8B 1M4", 1)
    pharmacy_b = _location("Pharmacie B", "140 rue Saint-Joseph", "G8B 3R1", 2)
    dose2 = Service(name_fr="COVID-19 – 2e dose", name_en="COVID-19 – 2nd dose",
                    duration_minutes=15, position=2, vaccine_group="covid-19", horizon_days=30)
    dose1 = Service(name_fr="COVID-19 – 1re dose", name_en="COVID-19 – 1st dose",
                    duration_minutes=15, position=1, vaccine_group="covid-19", horizon_days=30,
                    min_interval_days=56, next_service=dose2)
    question = EligibilityQuestion(
        text_fr="Avez-vous 18 ans ou plus?", text_en="Are you 18 or older?", answers=[
            EligibilityAnswer(text_fr="Oui", text_en="Yes", eligible=True, position=1),
            EligibilityAnswer(text_fr="Non", text_en="No", eligible=False, position=2)])
    dose1.questions.append(question)
    teams: list[Team] = []
    for location, names in ((pharmacy_a, ("Équipe A", "Équipe B")),
                            (pharmacy_b, ("Équipe C", "Équipe D"))):
        for name in names:
            team = Team(name=name, variable_capacity=True, position=len(teams) + 1,
                        locations=[location], services=[dose1, dose2])
            teams.append(team)
    db.session.add_all([pharmacy_a, pharmacy_b, dose1, dose2, *teams])
    add_demo_configuration(org, [pharmacy_a, pharmacy_b], dose1, dose2)

    made = []
    for email, role, first, last in DEMO_ACCOUNTS:
        user = User(email=email, first_name=first, last_name=last, phone="418 555-0100")
        user.set_password(password)
        user.roles.append(RoleAssignment(role=role.value))
        if role is Role.PILOTE:  # like the guide's pharmacist owner: Pilot and Management #1
            user.roles.append(RoleAssignment(role=Role.GESTION1.value))
        if role in (Role.GESTION3, Role.CONSULTATION2):
            user.teams.append(teams[0])
        db.session.add(user)
        made.append((email, role.value))
    made += add_demo_resources(password)
    db.session.commit()
    add_demo_schedules()
    add_demo_appointments()
    return made
