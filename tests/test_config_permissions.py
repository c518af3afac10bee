"""Every URL of the Configuration menu, with or without ids, GET or POST, answers 403 to
every role but the Pilot's, and changes nothing (with junk and with valid form data). New
endpoints are covered as they come. Signed out, a configuration page asks to sign in; every
page keeps the strict content security policy."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import (
    EligibilityAnswer,
    EligibilityQuestion,
    Organization,
    Patient,
    Service,
    Team,
    User,
)

from .config_helpers import location_data, public_page_data, service_data
from .factories import make_location, make_service, make_team, make_user

OTHERS = [role for role in Role if role is not Role.PILOTE]


def config_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("config.")]


@pytest.fixture
def ids(app):
    service = make_service("Zona", position=1)
    question = EligibilityQuestion(text_fr="Q", text_en="Q", answers=[
        EligibilityAnswer(text_fr="Oui", text_en="Yes", eligible=True, position=1),
        EligibilityAnswer(text_fr="Non", text_en="No", position=2)])
    service.questions.append(question)
    location = make_location("Pharmacie A")
    team = make_team("Équipe A", [location], [service])
    target = make_user(Role.GESTION2, "target@test.example")
    patient = Patient(first_name="Marie", last_name="Côté", language="fr_CA")
    db.session.add(patient)
    db.session.commit()
    return {"service_id": service.id, "question_id": question.id,
            "answer_id": question.answers[0].id, "location_id": location.id,
            "team_id": team.id, "user_id": target.id, "role_id": target.roles[0].id,
            "kind": "reminder_1", "patient_id": patient.id}


def test_every_configuration_endpoint_is_known(app, ids):
    """A new endpoint with an argument this file does not know must be added to `ids`."""
    for rule in config_rules(app):
        assert set(rule.arguments) <= set(ids), rule.endpoint


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_403_on_every_configuration_url(app, client, auth, ids, role):
    auth.login(role)
    tried = 0
    for rule in config_rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"active": "0", "name": "X", "name_fr": "Piraté", "direction": "down",
                    "open": "0"} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 403, (role, method, rule.endpoint)
            tried += 1
    assert tried > 40
    db.session.expire_all()
    assert db.session.get(Service, ids["service_id"]).name_fr == "Zona"
    assert db.session.get(Team, ids["team_id"]).name == "Équipe A"
    assert db.session.get(User, ids["user_id"]).active
    assert db.session.get(EligibilityQuestion, ids["question_id"]) is not None
    assert db.session.get(Patient, ids["patient_id"]).first_name == "Marie"


TAB_OF = {"service": "Services", "question": "Services", "answer": "Services",
          "location": "Lieux", "resource": "Ressources", "team": "Ressources",
          "account": "Ressources", "communication": "Communications",
          "public": "Page publique", "checklist": "Aide-mémoire", "audit": "Journal d'audit",
          "person": "Données personnelles", "retention": "Données personnelles",
          "access": "Journal des accès"}


def test_every_configuration_page_shows_the_tabs_with_its_own_tab_current(app, client, auth,
                                                                          ids):
    """Every page of the menu carries the same tabs, and highlights its own."""
    auth.login(Role.PILOTE)
    seen = 0
    for rule in config_rules(app):
        if "GET" not in rule.methods or rule.endpoint in {"config.service_attachment",
                                                         "config.communication_hint",
                                                         "config.person_export"}:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert page.count('<nav class="tabs"') == 1, rule.endpoint
        tabs = page.split('<nav class="tabs"')[1].split("</nav>")[0]
        current = [label for label in set(TAB_OF.values())
                   if f'aria-current="page">{label}<' in tabs.replace("&#39;", "'")]
        name = rule.endpoint.split(".")[1]
        expected = next((tab for prefix, tab in TAB_OF.items() if name.startswith(prefix)), None)
        assert current == ([expected] if expected else []), (rule.endpoint, current)
        seen += 1
    assert seen >= 20


def _requests(service, question, answer, location):
    s, q, a, loc = service.id, question.id, answer.id, location.id
    return [
        ("get", f"/admin/config/services/{s}", None),
        ("get", f"/admin/config/services/{s}/edit", None),
        ("post", f"/admin/config/services/{s}/edit", service_data(name_fr="Piraté")),
        ("post", "/admin/config/services/new", service_data(name_fr="Piraté")),
        ("post", f"/admin/config/services/{s}/move", {"direction": "down"}),
        ("post", f"/admin/config/services/{s}/active", {"active": "0"}),
        ("get", f"/admin/config/services/{s}/attachment", None),
        ("get", f"/admin/config/services/{s}/questions", None),
        ("get", f"/admin/config/services/{s}/questions/new", None),
        ("post", f"/admin/config/services/{s}/questions/new", {"text_fr": "Piraté"}),
        ("get", f"/admin/config/questions/{q}", None),
        ("get", f"/admin/config/questions/{q}/edit", None),
        ("post", f"/admin/config/questions/{q}/edit", {"text_fr": "Piraté"}),
        ("post", f"/admin/config/questions/{q}/move", {"direction": "down"}),
        ("post", f"/admin/config/questions/{q}/delete", {}),
        ("post", f"/admin/config/answers/{a}/move", {"direction": "down"}),
        ("get", f"/admin/config/locations/{loc}", None),
        ("get", f"/admin/config/locations/{loc}/edit", None),
        ("post", f"/admin/config/locations/{loc}/edit", location_data(name_fr="Piraté")),
        ("post", "/admin/config/locations/new", location_data(name_fr="Piraté")),
        ("post", f"/admin/config/locations/{loc}/move", {"direction": "down"}),
        ("post", f"/admin/config/locations/{loc}/active", {"active": "0"}),
        ("get", "/admin/config/communications/reminder_1", None),
        ("get", "/admin/config/communications/reminder_1/edit", None),
        ("post", "/admin/config/communications/reminder_1/edit",
         {"active": "y", "hours": "2", "by_sms": "y"}),
        ("post", "/admin/config/communications/reminder_1/active", {"active": "1"}),
        ("get", "/admin/config/communications/reminder_1/hint?hours=12", None),
        ("post", "/admin/config/public-page", public_page_data(name_fr="Piraté")),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused_valid_form_data_and_nothing_changes(client, auth, role):
    service = make_service("Zona", position=1)
    make_service("Autre", position=2)
    question = EligibilityQuestion(text_fr="Q", text_en="Q", answers=[
        EligibilityAnswer(text_fr="Oui", text_en="Yes", position=1),
        EligibilityAnswer(text_fr="Non", text_en="No", position=2)])
    service.questions.append(question)
    db.session.commit()
    location = make_location("A")
    auth.login(role)
    for method, url, data in _requests(service, question, question.answers[0], location):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, (role, method, url)
        assert "Accès refusé" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Service, service.id).name_fr == "Zona"
    assert db.session.get(Service, service.id).active is True
    assert db.session.get(EligibilityQuestion, question.id) is not None
    assert db.session.get(Organization, 1).name_fr == "Planificateur de rendez-vous"


def test_signed_out_is_sent_to_sign_in(client):
    service = make_service()
    for url in (f"/admin/config/services/{service.id}/edit", "/admin/config/public-page"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.get(f"/admin/config/services/{service.id}/attachment").status_code == 302


def test_pages_keep_the_strict_content_security_policy(client, auth):
    service = make_service()
    auth.login(Role.PILOTE)
    for url in ("/admin/config/services", f"/admin/config/services/{service.id}/edit",
                f"/admin/config/services/{service.id}/questions", "/admin/config/locations/new",
                "/admin/config/communications", "/admin/config/public-page"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url
