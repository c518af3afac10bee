"""The citizen's booking as good as the best public services (issue 16): what was sent is
said, a double tap costs nothing, one hold per browser session."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp import booking
from webapp.extensions import db
from webapp.formatting import masked_email, masked_phone
from webapp.models import Appointment, Message, Slot

from .helpers import text
from .test_public_booking import _q, setup  # noqa: F401  (the journey's fixture)


def _hold(client, s, slot=None, attempt="tap-1"):
    slot = slot or s["slot"]
    return client.post("/book/hold", data={"slot": slot.id, "service": s["service"].id,
                                           "attempt": attempt, **_q(s, s["yes"])})


def _token(response):
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_masks_show_enough_to_recognise_a_contact():
    assert masked_email("gaston@example.org") == "g…@example.org"
    assert masked_phone("418 555-0123") == "418 ***-0123"
    assert masked_phone("1 418 555-0123 ext. 12") == "418 ***-0123"
    assert masked_email("nonsense") == "…"


def test_confirmation_goes_to_every_contact_given_and_the_page_says_so(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    done = client.post(f"/hold/{token}", data={
        "first_name": "Gaston", "last_name": "Roy", "birth_date": "1950-02-03",
        "email": "gaston@example.org", "cell_phone": "418 555-0123", "consent": "1"})
    page = re.sub(r"<[^>]+>", "", text(client.get(done.headers["Location"])))
    channels = sorted(db.session.scalars(select(Message.channel)).all())
    assert channels == ["email", "sms"]
    assert "Confirmation envoyée à g…@example.org et au 418 ***-0123." in page
    assert "gaston@example.org" not in page


def test_without_contact_the_page_says_nothing_was_sent(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    done = client.post(f"/hold/{token}", data={
        "first_name": "Gaston", "last_name": "Roy", "birth_date": "1950-02-03", "consent": "1"})
    client.post("/lang", data={"lang": "en"})
    page = text(client.get(done.headers["Location"]))
    assert "No confirmation was sent: keep your confirmation number." in page
    assert db.session.scalar(select(Message)) is None


def test_a_double_tap_on_the_last_place_is_one_hold(client, app, setup):  # noqa: F811
    first = _token(_hold(client, setup))
    # the second tap of a slow connection: the browser never saw the first answer's cookie
    again = _token(_hold(app.test_client(), setup))
    assert again == first
    assert db.session.get(Slot, setup["slot"].id).booked == 1
    assert len(db.session.scalars(select(Appointment)).all()) == 1
    # the same tap once the first answer arrived: the session's own hold
    assert _token(_hold(client, setup, attempt="another-page")) == first


def test_a_new_hold_releases_the_previous_one_of_the_session(client, setup):  # noqa: F811
    slots = setup["block"].slots
    first = _token(_hold(client, setup, slots[0]))
    second = _token(_hold(client, setup, slots[1], attempt="tap-2"))
    assert first != second
    assert db.session.get(Slot, slots[0].id).booked == 0
    assert db.session.get(Slot, slots[1].id).booked == 1


def test_a_key_names_one_hold_until_it_ends(app, setup):  # noqa: F811
    s = setup
    request = booking.BookingRequest(s["slot"], s["service"], online=True,
                                     eligibility={str(s["question"].id): s["yes"].id})
    held = booking.hold(request, key="k")
    assert booking.hold(request, key="k").id == held.id
    booking.release_hold(held)
    again = booking.hold(request, key="k")
    assert again.id != held.id and again.token != held.token
    assert db.session.get(Slot, s["slot"].id).booked == 1


def _expire_and_give_away(app, s, token):
    held = db.session.scalar(select(Appointment).where(Appointment.token == token))
    booking.release_hold(held)  # as the job does once the 10 minutes are over
    other = app.test_client()
    _token(_hold(other, s, attempt="someone-else"))


def test_details_say_the_time_left_in_words_without_a_live_clock(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    page = client.get(f"/hold/{token}").get_data(as_text=True)
    assert "Cette heure est réservée pour vous : il reste " in text(client.get(f"/hold/{token}"))
    assert "9 minutes" in page or "10 minutes" in page
    assert 'role="status" data-warning="Il reste moins de 2 minutes' in page
    assert 'class="hold" role="status"' not in page


def test_after_expiry_the_page_says_the_ten_minutes_ran_out_and_keeps_the_details(
        client, app, setup):  # noqa: F811
    s = setup
    token = _token(_hold(client, s))
    _expire_and_give_away(app, s, token)
    typed = {"first_name": "Gaston", "last_name": "Roy", "birth_date": "1950-02-03",
             "email": "gaston@example.org", "consent": "1"}
    lost = client.post(f"/hold/{token}", data=typed)
    assert lost.status_code == 409
    page = text(lost)
    assert "Vos 10 minutes sont écoulées" in page and "prise par quelqu'un" not in page
    assert "9 h 00" in page  # the lost time is named
    html = lost.get_data(as_text=True)
    assert 'name="keep_first_name" value="Gaston"' in html
    other = s["block"].slots[1]
    chosen = client.post("/book/hold", data={
        "slot": other.id, "service": s["service"].id, "attempt": "after",
        **_q(s, s["yes"]), **{f"keep_{k}": v for k, v in typed.items()}})
    assert chosen.status_code == 200
    form = chosen.get_data(as_text=True)
    assert 'value="Gaston"' in form and 'value="gaston@example.org"' in form
    held = db.session.scalar(select(Appointment).where(Appointment.slot_id == other.id))
    assert f'action="/hold/{held.token}"' in form  # saving books the new time
    assert db.session.get(Slot, other.id).booked == 1


def test_errors_are_summarised_with_links_to_the_fields(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    response = client.post(f"/hold/{token}", data={"first_name": "Gaston",
                                                   "birth_date": "31 smarch 1948"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index(
        'class="error-summary"'))]
    assert "autofocus" in summary
    assert re.findall(r'href="#(f-\w+)"', summary) == ["f-last_name", "f-birth_date", "f-consent"]
    assert "Date de naissance : Inscrivez une date comme 12/05/1948" in summary
    assert 'id="f-birth_date" name="birth_date"' in html and 'aria-describedby="e-birth_date"' in html


def test_birth_date_typed_the_quebec_way_books(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    done = client.post(f"/hold/{token}", data={"first_name": "Gaston", "last_name": "Roy",
                                               "birth_date": "12 mai 1948", "consent": "1"})
    assert done.status_code == 302
    appointment = db.session.scalar(select(Appointment).where(Appointment.token == token))
    assert appointment.patient.birth_date.isoformat() == "1948-05-12"
    found = client.post("/cancel", data={"coupon": appointment.coupon, "second": "12/05/1948"})
    assert found.status_code == 302


def test_cancel_lookup_mismatch_marks_both_fields_and_hints(client, setup):  # noqa: F811
    response = client.post("/cancel", data={"coupon": "ACD479", "second": "12/05/1948"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert html.count('aria-invalid="true"') == 2
    assert 'aria-describedby="h-second e-lookup"' in html
    assert "Vérifiez le numéro de confirmation" in text(response)


def test_confirmation_page_right_after_booking_then_cancelled(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    done = client.post(f"/hold/{token}", data={"first_name": "Gaston", "last_name": "Roy",
                                               "birth_date": "1950-02-03", "consent": "1"})
    fresh = client.get(done.headers["Location"])
    html = fresh.get_data(as_text=True)
    assert "Confirmer mon rendez-vous" not in text(fresh)  # the booking is finished
    assert 'aria-label="Code QR du numéro de confirmation' in html
    later = client.get(f"/appointment/{token}")
    assert "Confirmer mon rendez-vous" in text(later)
    client.post(f"/appointment/{token}/cancel")
    cancelled = text(client.get(f"/appointment/{token}"))
    assert "Prendre un autre rendez-vous" in cancelled
    assert "Apportez votre carte." not in cancelled  # no instructions for a cancelled one


def test_switching_language_keeps_the_typed_details(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    switched = client.post(f"/hold/{token}", data={"first_name": "Gaston", "email": "g@x.org",
                                                   "switch_lang": "en"})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and "Your details" in html
    assert 'value="Gaston"' in html and 'value="g@x.org"' in html
    assert "This field is required" not in html  # nothing was checked, nothing saved
    assert db.session.scalar(select(Appointment).where(Appointment.token == token)
                             ).status == "held"
    assert "Your details" in text(client.get(f"/hold/{token}"))  # the language stays


def test_another_time_keeps_the_typed_details_in_hidden_fields(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    back = client.post(f"/hold/{token}/release", data={"first_name": "Gaston",
                                                       "birth_date": "05/12/1948"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'name="keep_first_name" value="Gaston"' in html
    assert db.session.scalar(select(Appointment).where(Appointment.token == token)
                             ).status != "held"  # the place is given back at once
    empty = client.post(f"/hold/{_token(_hold(client, setup, attempt='tap-2'))}/release")
    assert empty.status_code == 302  # nothing typed: the plain times page


def test_an_ambiguous_birth_date_is_said_as_read_before_booking(client, setup):  # noqa: F811
    token = _token(_hold(client, setup))
    typed = {"first_name": "Gaston", "last_name": "Roy", "birth_date": "05/12/1948",
             "consent": "1"}
    first = client.post(f"/hold/{token}", data=typed)
    assert first.status_code == 422 and "Lu comme le 5 décembre 1948" in text(first)
    again = client.post(f"/hold/{token}", data={**typed, "birth_date_read": "05/12/1948"})
    assert again.status_code == 302
