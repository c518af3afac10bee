"""The booking confirmation sent by email and SMS, in the patient's language (COM-1, PUB-7).

Messages are rendered from `templates/email/confirmation.txt` and `sms/confirmation.txt`
before the booking transaction starts (so it stays short), then queued in the outbox
inside it; the scheduler sends them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..formatting import iso_date, localized, time_of_day
from ..models import Location, Organization, Service

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
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base and has_request_context():
        return url_for("public.short", token=token, _external=True)
    path = current_app.url_map.bind("localhost").build("public.short", {"token": token})
    return base + path


def address_of(location: Location) -> str:
    parts = [location.address, location.city, location.postal_code]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _render(name: str, context: dict[str, str]) -> str:
    # Straight from the Jinja environment: no request context processors, so a job or a
    # command renders the same text as a page does.
    return current_app.jinja_env.get_template(name).render(**context)


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()


def drafts(*, coupon: str, patient_name: str, email: str | None, cell_phone: str | None,
           send_email: bool, send_sms: bool, language: str, service: Service,
           location: Location, starts_at: datetime, link: str = "") -> list[Draft]:
    """The confirmation messages to queue for one booking, one per channel asked for."""
    if not ((send_email and email) or (send_sms and cell_phone)):
        return []
    org = db.session.get(Organization, 1)
    with force_locale(language):
        context = {
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
            "link": link,
        }
        made = []
        if send_email and email:
            subject = _("Appointment confirmation %(coupon)s", coupon=coupon)
            made.append(Draft("email", email, subject,
                              _tidy(_render("email/confirmation.txt", context))))
        if send_sms and cell_phone:
            made.append(Draft("sms", cell_phone, "",
                              _tidy(_render("sms/confirmation.txt", context))))
    return made
