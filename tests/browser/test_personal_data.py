"""Configuration › Personal data in a real browser: a Pilot finds a person by confirmation
number and erases their data through the dialog that says what goes."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Appointment, Patient

from .conftest import planner_app, serving, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Any) -> Iterator[tuple[str, Any, str, int]]:
    """A demo planner of its own; one person's appointment moved a month back (a person with
    an appointment to come cannot be erased)."""
    app = planner_app(tmp_path)
    with app.app_context():
        appointment = db.session.scalars(select(Appointment).order_by(Appointment.id)).first()
        assert appointment is not None
        for other in db.session.scalars(select(Appointment).where(
                Appointment.patient_id == appointment.patient_id)):
            other.starts_at = other.starts_at - timedelta(days=30)
        coupon, patient_id = appointment.coupon, appointment.patient_id
        db.session.commit()
    with serving(app) as base:
        yield base, app, coupon, patient_id


def test_find_then_erase_through_the_dialog(page, server):
    base, app, coupon, patient_id = server
    with app.app_context():
        name = db.session.get(Patient, patient_id).full_name
    sign_in(page, base, "pilote")
    page.goto(base + "/admin/config/personal-data")
    expect(page.locator("#next-run")).to_contain_text("Prochaine anonymisation")
    page.get_by_label("Numéro de confirmation").fill(coupon.lower())
    page.get_by_role("button", name="Chercher").click()
    row = page.locator("#people tr", has_text=name)
    expect(row).to_be_visible()
    row.get_by_role("link", name="Effacer…").click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Effacer les données personnelles")
    expect(dialog).to_contain_text(name)
    expect(dialog).to_contain_text("dans les statistiques")
    dialog.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_text("Données personnelles effacées")).to_be_visible()
    with app.app_context():
        patient = db.session.get(Patient, patient_id)
        assert (patient.first_name, patient.last_name, patient.anonymized_at is not None) == \
            ("", "", True)
