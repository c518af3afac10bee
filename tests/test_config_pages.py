"""Configuration landing page, tabs, checklist page, audit log; Pilot only."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string
from sqlalchemy import select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import AuditLog, Service

from .config_helpers import location_data, service_data
from .factories import make_location, make_team, make_user
from .helpers import text
from .ready_planner import make_ready_planner


@pytest.fixture
def pilot(client, auth):
    auth.login(Role.PILOTE)
    return client



def test_landing_page_shows_readiness_and_links_to_each_screen(pilot, app):
    page = text(pilot.get("/admin/config/"))
    assert "Le planificateur est-il prêt?" in page
    assert "à corriger avant d'ouvrir la prise de rendez-vous en ligne" in page
    assert 'href="/admin/config/resources"' in page
    assert 'href="/admin/config/checklist"' in page
    assert 'href="/admin/config/audit"' in page
    assert "Ce menu est en construction" not in page


def test_tabs_link_only_the_screens_that_exist(pilot, app):
    page = pilot.get("/admin/config/checklist").get_data(as_text=True)
    tabs = page.split('<nav class="tabs"')[1].split("</nav>")[0]
    assert 'href="/admin/config/resources"' in tabs
    assert 'aria-current="page">Aide-mémoire' in tabs
    for endpoint in ("config.services", "config.locations", "config.communications",
                     "config.public_page"):
        if endpoint not in app.view_functions:
            assert endpoint.split(".")[1] not in tabs


def test_url_if_exists(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_if_exists('config.resources') }}") == \
            "/admin/config/resources"
        assert render_template_string("{{ url_if_exists('config.nowhere') }}") == "None"


def test_checklist_page_turns_green_when_the_last_flag_is_fixed(pilot):
    data = make_ready_planner()
    data["teams"][1].active = False
    db.session.commit()
    page = text(pilot.get("/admin/config/checklist"))
    assert "1 élément à corriger" in page
    assert 'data-check="two_teams"' in page
    assert "Pharmacie A : 1 équipe" in page and "(s)" not in page
    data["teams"][1].active = True
    db.session.commit()
    page = text(pilot.get("/admin/config/checklist"))
    assert "Tous les éléments requis sont faits." in page
    assert 'class="check-item state-flag"' not in page


def _entry(action, when, user=None, **details):
    entry = AuditLog(action=action, at=when, user_id=user.id if user else None,
                     details=details)
    db.session.add(entry)
    return entry


def test_audit_log_filters_by_dates_and_account_and_paginates(pilot):
    other = make_user(Role.GESTION1, "other@test.example", first_name="Autre")
    team = make_team("Équipe A")
    _entry("team.updated", datetime(2030, 3, 1, 15, tzinfo=UTC), other,
           changes={"name": ["Équipe Z", "Équipe A"]}).object_id = team.id
    db.session.commit()
    for day in range(1, 61):
        _entry("account.sign_in", datetime(2030, 4, 1, 12, tzinfo=UTC).replace(
            day=1 + day % 28), None)
    db.session.commit()
    page = text(pilot.get("/admin/config/audit?start=2030-03-01&end=2030-03-01"))
    assert "Équipe modifiée" in page and "Nom : Équipe Z → Équipe A" in page
    assert "Autre User" in page and "1 entrée, les plus récentes" in page
    page = text(pilot.get(f"/admin/config/audit?account={other.id}"))
    assert "1 entrée, les plus récentes" in page
    first = text(pilot.get("/admin/config/audit?start=2030-04-01&end=2030-04-30"))
    assert "Page 1 de 2" in first and "60 entrées" in first
    assert "page=2" in first and "start=2030-04-01" in first
    second = text(pilot.get("/admin/config/audit?start=2030-04-01&end=2030-04-30&page=2"))
    assert "Page 2 de 2" in second


@pytest.mark.parametrize("query, message", [
    ("start=2030-13-45", "date"),
    ("start=2030-05-02&end=2030-05-01",
     "La date de fin doit être le même jour ou après la date de début."),
    ("account=99999", "choix"),
    ("account=abc", "choix"),
])
def test_bad_audit_filters_get_a_message_and_no_500(pilot, query, message):
    response = pilot.get(f"/admin/config/audit?{query}")
    assert response.status_code == 200 and message.lower() in text(response).lower()


@pytest.mark.parametrize("page", ["abc", "-3", "0", "999999999999"])
def test_bad_page_numbers_do_not_break_the_audit_log(pilot, page):
    assert pilot.get(f"/admin/config/audit?page={page}").status_code == 200


def test_configuration_changes_appear_in_the_audit_log(pilot):
    pilot.post("/admin/config/resources/teams/new", data={
        "name": "Équipe Nouvelle", "colour": "#123456", "category": "nurse",
        "capacity": "variable", "position": "1", "active": "y"})
    page = text(pilot.get("/admin/config/audit"))
    assert "Équipe créée" in page and "Équipe Nouvelle" in page
    assert "Test User" in page  # who


def test_changes_of_services_locations_and_communications_read_as_words(pilot):
    """Entries written by every configuration screen are named and detailed, not raw keys."""
    pilot.post("/admin/config/locations/new", data=location_data(name_fr="Pharmacie du Lac"))
    pilot.post("/admin/config/services/new", data=service_data(duration_minutes="12"))
    service = db.session.scalars(select(Service)).one()
    rules = {f"rule_{k}": v for k, v in service.field_rules.items()}
    pilot.post(f"/admin/config/services/{service.id}/edit",
               data=service_data(duration_minutes="15", **{**rules, "rule_sex": "hidden"}))
    pilot.post("/admin/config/communications/reminder_1/edit",
               data={"active": "y", "hours": "48", "by_sms": "y"})
    page = text(pilot.get("/admin/config/audit"))
    assert "Lieu créé" in page and "Pharmacie du Lac" in page and "Code postal : → G8B 3R1" in page
    assert "Service créé" in page and "Service modifié" in page and "Grippe saisonnière" in page
    assert "Durée du service (minutes) : 12 → 15" in page and "Sexe : Facultatif → Masqué" in page
    assert "Communication modifiée" in page and "Premier rappel" in page
    for raw in ("location.created", "service.updated", "name_fr", "duration_minutes",
                "field_rules", "attachment_path", "communication.updated"):
        assert raw not in page


ARG_URLS = {
    "get": ["/admin/config/resources/teams/{team}/edit", "/admin/config/resources/teams/{team}",
            "/admin/config/resources/teams/{team}/associations",
            "/admin/config/resources/accounts/{user}/edit",
            "/admin/config/resources/accounts/{user}",
            "/admin/config/resources/accounts/{user}/roles"],
    "post": ["/admin/config/resources/teams/{team}/edit",
             "/admin/config/resources/teams/{team}/associations",
             "/admin/config/resources/accounts/{user}/edit",
             "/admin/config/resources/accounts/{user}/active",
             "/admin/config/resources/accounts/{user}/reset-link",
             "/admin/config/resources/accounts/{user}/roles",
             "/admin/config/resources/accounts/{user}/roles/{role}",
             "/admin/config/resources/accounts/{user}/roles/{role}/delete"],
}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PILOTE])
def test_every_other_role_is_refused_on_urls_with_arguments(client, auth, role):
    location = make_location("Pharmacie A")
    team = make_team("Équipe A", [location])
    target = make_user(Role.GESTION2, "target@test.example")
    auth.login(role)
    ids = {"team": team.id, "user": target.id, "role": target.roles[0].id}
    for url in ARG_URLS["get"]:
        assert client.get(url.format(**ids)).status_code == 403, url
    for url in ARG_URLS["post"]:
        response = client.post(url.format(**ids), data={"active": "0", "name": "X"})
        assert response.status_code == 403, url
    db.session.expire_all()
    assert target.active and team.name == "Équipe A" and len(target.roles) == 1
