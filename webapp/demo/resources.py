"""Demo teams and staff as a pharmacy would set them up (CFG-4, CFG-5)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..accounts.roles import Role
from ..extensions import db
from ..models import Location, RoleAssignment, Team, User
from ..timeutil import local_today

TEAM_LOOKS = {"Équipe A": "#1f6fb5", "Équipe B": "#2e8540", "Équipe C": "#7b4fb0",
              "Équipe D": "#d9730d"}
CATEGORIES = {"pilote@example.org": ("pharmacist", "#0b5cad"),
              "gestion1@example.org": ("manager", "#6d4c41"),
              "gestion2@example.org": ("reception", "#00897b"),
              "gestion3@example.org": ("nurse", "#1f6fb5"),
              "consultation1@example.org": ("manager", "#8e24aa"),
              "consultation2@example.org": ("nurse", "#1f6fb5")}
# email, first name, last name, category, role, location name (None: all), teams, active
NURSES = (
    ("francois.bergeron@example.org", "François", "Bergeron", "pharmacist", Role.PILOTE, None,
     (), True),  # the second Pilot the guide asks for (§2.7)
    ("isabelle.roy@example.org", "Isabelle", "Roy", "nurse", Role.GESTION3, "Pharmacie A",
     ("Équipe A", "Équipe B"), True),
    ("olivier.morin@example.org", "Olivier", "Morin", "nurse", Role.CONSULTATION2,
     "Pharmacie B", ("Équipe C",), True),
    ("nathalie.fortin@example.org", "Nathalie", "Fortin", "technician", Role.GESTION2, None,
     (), True),
    ("pierre.levesque@example.org", "Pierre", "Lévesque", "nurse", Role.CONSULTATION2,
     "Pharmacie B", ("Équipe D",), False),
)


def add_demo_resources(password: str) -> list[tuple[str, str]]:
    """Colour the demo teams, add nurses with scoped roles; returns the accounts made."""
    teams = {t.name: t for t in db.session.scalars(select(Team))}
    for name, colour in TEAM_LOOKS.items():
        if name in teams:
            teams[name].colour, teams[name].category = colour, "nurse"
    for email, (category, colour) in CATEGORIES.items():
        user = User.by_email(email)
        if user is not None:
            user.category, user.colour = category, colour
    locations = {loc.name_fr: loc for loc in db.session.scalars(select(Location))}
    made = []
    for email, first, last, category, role, place, team_names, active in NURSES:
        user = User(email=email, first_name=first, last_name=last, category=category,
                    phone="418 555-0142", cell_phone="418 555-0199", active=active,
                    colour=TEAM_LOOKS.get(team_names[0], "#9e9e9e") if team_names else "#00897b",
                    teams=[teams[n] for n in team_names if n in teams])
        user.set_password(password)
        user.roles.append(RoleAssignment(role=role.value, location=locations.get(place or "")))
        if role is Role.GESTION2:  # a replacement for the summer: access ends after 90 days
            user.access_end = local_today() + timedelta(days=90)
        db.session.add(user)
        made.append((email, role.value if active else f"{role.value} (deactivated)"))
    return made
