"""Issue 13: hostile input, forged hosts, sessions, sign-in throttling, public abuse."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select, update

from webapp import audit, create_app, params
from webapp.accounts.roles import Role
from webapp.config import ConfigError
from webapp.extensions import db
from webapp.models import AuditLog, Message, ScheduleBlock, StaffSession, User, utcnow
from webapp.timeutil import local_today

from .conftest import make_app
from .factories import make_user, make_world, take_places
from .helpers import text

# --- 1. No 500 on any input ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["²", "١٢", "9" * 5000, "99999999999999999999", "-1", "0",
                                 "1.5", "", " ", "a\x00", "2147483648"])
def test_ids_are_ascii_digits_within_the_database_range(raw):
    assert params.to_id(raw) is None


def test_ids_numbers_and_dates_that_are_fine_read_as_values():
    assert params.to_id(" 42 ") == 42
    assert params.to_int("-3", -5, 5) == -3
    assert params.to_ids(["3", "", "1", "3"]) == [1, 3]
    assert params.to_ids(["1", "²"]) is None
    assert params.to_date("2021-02-15") == date(2021, 2, 15)


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "2021-02-30", "2021-2-3",
                                 "２０２１-02-15", "2021-02-15T00:00", None])
def test_dates_out_of_range_or_impossible_read_as_none(raw):
    assert params.to_date(raw) is None


@pytest.mark.parametrize("query", [
    {"location": "²"}, {"from": "²", "to": "²"}, {"step": "²"}, {"date": "9999-12-31"},
    {"date": "0001-01-01"}, {"team": "9" * 20}, {"service": "9" * 20}, {"location": "9" * 5000},
])
@pytest.mark.parametrize("menu", ["/admin/appointments/", "/admin/schedules/"])
def test_calendar_filters_refuse_hostile_values_with_a_message(client, auth, menu, query):
    make_world(days_ahead=1)
    auth.login(Role.GESTION1)
    response = client.get(menu, query_string=query)
    assert response.status_code in (200, 404)


def test_public_times_of_a_far_day_is_not_found(client):
    world = make_world(days_ahead=1)
    url = f"/book/{world.location.id}/{world.service.id}/9999-12-31"
    assert client.get(url).status_code == 404


def test_a_block_far_in_the_future_is_refused_with_a_message(client, auth):
    world = make_world()
    auth.login(Role.GESTION1)
    response = client.post("/admin/schedules/blocks/new", data={
        "location": world.location.id, "day": "2199-12-31", "start": "09:00", "end": "10:00",
        "team": world.team.id, "services": world.service.id, "per_slot": "1"})
    assert response.status_code == 200
    assert "Choisissez une date entre" in text(response)  # French first
    assert db.session.scalar(select(func.count()).select_from(ScheduleBlock)) == 0


@pytest.mark.parametrize("version", ["abc", "²", "9" * 30])
def test_block_delete_with_a_bad_version_changes_nothing(client, auth, version):
    world = make_world(days_ahead=2)
    auth.login(Role.GESTION1)
    assert world.block is not None
    response = client.post(f"/admin/schedules/blocks/{world.block.id}/delete",
                           data={"version": version, "choice": "cancel", "reason": "x"})
    assert response.status_code == 200
    assert db.session.get(ScheduleBlock, world.block.id) is not None


# --- 2. Links never from the request's Host ----------------------------------------------


@pytest.mark.parametrize("host, status, messages", [
    ("https://rdv.example.org", 302, 1), ("http://evil.example", 400, 0)])
def test_reset_links_are_built_on_public_url_and_other_hosts_refused(tmp_path, host, status,
                                                                     messages):
    app = make_app(tmp_path, PUBLIC_URL="https://rdv.example.org", ALLOWED_HOSTS="localhost")
    with app.app_context():
        make_user(Role.PILOTE, "owner@test.example")
        client = app.test_client()
        response = client.post("/admin/forgot", data={"email": "owner@test.example"},
                               base_url=host)
        assert response.status_code == status
        bodies = [m.body for m in db.session.scalars(select(Message))]
        assert len(bodies) == messages
        assert all("https://rdv.example.org/admin/reset/" in body for body in bodies)
        assert client.get("/", base_url="http://localhost").status_code == 200


def test_public_url_is_required_outside_debug_and_tests(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app({"SECRET_KEY": "x", "SCHEDULER_ENABLED": False})
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app({"SECRET_KEY": "x", "SCHEDULER_ENABLED": False, "PUBLIC_URL": "rdv"})


# --- 3. Sessions end on the server -------------------------------------------------------


def _cookie(client):
    return client.get_cookie("session").value


def test_a_cookie_saved_before_sign_out_opens_nothing_after(app, client, auth):
    auth.login(Role.GESTION1)
    saved = _cookie(client)
    assert client.get("/admin/profile").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", saved)
    response = thief.get("/admin/profile")
    assert response.status_code == 302 and "/admin/login" in response.location


@pytest.mark.parametrize("change", ["access_end", "active", "role"])
def test_account_changes_take_effect_on_the_next_request(client, auth, change):
    auth.login(Role.GESTION1)
    assert client.get("/admin/appointments/").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "gestion1@test.example"))
    if change == "access_end":
        user.access_end = local_today() - timedelta(days=1)
    elif change == "active":
        user.active = False
    else:
        db.session.delete(user.roles[0])
    db.session.commit()
    response = client.get("/admin/appointments/")
    assert response.status_code in (302, 403)


def test_an_idle_session_expires(app, client, auth):
    app.config["SESSION_IDLE_MINUTES"] = 30
    auth.login(Role.GESTION1)
    db.session.execute(update(StaffSession).values(
        last_seen_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    response = client.get("/admin/profile")
    assert response.status_code == 302 and "/admin/login" in response.location
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 0


# --- 7. /healthz checks a write and the disk -------------------------------------------


def test_healthz_is_ok_when_the_database_accepts_a_write(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_healthz_answers_503_when_the_database_refuses_writes(app, client):
    def read_only(connection, _record):
        connection.execute("PRAGMA query_only = ON")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", read_only)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "connect", read_only)
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 503
    assert "database does not accept writes" in response.json["reason"]


def test_healthz_answers_503_when_the_disk_is_nearly_full(app, client):
    app.config["HEALTH_MIN_FREE_MB"] = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "disk space low" in response.json["reason"]


# --- 8. Smaller items ----------------------------------------------------------------------


def _gestion3(auth, world):
    auth.login(Role.GESTION3)
    user = User.by_email("gestion3@test.example")
    user.teams = [world.team]
    db.session.commit()


def test_management_3_padlock_on_a_location_without_its_teams_is_refused(client, auth):
    world = make_world(days_ahead=2)
    assert world.block is not None
    client.set_cookie("lang", "en")
    _gestion3(auth, world)
    response = client.post("/admin/schedules/days/padlock", data={
        "location": world.other_location.id, "day": world.block.day.isoformat(), "open": "0"})
    assert response.status_code == 403
    assert "None of your teams works at Pharmacie B" in text(response)


def test_management_3_block_form_for_another_team_is_refused(client, auth):
    world = make_world()
    client.set_cookie("lang", "en")
    _gestion3(auth, world)
    day = (local_today() + timedelta(days=3)).isoformat()
    response = client.post("/admin/schedules/blocks/new", data={
        "location": world.location.id, "day": day, "start": "14:00", "end": "15:00",
        "team": world.other_team.id, "services": [world.service.id], "per_slot": "1"})
    assert response.status_code == 403
    assert "your own teams" in text(response)
    assert db.session.scalar(select(func.count()).select_from(ScheduleBlock)) == 0


def test_public_appointment_page_is_not_stored(client):
    world = make_world(days_ahead=2)
    appointment = take_places(world.slots[0], world.service)[0]
    response = client.get(f"/appointment/{appointment.token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_pilot_only_account_does_not_see_confirmation_numbers_in_the_audit_log(client, auth):
    world = make_world(days_ahead=2)
    appointment = take_places(world.slots[0], world.service)[0]
    audit.record("appointment.cancelled", appointment, coupon=appointment.coupon)
    db.session.commit()
    auth.login(Role.PILOTE)
    page = text(client.get("/admin/config/audit"))
    assert appointment.coupon not in page


# --- 6. Reading a patient's details is recorded ------------------------------------------


def test_opening_an_appointment_records_who_saw_which_patient(client, auth):
    world = make_world(days_ahead=2)
    appointment = take_places(world.slots[0], world.service)[0]
    auth.login(Role.GESTION1)
    assert client.get(f"/admin/appointments/{appointment.id}").status_code == 200
    assert client.get(f"/admin/appointments/{appointment.id}/edit").status_code == 200
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "access.appointment"))
    seen = [(r.object_id, r.details["patient"], r.user.email) for r in rows]
    assert seen == [(appointment.id, appointment.patient_id, "gestion1@test.example")] * 2
