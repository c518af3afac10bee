"""The booking confirmation sent by email and SMS, in the patient's language (COM-1, PUB-7).

Messages are rendered from `templates/email/confirmation.txt` and `sms/confirmation.txt`
before the booking transaction starts (so it stays short), then queued in the outbox
inside it; the scheduler sends them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..formatting import iso_date, localized, time_of_day
from ..messaging.gsm import to_gsm7
from ..models import Location, Organization, Service
from ..web import external_url

if TYPE_CHECKING:
    from .request import BookingRequest

KIND = "confirmation"


@dataclass(frozen=True)
class Draft:
    channel: str
    recipient: str
    subject: str
    body: str


def patient_link(token: str) -> str:
    """The short link of the patient's confirm / cancel page (PUB-8), absolute for messages.

    PUBLIC_URL (e.g. https://rdv.example.org) names the public site when it is set, so a
    job or a command writes the same link as a request does."""
    return external_url("public.short", token=token)


def address_of(location: Location) -> str:
    parts = [location.address, location.city, location.postal_code]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def render_text(name: str, context: dict[str, str]) -> str:
    """A message template rendered to tidy text."""
    # Straight from the Jinja environment: no request context processors, so a job or a
    # command renders the same text as a page does.
    text = current_app.jinja_env.get_template(name).render(**context)
    return re.sub(r"\n{3,}", "\n\n",
                  "\n".join(line.rstrip() for line in text.splitlines())).strip()


def message_context(*, coupon: str, token: str, patient_name: str, service: Service,
                    location: Location, starts_at: datetime, language: str) -> dict[str, str]:
    """What every message about an appointment may say (call under `force_locale`)."""
    org = db.session.get(Organization, 1)
    return {
        "coupon": coupon,
        "patient_name": patient_name,
        "service": localized(service, "name", language),
        "date": iso_date(starts_at),
        "time": time_of_day(starts_at, language),
        "location": localized(location, "name", language),
        "address": address_of(location),
        "instructions": localized(service, "instructions", language),
        "location_message": localized(location, "message", language),
        "planner": localized(org, "name", language),
        "planner_phone": org.phone if org else "",
        "link": patient_link(token),
    }


def drafts(request: BookingRequest, coupon: str, token: str) -> list[Draft]:
    """The confirmation messages of one (cleaned) booking request, one per channel asked
    for, with its confirmation number and the patient's link."""
    data, language = request.details, request.language or "fr_CA"
    email = data.email if request.send_email else None
    cell_phone = data.cell_phone if request.send_sms else None
    if not (email or cell_phone):
        return []
    location = db.session.get(Location, request.slot.location_id)
    assert location is not None
    with force_locale(language):
        context = message_context(
            coupon=coupon, token=token, service=request.service, location=location,
            patient_name=f"{data.first_name} {data.last_name}".strip(),
            starts_at=request.slot.starts_at, language=language)
        made = []
        if email:
            subject = _("Appointment confirmation %(coupon)s", coupon=coupon)
            made.append(Draft("email", email, subject,
                              render_text("email/confirmation.txt", context)))
        if cell_phone:
            made.append(Draft("sms", cell_phone, "",
                              to_gsm7(render_text("sms/confirmation.txt", context))))
    return made
