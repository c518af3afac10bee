"""Configuration part A (services, questions, locations, communications, public page) is for
the Pilot role only: every URL with an id answers 403 to the other roles and changes nothing."""
from __future__ import annotations

import pytest

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import EligibilityAnswer, EligibilityQuestion, Organization, Service

from .config_a_helpers import location_data, public_page_data, service_data
from .factories import make_location, make_service

OTHERS = [role for role in Role if role is not Role.PILOTE]


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
def test_other_roles_are_refused_and_nothing_changes(client, auth, role):
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
    import re

    service = make_service()
    auth.login(Role.PILOTE)
    for url in ("/admin/config/services", f"/admin/config/services/{service.id}/edit",
                f"/admin/config/services/{service.id}/questions", "/admin/config/locations/new",
                "/admin/config/communications", "/admin/config/public-page"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url
