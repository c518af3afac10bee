"""The audit log in words (issue 17, point 4): actions and fields named, objects by name
(service, location, team, time), times local, in French and English."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp import booking as engine
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.scheduling.blocks import set_block_open, set_day_open
from webapp.timeutil import local_today

from .factories import make_world, patient_data
from .helpers import HX, text


@pytest.fixture
def logged(app, client, auth):
    """A booking moved from 09:00 to 09:30 to the other service, a padlocked block and day."""
    world = make_world()
    world.block = world.add_block(local_today() + timedelta(days=2), "09:00", "12:00", 2,
                                  services=[world.service, world.other_service])
    slots = world.slots
    appointment = engine.book(engine.BookingRequest(slots[0], world.service, patient_data()))
    engine.move(appointment, engine.BookingRequest(slots[2], world.other_service))
    set_block_open(world.block, False)
    set_day_open(world.location, local_today() + timedelta(days=2), True)
    db.session.commit()
    auth.login(Role.PILOTE)
    return world, appointment


@pytest.mark.parametrize("headers", [{}, HX])
def test_audit_log_speaks_french_without_codes_ids_or_utc(client, logged, headers):
    world, appointment = logged
    page = text(client.get("/admin/config/audit", headers=headers))
    for raw in ("appointment.", "schedule_block.", "schedule_day.", "+00:00", "slot :",
                "service : ", "location_id", "team_id", "T09:", "T14:"):
        assert raw not in page, raw
    assert "Rendez-vous déplacé" in page and "Rendez-vous réservé" in page
    # a Pilot without an appointments role sees no confirmation number (issue 13)
    assert appointment.coupon not in page and "un rendez-vous" in page
    assert "Service : COVID-19 – 1re dose → COVID-19 – 2e dose" in page
    assert re.search(r"Date et heure : [^<]*09:00 → [^<]*09:30", page)
    assert "Plage horaire verrouillée ou déverrouillée pour la prise de rendez-vous en ligne" in page
    assert "Pharmacie A, Équipe A," in page  # the block by name
    assert "Prise de rendez-vous en ligne ouverte : Non" in page
    assert "Jour : samedi" in page or re.search(r"Jour : \w+ \d", page)


def test_audit_log_speaks_english(client, logged):
    client.set_cookie("lang", "en")
    page = text(client.get("/admin/config/audit"))
    assert "Appointment moved" in page and "Appointment booked" in page
    assert "Service: COVID-19 – 1st dose → COVID-19 – 2nd dose" in page
    assert re.search(r"Date and time: [^<]*09:00 → [^<]*09:30", page)
    assert "Day locked or unlocked for online booking" in page
    assert "+00:00" not in page and "appointment.moved" not in page


def test_reads_of_patients_data_are_in_words_too(client, auth, logged):
    """The follow-up list and appointment reads (issue 17, point 7's screenshot)."""
    world, appointment = logged
    auth.logout()
    auth.login(Role.GESTION1)
    client.get(f"/admin/followup/?day={local_today() + timedelta(days=2)}&period=week")
    client.get(f"/admin/appointments/{appointment.id}")
    auth.logout()
    auth.login(Role.PILOTE)
    page = text(client.get("/admin/config/audit"))
    assert "access." not in page and "filters :" not in page and "rows :" not in page
    assert "A consulté la liste de suivi" in page
    assert "Période : Semaine" in page and "Lignes affichées : 1" in page
    assert "Usager : un usager" in page  # a Pilot without appointments: no name
    assert "patient : " not in page
