"""A planner whose configuration passes every required item of the checklist."""
from __future__ import annotations

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import CommunicationSetting, Organization

from .factories import make_location, make_service, make_team, make_user


def make_ready_planner() -> dict:
    org = db.session.get(Organization, 1)
    org.name_fr, org.name_en = "Pharmacie Test", "Test Pharmacy"
    org.address, org.phone = "1 rue Test, Alma", "418 555-0100"
    org.welcome_fr, org.welcome_en = "Bienvenue", "Welcome"
    org.transitional_fr, org.transitional_en = "Bientôt", "Soon"
    texts = {"instructions_fr": "Apportez votre carte", "instructions_en": "Bring your card"}
    dose2 = make_service("Dose 2", vaccine_group="covid", position=2, **texts)
    dose1 = make_service("Dose 1", vaccine_group="covid", position=1, next_service=dose2,
                         min_interval_days=28, **texts)
    location = make_location("Pharmacie A")
    teams = [make_team(name, [location], [dose1, dose2]) for name in ("Équipe A", "Équipe B")]
    for kind in ("reminder_1", "reminder_2"):
        setting = db.session.query(CommunicationSetting).filter_by(kind=kind).one()
        setting.active, setting.hours, setting.by_sms = True, 48, True
    manager = make_user(Role.GESTION1, "manager@test.example")
    db.session.commit()
    return {"org": org, "services": [dose1, dose2], "location": location, "teams": teams,
            "manager": manager}
