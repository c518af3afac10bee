"""Bad input on every configuration screen gets its message in English for an English user,
and nothing in French leaks into those messages."""
from __future__ import annotations

import pytest

from webapp.accounts.roles import Role
from webapp.models import User

from .config_helpers import location_data, public_page_data, service_data
from .factories import make_service, make_user
from .helpers import text

ACCOUNT = {"language": "en", "colour": "#9e9e9e", "category": "nurse", "first_name": "Ann",
           "last_name": "Smith", "phone": "418 555-0100", "planner_access": "y",
           "email": "ann@test.example", "password": "abc", "confirm": "abc",
           "limit_access": "y", "access_start": "2030-05-02", "access_end": "2030-05-01"}


@pytest.fixture
def english_pilot(client, auth):
    auth.login(Role.PILOTE)
    client.post("/lang", data={"lang": "en"})
    return client



@pytest.mark.parametrize("url, data, messages", [
    ("/admin/config/services/new", service_data(name_fr="", duration_minutes="-5"),
     ["Enter the name in French.", "The duration is between 1 and 480 minutes."]),
    ("/admin/config/locations/new", location_data(postal_code="X0X 0X0"),
     ["The area X0X of this postal code is unknown"]),
    ("/admin/config/locations/new", location_data(postal_code="G8B 1M"),
     ["Enter a Canadian postal code, for example G8B 1M4."]),
    ("/admin/config/communications/reminder_1/edit", {"active": "y", "hours": "1.5"},
     ["Enter a whole number of hours, for example 48."]),
    ("/admin/config/public-page", public_page_data(email="nope", phone="12"),
     ["Enter a valid email address", "Enter a valid phone number"]),
    ("/admin/config/resources/teams/new", {"name": " ", "colour": "red"},
     ["Enter the team's name.", "Choose a colour (#rrggbb)."]),
    ("/admin/config/resources/accounts/new", ACCOUNT,
     ["At least 8 characters", "The end date must be on or after the start date."]),
])
def test_messages_next_to_the_fields_in_english(english_pilot, url, data, messages):
    page = text(english_pilot.post(url, data=data))
    for message in messages:
        assert message in page
    assert "Entrez" not in page and "Rien n'a été enregistré" not in page
    assert User.by_email("ann@test.example") is None


def test_role_dates_in_english(english_pilot):
    user = make_user(Role.CONSULTATION2, "nurse@test.example")
    page = text(english_pilot.post(f"/admin/config/resources/accounts/{user.id}/roles", data={
        "add-role": "gestion1", "add-starts_on": "2030-05-02", "add-ends_on": "2030-05-01"}))
    assert "The end date must be on or after the start date." in page
    assert [r.role for r in user.roles] == ["consultation2"]


def test_question_messages_in_english(english_pilot):
    service = make_service()
    page = text(english_pilot.post(f"/admin/config/services/{service.id}/questions/new", data={
        "text_fr": "", "text_en": "Are you 18?", "answers-0-text_fr": "Oui",
        "answers-0-text_en": "Yes", "answers-0-eligible": "y"}))
    assert "Enter the question in French." in page
