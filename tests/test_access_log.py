"""The access log (issue 13, point 6): the Pilot sees who read which patient's data, when,
filtered by patient (name or confirmation number), staff member and dates; itself audited."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp import booking as engine
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import AuditLog, User
from webapp.timeutil import local_today
from webapp.timeutil import planner_zone as local_zone

from .factories import make_world, patient_data
from .helpers import HX, text

URL = "/admin/config/access-log"


@pytest.fixture
def read(app, client, auth):
    """Gestion 1 opened Marie Tremblay's appointment; nobody opened Paul Roy's."""
    world = make_world(days_ahead=2)
    slots = world.slots
    marie = engine.book(engine.BookingRequest(slots[0], world.service, patient_data()))
    paul = engine.book(engine.BookingRequest(
        slots[1], world.service, patient_data(1, first_name="Paul", last_name="Roy")))
    auth.login(Role.GESTION1)
    assert client.get(f"/admin/appointments/{marie.id}").status_code == 200
    auth.logout()
    auth.login(Role.PILOTE)
    return marie, paul


def test_the_pilot_finds_who_read_a_patient_by_name_or_confirmation_number(client, read):
    marie, paul = read
    reader = User.by_email("gestion1@test.example").full_name
    for patient in ("tremblay", "Marie Tremblay", marie.coupon.lower()):
        page = text(client.get(URL, query_string={"patient": patient}))
        assert "A consulté le rendez-vous d'un patient" in page, patient
        assert reader in page and "Marie Tremblay" in page
    nobody = text(client.get(URL, query_string={"patient": paul.coupon}))
    assert "Aucun accès ne correspond" in nobody and "Paul Roy" not in nobody


@pytest.mark.parametrize("headers", [{}, HX])
def test_filters_by_staff_member_and_dates_in_the_url(client, read, headers):
    reader = User.by_email("gestion1@test.example")
    pilot = User.by_email("pilote@test.example")
    today = local_today()
    mine = text(client.get(URL, query_string={"account": reader.id, "start": today.isoformat(),
                                              "end": today.isoformat()}, headers=headers))
    assert "Marie Tremblay" in mine
    others = text(client.get(URL, query_string={"account": pilot.id}, headers=headers))
    assert "Marie Tremblay" not in others
    later = text(client.get(URL, query_string={
        "start": (today + timedelta(days=1)).isoformat()}, headers=headers))
    assert "Marie Tremblay" not in later


def test_reading_the_access_log_is_itself_audited(client, read):
    client.get(URL, query_string={"patient": "Tremblay"})
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "access.access_log"))
    assert entry is not None and entry.details["patient_search"] is True
    assert entry.details["patients"] == [read[0].patient_id]
    assert "Tremblay" not in str(entry.details)  # the name searched is not copied there


def test_in_english_and_linked_from_the_configuration_tabs(client, read):
    client.post("/lang", data={"lang": "en"})
    page = text(client.get(URL))
    assert "Viewed a patient's appointment" in page and "Patient or list" in page
    assert URL in text(client.get("/admin/config/audit"))


@pytest.mark.parametrize("role", [Role.GESTION1, Role.CONSULTATION1, Role.GESTION3])
def test_only_the_pilot(client, auth, role):
    auth.login(role)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("query", [{"end": "9999-12-31"}, {"start": "0001-01-01"},
                                   {"account": "9" * 30}, {"page": "²"},
                                   {"patient": "%_\\" * 40}, {"start": "2026-05-02",
                                                              "end": "2026-05-01"}])
def test_hostile_filters_get_a_message_not_a_500(client, read, query):
    response = client.get(URL, query_string=query)
    assert response.status_code == 200
    audit_page = client.get("/admin/config/audit", query_string=query)
    assert audit_page.status_code == 200


def test_the_appointments_calendar_with_names_is_recorded(client, auth, read):
    marie, _ = read
    auth.logout()
    auth.login(Role.GESTION1)
    day = marie.starts_at.astimezone(local_zone()).date()
    empty = day + timedelta(days=20)
    assert client.get("/admin/appointments/", query_string={"date": empty.isoformat(),
                                                             "view": "day"}).status_code == 200
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.action == "access.appointments_calendar")) is None  # no name shown
    assert client.get("/admin/appointments/", query_string={"date": day.isoformat(),
                                                             "view": "day"}).status_code == 200
    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.action == "access.appointments_calendar"))
    assert entry.details["count"] == 2 and entry.user.email == "gestion1@test.example"
    auth.logout()
    auth.login(Role.PILOTE)
    page = text(client.get(URL))
    assert "A consulté le calendrier des rendez-vous" in page and "2 lignes affichées" in page
