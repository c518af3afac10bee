"""Configuration > automated communications (CFG-6, §2.5) and the time-of-day hints."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.messaging.timing import send_hour, timing_hint
from webapp.models import CommunicationSetting

from .config_helpers import audit_entries
from .helpers import HX, text


@pytest.fixture
def pilot(auth):
    auth.login(Role.PILOTE)
    return auth


def setting(kind: str) -> CommunicationSetting:
    db.session.expire_all()
    return db.session.scalar(select(CommunicationSetting).where(CommunicationSetting.kind == kind))


def test_the_four_communications_are_listed(client, pilot):
    page = text(client.get("/admin/config/communications"))
    for label in ("Premier rappel", "Second rappel", "Relance suite à une absence",
                  "Relance suite à une annulation"):
        assert label in page
    assert "24 heures avant le rendez-vous" in page and "24 heures après l'annulation" in page


def test_edit_in_place_delay_and_channels(client, pilot):
    form = client.get("/admin/config/communications/reminder_1/edit", headers=HX)
    text = form.get_data(as_text=True)
    assert '<li id="communication-reminder_1" class="item editing">' in text
    assert 'hx-get="/admin/config/communications/reminder_1/hint"' in text
    response = client.post("/admin/config/communications/reminder_1/edit", headers=HX, data={
        "active": "y", "hours": "48", "by_sms": "y", "by_email": "y"})
    row = response.get_data(as_text=True)
    assert '<li id="communication-reminder_1" class="item">' in row and "Enregistré" in row
    assert "48 heures avant le rendez-vous" in row and "même moment de la journée" in row
    saved = setting("reminder_1")
    assert (saved.active, saved.hours, saved.by_sms, saved.by_email) == (True, 48, True, True)
    [entry] = audit_entries("communication.updated")
    assert entry.details["changes"]["hours"] == [24, 48] and entry.details["kind"] == "reminder_1"


def test_plain_post_redirects(client, pilot):
    response = client.post("/admin/config/communications/followup_absent/edit", data={
        "active": "y", "hours": "2", "by_email": "y"})
    assert response.status_code == 302
    assert setting("followup_absent").hours == 2


def test_a_delay_that_sends_at_night_is_explained(client, pilot):
    response = client.post("/admin/config/communications/reminder_2/edit", headers=HX, data={
        "active": "y", "hours": "12", "by_sms": "y"})
    row = text(response)
    assert "hint-warn" in row and "3 h 00" in row and "15 h 00" in row
    assert "multiple de 24 heures" in row
    hint = client.get("/admin/config/communications/reminder_2/hint?hours=36", headers=HX)
    assert "3 h 00" in hint.get_data(as_text=True)
    assert client.get("/admin/config/communications/reminder_2/hint?hours=abc").status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"active": "y", "hours": "0", "by_sms": "y"}, "Le délai est de 1 à 336 heures."),
    ({"active": "y", "hours": "-4", "by_sms": "y"}, "Le délai est de 1 à 336 heures."),
    ({"active": "y", "hours": "1000", "by_sms": "y"}, "Le délai est de 1 à 336 heures."),
    ({"active": "y", "hours": "10000", "by_sms": "y"}, "Le délai est de 1 à 336 heures."),
    ({"active": "y", "hours": "99999999999999999999", "by_sms": "y"},
     "Entrez un nombre entier d'heures"),
    ({"active": "y", "hours": "1.5", "by_sms": "y"}, "Entrez un nombre entier d'heures"),
    ({"active": "y", "hours": "", "by_sms": "y"}, "Entrez le délai en heures."),
    ({"active": "y", "hours": "24"}, "Choisissez SMS, courriel ou les deux"),
])
def test_bad_input_is_refused_and_saves_nothing(client, pilot, data, message):
    for headers in ({}, HX):
        response = client.post("/admin/config/communications/reminder_1/edit", headers=headers,
                               data=data)
        assert message in text(response)
    saved = setting("reminder_1")
    assert (saved.active, saved.hours) == (False, 24)
    assert audit_entries("communication.updated") == []


def test_toggle(client, pilot):
    row = client.post("/admin/config/communications/followup_cancelled/active", headers=HX,
                      data={"active": "1"})
    assert 'aria-checked="true"' in row.get_data(as_text=True)
    assert setting("followup_cancelled").active is True
    assert client.post("/admin/config/communications/followup_cancelled/active",
                       data={"active": "x"}).status_code == 400


def test_cannot_turn_on_a_message_without_a_channel(client, pilot):
    row = setting("reminder_1")
    row.by_email = row.by_sms = False
    db.session.commit()
    response = client.post("/admin/config/communications/reminder_1/active", headers=HX,
                           data={"active": "1"})
    assert "Choisissez SMS, courriel ou les deux" in response.get_data(as_text=True)
    assert setting("reminder_1").active is False


def test_unknown_kind_is_404(client, pilot):
    assert client.get("/admin/config/communications/reminder_9/edit").status_code == 404
    assert client.post("/admin/config/communications/nope/active",
                       data={"active": "1"}).status_code == 404
    assert client.get("/admin/config/communications/nope/hint?hours=2").status_code == 404


def test_a_missing_setting_row_is_made_on_save(client, pilot):
    db.session.delete(setting("reminder_2"))
    db.session.commit()
    assert "Second rappel" in client.get("/admin/config/communications").get_data(as_text=True)
    client.post("/admin/config/communications/reminder_2/edit", data={
        "active": "y", "hours": "24", "by_sms": "y"})
    assert setting("reminder_2").by_sms is True


def test_timing_hints(app):
    with app.test_request_context():
        assert timing_hint("reminder_1", 48).level == "ok"
        assert timing_hint("reminder_1", 12).level == "warn"  # 15:00 -> 03:00
        assert timing_hint("reminder_1", 2).level == "warn"  # 09:00 -> 07:00, before 8:00
        assert timing_hint("reminder_1", 3).level == "warn"  # 09:00 -> 06:00
        assert timing_hint("followup_absent", 2).level == "info"  # 19:00 -> 21:00 at the latest
        assert timing_hint("followup_absent", 6).level == "warn"  # 19:00 -> 01:00
        assert timing_hint("followup_cancelled", 24).level == "ok"
        assert timing_hint("reminder_1", 0) is None
    assert send_hour("reminder_1", 15, 12) == 3 and send_hour("followup_absent", 19, 6) == 1
