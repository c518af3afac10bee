"""What one internet address or one person may hold and book online (issue 13, point 4:
one address held 30 places a minute, about six held a pharmacy's week)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp import booking
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Appointment, Service, Slot
from webapp.timeutil import local_today

from .factories import make_block
from .helpers import text
from .test_public_booking import DAY, _q, journey_world

ADDRESS = "203.0.113.50"


@pytest.fixture
def journey(app):
    return journey_world()
TOO_MANY_HOLDS = "Plusieurs heures sont déjà retenues depuis cette connexion"
TOO_MANY_BOOKINGS = "Le nombre de rendez-vous"


def _slots(s):
    """Eight single-place times: the fixture's four and four more."""
    extra = make_block(s["location"], s["block"].team, [s["service"]], DAY, "10:00", "11:00",
                       per_slot=1)
    db.session.commit()
    return [*s["block"].slots, *extra.slots]


def _hold(client, s, slot, address=ADDRESS):
    return client.post("/book/hold", data={"slot": slot.id, "service": s["service"].id,
                                           **_q(s, s["yes"])},
                       environ_base={"REMOTE_ADDR": address})


def _book(client, s, slot, first_name, address=ADDRESS, birth_date="1980-05-05"):
    response = _hold(client, s, slot, address)
    assert response.status_code == 302, text(response)
    token = response.headers["Location"].rsplit("/", 1)[-1]
    return client.post(f"/hold/{token}", data={
        "first_name": first_name, "last_name": "Roy", "birth_date": birth_date, "consent": "1"},
        environ_base={"REMOTE_ADDR": address})


def _held() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.sum(Slot.booked))) or 0


def test_one_address_holds_at_most_three_places_at_once(app, journey):
    slots = _slots(journey)
    browsers = [app.test_client() for _ in range(5)]  # a bot opening new sessions
    codes = [_hold(browser, journey, slot).status_code
             for browser, slot in zip(browsers, slots, strict=False)]
    assert codes == [302, 302, 302, 409, 409]
    assert _held() == 3
    refused = _hold(app.test_client(), journey, slots[5])
    assert TOO_MANY_HOLDS in text(refused)
    # someone else, elsewhere, still holds a place
    assert _hold(app.test_client(), journey, slots[6], "198.51.100.1").status_code == 302


def test_one_session_taking_time_after_time_keeps_one_hold(client, journey):
    slots = _slots(journey)
    for slot in slots[:6]:  # each new choice releases the previous: never refused
        assert _hold(client, journey, slot).status_code == 302
    assert _held() == 1


def test_a_family_behind_one_address_books_a_few_appointments(app, journey):
    slots = _slots(journey)
    for slot, name in zip(slots, ("Marie", "Paul", "Léa", "Jean", "Luc"), strict=False):
        assert _book(app.test_client(), journey, slot, name).status_code == 302
    booked = db.session.scalar(select(func.count()).select_from(Appointment)
                               .where(Appointment.status == "booked"))
    assert booked == 5


def test_bookings_a_day_from_one_address_are_capped(app, journey):
    app.config["PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY"] = 2
    slots = _slots(journey)
    _book(app.test_client(), journey, slots[0], "Marie")
    _book(app.test_client(), journey, slots[1], "Paul")
    refused = _hold(app.test_client(), journey, slots[2])
    assert refused.status_code == 409 and TOO_MANY_BOOKINGS in text(refused)
    assert _held() == 2
    assert _hold(app.test_client(), journey, slots[2], "198.51.100.2").status_code == 302


def test_bookings_a_day_for_one_person_are_capped_whatever_the_address(app, journey):
    app.config["PUBLIC_BOOKINGS_PER_PERSON_PER_DAY"] = 1
    slots = _slots(journey)
    assert _book(app.test_client(), journey, slots[0], "Marie").status_code == 302
    refused = _book(app.test_client(), journey, slots[1], "Marie", "198.51.100.3")
    assert refused.status_code == 409 and TOO_MANY_BOOKINGS in text(refused)
    assert _held() == 1  # the refused hold gave its place back


def test_staff_see_an_address_that_books_unusually_many(app, journey, client, auth):
    app.config["PUBLIC_BOOKINGS_ALERT_PER_ADDRESS"] = 3
    slots = _slots(journey)
    for slot, name in zip(slots, ("Marie", "Paul", "Léa"), strict=False):
        _book(app.test_client(), journey, slot, name)
    _book(app.test_client(), journey, slots[3], "Luc", "198.51.100.4")
    auth.login(Role.PILOTE)
    page = text(client.get("/admin/messages/", query_string={"day": local_today().isoformat()}))
    assert "Une même connexion a pris 3 rendez-vous en ligne" in page


def test_simultaneous_holds_from_one_address_never_pass_the_cap(any_db_app):
    """Twelve requests from one address at once (SQLite and PostgreSQL): three holds."""
    from .factories import make_world
    from .test_booking_races import _run_threads

    world = make_world(days_ahead=1, per_slot=2)
    slot_ids, service_id = [s.id for s in world.slots[:12]], world.service.id

    def attempt(i):
        slot, service = db.session.get(Slot, slot_ids[i]), db.session.get(Service, service_id)
        try:
            booking.hold(booking.BookingRequest(slot, service, online=True, client="k" * 32))
            return "held"
        except booking.TooManyHolds:
            return "refused"

    results, errors = _run_threads(any_db_app, len(slot_ids), attempt)
    assert errors == []
    assert sorted(results) == ["held"] * 3 + ["refused"] * 9
    assert _held() == 3
