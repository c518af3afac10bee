"""Demo configuration: texts of the services, locations, communications and public page
(CFG-1, CFG-3, CFG-6, CFG-7), as a pharmacy of the guide would write them."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import CommunicationSetting, Location, Organization, Service
from .documents import store_sheet

COMMUNICATIONS = {  # kind: (active, hours, by_sms, by_email), as §2.5 suggests
    "reminder_1": (True, 48, True, True),
    "reminder_2": (True, 24, True, True),
    "followup_absent": (True, 24, True, True),
    "followup_cancelled": (True, 2, True, True),
}

INSTRUCTIONS_FR = ("Présentez-vous 5 minutes avant l'heure du rendez-vous, avec votre carte "
                   "d'assurance maladie et ce coupon. Portez un couvre-visage et un vêtement "
                   "à manches courtes. Ne venez pas si vous avez de la fièvre ou de la toux.")
INSTRUCTIONS_EN = ("Arrive 5 minutes before your appointment with your health insurance card and "
                   "this coupon. Wear a face covering and a short-sleeved top. Do not come if "
                   "you have a fever or a cough.")


def add_demo_configuration(org: Organization, locations: list[Location],
                           dose1: Service, dose2: Service) -> None:
    """Fill the demo planner's configurable texts (before the demo is committed)."""
    org.website = "https://www.example.org"
    org.welcome_fr = ("Bienvenue! Prenez rendez-vous pour votre vaccin contre la COVID-19 en "
                      "quelques minutes, dans l'une de nos deux pharmacies d'Alma.")
    org.welcome_en = ("Welcome! Book your COVID-19 vaccine in a few minutes, at one of our two "
                      "pharmacies in Alma.")
    org.popup_fr = ("Un seul rendez-vous par personne. Ayez votre carte d'assurance maladie en "
                    "main avant de commencer.")
    org.popup_en = ("One appointment per person. Have your health insurance card at hand before "
                    "you start.")
    org.transitional_fr = ("La prise de rendez-vous en ligne est fermée pour le moment. Elle "
                           "ouvrira dès que de nouvelles doses seront reçues; vous pouvez aussi "
                           "nous appeler au 418 555-0100.")
    org.transitional_en = ("Online booking is closed for now. It will open as soon as new doses "
                           "arrive; you may also call us at 418 555-0100.")
    _services(dose1, dose2)
    messages = (("Entrée principale, rue Sacré-Coeur. Stationnement gratuit derrière la pharmacie.",
                 "Main entrance on rue Sacré-Coeur. Free parking behind the pharmacy."),
                ("Entrée par la porte de côté, près du comptoir des ordonnances.",
                 "Use the side door, next to the prescription counter."))
    for location, (message_fr, message_en) in zip(locations, messages, strict=False):
        location.message_fr, location.message_en = message_fr, message_en
    for kind, (active, hours, by_sms, by_email) in COMMUNICATIONS.items():
        setting = db.session.scalar(select(CommunicationSetting).where(
            CommunicationSetting.kind == kind))
        if setting is None:
            setting = CommunicationSetting(kind=kind)
            db.session.add(setting)
        setting.active, setting.hours = active, hours
        setting.by_sms, setting.by_email = by_sms, by_email


def _services(dose1: Service, dose2: Service) -> None:
    dose1.description_fr = ("Première dose du vaccin contre la COVID-19, pour les personnes de "
                            "18 ans et plus.")
    dose1.description_en = "First dose of the COVID-19 vaccine, for people aged 18 and over."
    dose2.description_fr = ("Deuxième dose, au moins 8 semaines après la première, du même "
                            "vaccin.")
    dose2.description_en = ("Second dose, at least 8 weeks after the first one, of the same "
                            "vaccine.")
    for service in (dose1, dose2):
        service.instructions_fr, service.instructions_en = INSTRUCTIONS_FR, INSTRUCTIONS_EN
        service.no_availability_fr = ("Il n'y a plus de disponibilité à ce lieu pour le moment. "
                                      "Essayez l'autre pharmacie ou revenez demain : de nouvelles "
                                      "plages sont ajoutées chaque semaine.")
        service.no_availability_en = ("There is no availability left at this location for now. "
                                      "Try the other pharmacy or come back tomorrow: new times "
                                      "are added every week.")
        service.availability_fr = ("Choisissez une date, puis une heure. Prévoyez rester 15 "
                                   "minutes sur place après le vaccin, sous observation.")
        service.availability_en = ("Choose a date, then a time. Plan to stay 15 minutes on site "
                                   "after the vaccine, under observation.")
        service.show_duration = True
        stored = store_sheet("Fiche d'information COVID-19.pdf")
        service.attachment_path, service.attachment_name = stored.path, stored.name
