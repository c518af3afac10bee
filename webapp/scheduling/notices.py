"""Telling patients that the clinic cancelled their appointment (a deleted time block)."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..formatting import iso_date, localized, time_of_day
from ..messaging import queue
from ..models import Appointment

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
    starts_at = appointment.starts_at
    with force_locale(language):
        subject = _("Your appointment is cancelled")
        body = _("Your appointment of %(day)s at %(time)s at %(location)s (confirmation number "
                 "%(coupon)s) has been cancelled by the clinic. We apologise; please book "
                 "another time.", day=iso_date(starts_at), time=time_of_day(starts_at, language),
                 location=localized(appointment.location, "name", language), coupon=appointment.coupon)
    for channel, recipient in channels:
        queue(KIND, channel, recipient, body, subject=subject if channel == "email" else "",
              language=language, appointment_id=appointment.id)
    return len(channels)
