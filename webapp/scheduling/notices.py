"""Telling patients that the clinic cancelled their appointment (a deleted time block)."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..messaging import queue
from ..models import Appointment
from ..timeutil import planner_zone

KIND = "cancelled_by_staff"


def notify_cancelled(appointment: Appointment) -> int:
    """Queue the notice by the channels the patient chose; returns how many were queued."""
    patient = appointment.patient
    channels = []
    if appointment.send_email and patient.email:
        channels.append(("email", patient.email))
    if appointment.send_sms and patient.cell_phone:
        channels.append(("sms", patient.cell_phone))
    if not channels:
        return 0
    language = appointment.language if appointment.language in ("fr_CA", "en") else "fr_CA"
    local = appointment.starts_at.astimezone(planner_zone())
    location = appointment.location
    with force_locale(language):
        place = location.name_en if language == "en" and location.name_en else location.name_fr
        subject = _("Your appointment is cancelled")
        body = _("Your appointment of %(day)s at %(time)s at %(location)s (confirmation number "
                 "%(coupon)s) has been cancelled by the clinic. We apologise; please book "
                 "another time.", day=local.date().isoformat(), time=local.strftime("%H:%M"),
                 location=place, coupon=appointment.coupon)
    for channel, recipient in channels:
        queue(KIND, channel, recipient, body, subject=subject if channel == "email" else "",
              language=language, appointment_id=appointment.id)
    return len(channels)
