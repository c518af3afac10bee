"""A patient confirms an appointment from the link found in a reminder, on a phone (COM-2,
PUB-8); staff then see it confirmed."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp import booking
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.messaging import communications
from webapp.models import Appointment, CommunicationSetting, Message
from webapp.timeutil import local_today

from ..factories import (
    make_block,
    make_location,
    make_service,
    make_team,
    patient_data,
    slots_of,
)
from .conftest import planner_app, serving

pytestmark = pytest.mark.browser


@pytest.fixture
def reminded(tmp_path: Any) -> Iterator[tuple[Any, str, int]]:
    """A served planner, the SMS reminder's text, and the appointment's id."""
    app = planner_app(tmp_path, demo=False)
    with serving(app) as base, app.app_context():
        app.config["PUBLIC_URL"] = base
        from webapp.organization import ensure_organization

        ensure_organization().name_fr = "Pharmacie Test"
        service = make_service(name="Vaccin", name_en="Vaccine")
        place = make_location("Pharmacie Alma", "G8B 1M4")
        team = make_team(locations=[place], services=[service])
        block = make_block(place, team, [service], local_today() + timedelta(days=3),
                           "09:00", "10:00", per_slot=1)
        setting = db.session.scalar(select(CommunicationSetting).where(
            CommunicationSetting.kind == "reminder_1"))
        setting.active, setting.hours, setting.by_sms = True, 48, True
        db.session.commit()
        appointment = booking.book(BookingRequest(
            slots_of(block)[0], service, patient_data(0, cell_phone="418 555-0100"),
            send_sms=True))
        communications.plan(now=appointment.starts_at - timedelta(hours=47))
        body = db.session.scalar(select(Message.body).where(Message.kind == "reminder_1"))
        yield app, body, appointment.id


def test_confirming_from_the_reminder_link(phone, reminded):
    app, body, appointment_id = reminded
    link = re.search(r"https?://\S+", body).group(0)
    phone.goto(link)
    phone.get_by_role("button", name="Confirmer mon rendez-vous").click()
    expect(phone.get_by_text("Merci : votre rendez-vous est confirmé.")).to_be_visible()
    expect(phone.get_by_role("button", name="Confirmer mon rendez-vous")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment_id).status == "confirmed"
