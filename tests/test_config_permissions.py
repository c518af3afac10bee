"""Every URL of the Configuration menu, with or without ids, GET or POST, answers 403 to
every role but the Pilot's, and changes nothing. New endpoints are covered as they come."""
from __future__ import annotations

import pytest
from flask import url_for

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import EligibilityAnswer, EligibilityQuestion, Service, Team, User

from .factories import make_location, make_service, make_team, make_user


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
    db.session.commit()
    return {"service_id": service.id, "question_id": question.id,
            "answer_id": question.answers[0].id, "location_id": location.id,
            "team_id": team.id, "user_id": target.id, "role_id": target.roles[0].id,
            "kind": "reminder_1"}


def test_every_configuration_endpoint_is_known(app, ids):
    """A new endpoint with an argument this file does not know must be added to `ids`."""
    for rule in config_rules(app):
        assert set(rule.arguments) <= set(ids), rule.endpoint


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PILOTE])
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


TAB_OF = {"service": "Services", "question": "Services", "answer": "Services",
          "location": "Lieux", "resource": "Ressources", "team": "Ressources",
          "account": "Ressources", "communication": "Communications",
          "public": "Page publique", "checklist": "Aide-mémoire", "audit": "Journal d'audit"}


def test_every_configuration_page_shows_the_tabs_with_its_own_tab_current(app, client, auth,
                                                                          ids):
    """Pages of both halves of the menu carry the same tabs, and highlight the right one."""
    auth.login(Role.PILOTE)
    seen = 0
    for rule in config_rules(app):
        if "GET" not in rule.methods or rule.endpoint in {"config.service_attachment",
                                                         "config.communication_hint"}:
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
