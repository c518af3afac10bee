"""The citizen's booking journey: eligibility, date, time, hold, details, confirmation,
confirm, cancel (PUB-3..PUB-9), through the test client."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    Appointment,
    EligibilityAnswer,
    EligibilityQuestion,
    Message,
    Organization,
    Slot,
)
from webapp.timeutil import local_today

from .factories import make_block, make_location, make_service, make_team
from .helpers import text

DAY = local_today() + timedelta(days=3)


@pytest.fixture
def setup(app):
    return journey_world()


def journey_world():
    """A service with one eligibility question, bookable online at four single-place times."""
    org = db.session.get(Organization, 1)
    org.online_booking_open = True
    service = make_service(instructions_fr="Apportez votre carte.", horizon_days=30)
    question = EligibilityQuestion(text_fr="18 ans ou plus?", text_en="18 or older?", answers=[
        EligibilityAnswer(text_fr="Oui", text_en="Yes", eligible=True, position=1),
        EligibilityAnswer(text_fr="Non", text_en="No", eligible=False, position=2)])
    service.questions.append(question)
    location = make_location()
    team = make_team(locations=[location], services=[service])
    block = make_block(location, team, [service], DAY, "09:00", "10:00", per_slot=1)
    db.session.commit()
    yes, no = question.answers
    return {"service": service, "location": location, "block": block, "question": question,
            "yes": yes, "no": no, "slot": block.slots[0]}


def _q(s, answer):
    return {f"q{s['question'].id}": answer.id}


def test_not_eligible_answer_stops_the_journey(client, setup):
    s = setup
    url = f"/book/{s['location'].id}/{s['service'].id}/dates"
    response = client.get(url, query_string=_q(s, s["no"]))
    assert response.status_code == 200 and "pas admissible" in text(response)
    assert "Choisir une heure" not in text(response)
    missing = client.get(url)
    assert missing.status_code == 400 and "toutes les questions" in text(missing)


def test_dates_then_times_then_hold_then_details_then_booked(client, setup):
    s = setup
    base = f"/book/{s['location'].id}/{s['service'].id}"
    dates = client.get(base + "/dates", query_string=_q(s, s["yes"]))
    assert DAY.isoformat() in text(dates)
    times = client.get(f"{base}/{DAY.isoformat()}", query_string=_q(s, s["yes"]))
    assert "9 h 00" in text(times) and "9 h 45" in text(times)
    response = client.post("/book/hold", data={"slot": s["slot"].id, "service": s["service"].id,
                                               **_q(s, s["yes"])})
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[-1]
    assert db.session.get(Slot, s["slot"].id).booked == 1  # held
    details = client.get(f"/hold/{token}")
    assert "Cette heure est réservée pour vous : il reste" in text(details)
    missing = client.post(f"/hold/{token}", data={"first_name": "Marie"})
    assert missing.status_code == 422
    assert "Acceptez les termes" in text(missing)
    # last name, birth date: in the summary and beside each field
    assert text(missing).count("Ce champ est obligatoire") == 4
    done = client.post(f"/hold/{token}", data={
        "first_name": "Marie", "last_name": "Côté", "birth_date": "1950-02-03",
        "email": "marie@example.org", "send_email": "1", "consent": "1"})
    assert done.status_code == 302
    confirmation = client.get(done.headers["Location"])
    shown = text(confirmation)
    appointment = db.session.scalar(select(Appointment))
    assert appointment.coupon in shown and "Apportez votre carte." in shown
    assert appointment.status == "booked" and appointment.consent_at is not None
    assert db.session.get(Slot, s["slot"].id).booked == 1
    message = db.session.scalar(select(Message).where(Message.channel == "email"))
    assert message.recipient == "marie@example.org" and appointment.coupon in message.body
    link = re.search(r"http://localhost(/r/\S+)", message.body).group(1)
    assert client.get(link).headers["Location"].endswith(f"/appointment/{appointment.token}")


def _book(client, s, slot=None, **patient):
    slot = slot or s["slot"]
    response = client.post("/book/hold", data={"slot": slot.id, "service": s["service"].id,
                                               **_q(s, s["yes"])})
    token = response.headers["Location"].rsplit("/", 1)[-1]
    data = {"first_name": "Jean", "last_name": "Roy", "birth_date": "1960-01-01",
            "consent": "1", **patient}
    client.post(f"/hold/{token}", data=data)
    return db.session.scalar(select(Appointment).where(Appointment.token == token))


def test_confirm_and_cancel_are_posts_and_cancel_frees_the_place(client, setup):
    s = setup
    appointment = _book(client, s)
    token = appointment.token
    assert client.get(f"/appointment/{token}/confirm").status_code == 405
    client.post(f"/appointment/{token}/confirm")
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "confirmed"
    client.post(f"/appointment/{token}/cancel")
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "cancelled"
    assert db.session.get(Slot, s["slot"].id).booked == 0
    assert client.post(f"/appointment/{token}/cancel").status_code == 302  # twice: harmless
    assert db.session.get(Slot, s["slot"].id).booked == 0


def test_cancel_by_number_needs_the_second_detail(client, setup):
    s = setup
    appointment = _book(client, s, email="jean@example.org")
    wrong = client.post("/cancel", data={"coupon": appointment.coupon, "second": "1961-01-01"})
    unknown = client.post("/cancel", data={"coupon": "ZZZZZZ", "second": "1960-01-01"})
    assert wrong.status_code == unknown.status_code == 404
    assert text(wrong).count("Aucun rendez-vous ne correspond") == 1
    assert text(unknown).count("Aucun rendez-vous ne correspond") == 1
    for second in ("1960-01-01", "JEAN@example.org"):
        ok = client.post("/cancel", data={"coupon": appointment.coupon.lower(), "second": second})
        assert ok.status_code == 302 and appointment.token in ok.headers["Location"]


def test_the_last_place_taken_meanwhile_offers_the_nearest_times(client, app, setup):
    s = setup
    other = app.test_client()
    _book(other, s)  # someone else takes the 9:00 place
    response = client.post("/book/hold", data={"slot": s["slot"].id,
                                               "service": s["service"].id, **_q(s, s["yes"])})
    assert response.status_code == 409
    shown = text(response)
    assert "vient d'être prise" in shown and "9 h 15" in shown
    total = db.session.scalar(select(func.count()).select_from(Appointment))
    assert total == 1


def test_a_new_choice_releases_the_previous_hold(client, setup):
    s = setup
    first, second = s["block"].slots[0], s["block"].slots[1]
    client.post("/book/hold", data={"slot": first.id, "service": s["service"].id,
                                    **_q(s, s["yes"])})
    client.post("/book/hold", data={"slot": second.id, "service": s["service"].id,
                                    **_q(s, s["yes"])})
    db.session.expire_all()
    assert db.session.get(Slot, first.id).booked == 0
    assert db.session.get(Slot, second.id).booked == 1


def test_back_releases_the_hold(client, setup):
    s = setup
    response = client.post("/book/hold", data={"slot": s["slot"].id,
                                               "service": s["service"].id, **_q(s, s["yes"])})
    token = response.headers["Location"].rsplit("/", 1)[-1]
    back = client.post(f"/hold/{token}/release")
    assert back.status_code == 302 and DAY.isoformat() in back.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Slot, s["slot"].id).booked == 0


def test_calendar_file(client, setup):
    appointment = _book(client, setup)
    response = client.get(f"/appointment/{appointment.token}/calendar.ics")
    assert response.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in response.data and appointment.coupon.encode() in response.data


@pytest.mark.parametrize("path", ["/appointment/not-a-token", "/appointment/" + "a" * 22,
                                  "/hold/xyz", "/r/zz", "/book/1/999/dates",
                                  "/book/abc/1/dates"])
def test_tampered_tokens_and_ids_are_404(client, setup, path):
    assert client.get(path, follow_redirects=True).status_code == 404


def test_bad_date_and_bad_slot_are_clear(client, setup):
    s = setup
    base = f"/book/{s['location'].id}/{s['service'].id}"
    assert client.get(f"{base}/2026-13-45", query_string=_q(s, s["yes"])).status_code == 404
    assert client.post("/book/hold", data={"slot": "abc", "service": s["service"].id}
                       ).status_code == 404
    assert client.post("/book/hold", data={"slot": s["slot"].id, "service": s["service"].id}
                       ).status_code == 400  # answers missing: tampered form


def test_invalid_details_change_nothing(client, setup):
    s = setup
    response = client.post("/book/hold", data={"slot": s["slot"].id,
                                               "service": s["service"].id, **_q(s, s["yes"])})
    token = response.headers["Location"].rsplit("/", 1)[-1]
    bad = client.post(f"/hold/{token}", data={
        "first_name": "<script>alert(1)</script>", "last_name": "Roy",
        "birth_date": "2999-01-01", "email": "nope", "send_email": "1", "consent": "1"})
    assert bad.status_code == 422
    raw = bad.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw
    assert db.session.scalar(select(Appointment).where(Appointment.token == token)
                             ).status == "held"


def test_journey_closed_when_online_booking_is_off(client, setup):
    s = setup
    db.session.get(Organization, 1).online_booking_open = False
    db.session.commit()
    dates = client.get(f"/book/{s['location'].id}/{s['service'].id}/dates",
                       query_string=_q(s, s["yes"]))
    assert DAY.isoformat() not in text(dates)
    response = client.post("/book/hold", data={"slot": s["slot"].id,
                                               "service": s["service"].id, **_q(s, s["yes"])})
    assert response.status_code == 409
    assert "La prise de rendez-vous en ligne est fermée pour le moment." in text(response)


def test_sms_confirmation_carries_the_short_link(client, setup):
    appointment = _book(client, setup, cell_phone="418 555-0199", send_sms="1")
    sms = db.session.scalar(select(Message).where(Message.channel == "sms"))
    assert sms is not None and f"/r/{appointment.token}" in sms.body
    assert len(sms.body) < 320


def test_public_posts_are_rate_limited_with_a_clear_page(tmp_path):
    from .conftest import make_app

    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/cancel", data={"coupon": "ABCDEF", "second": "x"}).status_code
             for _ in range(11)]
    assert codes[:10] == [404] * 10 and codes[10] == 429
    assert "Trop de tentatives" in client.post("/cancel", data={}).get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    assert "Too many attempts" in client.post("/cancel", data={}).get_data(as_text=True)


def test_each_time_is_shown_once_even_with_two_teams(client, setup):
    s = setup
    other_team = make_team("B", locations=[s["location"]], services=[s["service"]])
    make_block(s["location"], other_team, [s["service"]], DAY, "09:00", "10:00", per_slot=2)
    times = text(client.get(f"/book/{s['location'].id}/{s['service'].id}/{DAY.isoformat()}",
                            query_string=_q(s, s["yes"])))
    assert times.count(">9 h 00<") == 1 and times.count(">9 h 45<") == 1
