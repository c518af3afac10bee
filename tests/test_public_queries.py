"""The citizen's pages cost a fixed, small number of queries, whatever the planner holds
(issue 15): the opening rush multiplies each one by every phone."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from webapp.extensions import db

from .factories import make_block, make_location, make_service, make_team
from .test_public_booking import DAY, _q, setup  # noqa: F401  (the fixture)

TIMES_PAGE = 4  # location+service+association with its questions and answers (was 3
#                 queries), organization, teams' answers, slots
DETAILS_PAGE = 2  # the hold with its slot, service and location; organization
# slot; location+service+association with questions and answers; organization; the one
# rule query; the answers the team serves; the address's bookings today (cap); the write:
# BEGIN, the address's holds (cap), take the seat, patient, appointment (nothing read back)
HOLD_POST = 11
# the hold with its place; questions, answers; previous dose; organization; the answers
# the team serves; the person's bookings today (cap); the write: BEGIN, duplicate check,
# appointment, patient, audit, message
DETAILS_POST = 13
CONFIRMATION_PAGE = 3  # the appointment with place and patient; recipients; organization
#                        (was 4)


@contextmanager
def statements():
    seen: list[str] = []

    def capture(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def _more(s, teams):
    """Other teams, locations and services: none may add a query to the citizen's pages."""
    for n in range(teams):
        other = make_location(f"Pharmacie {n}")
        team = make_team(f"Équipe {n}", locations=[s["location"], other],
                         services=[s["service"], make_service(f"Service {n}")])
        make_block(s["location"], team, [s["service"]], DAY, "09:00", "12:00", per_slot=3)
    db.session.commit()


@pytest.mark.parametrize("teams", [0, 4])
def test_times_page_queries(client, setup, teams):  # noqa: F811
    s = setup
    _more(s, teams)
    url = f"/book/{s['location'].id}/{s['service'].id}/{DAY.isoformat()}"
    answers = _q(s, s["yes"])
    client.get(url, query_string=answers)
    db.session.expunge_all()
    with statements() as seen:
        response = client.get(url, query_string=answers)
    assert response.status_code == 200 and "9 h 00" in response.get_data(as_text=True)
    assert len(seen) == TIMES_PAGE, "\n".join(seen)


@pytest.mark.parametrize("teams", [0, 4])
def test_details_page_queries(client, setup, teams):  # noqa: F811
    s = setup
    _more(s, teams)
    response = client.post("/book/hold", data={"slot": s["slot"].id, "service": s["service"].id,
                                               **_q(s, s["yes"])})
    path = response.headers["Location"]
    db.session.expunge_all()
    with statements() as seen:
        response = client.get(path)
    assert response.status_code == 200 and 'class="hold-alert"' in response.get_data(as_text=True)
    assert len(seen) == DETAILS_PAGE, "\n".join(seen)


def test_the_one_query_check_keeps_the_association_rule(client, setup):  # noqa: F811
    """A location no team serves for this service, or a service no team gives there: 404,
    as the full public search decided before the check became one query."""
    s = setup
    elsewhere = make_location("Sans équipe")
    other = make_service("Autre service")
    make_team("Autre équipe", locations=[elsewhere], services=[other])
    db.session.commit()
    answers = _q(s, s["yes"])
    for location, service in ((elsewhere, s["service"]), (s["location"], other)):
        url = f"/book/{location.id}/{service.id}/{DAY.isoformat()}"
        assert client.get(url, query_string=answers).status_code == 404
        assert client.get(f"/location/{location.id}/{service.id}").status_code == 404
    assert client.get(f"/location/{elsewhere.id}/{other.id}").status_code == 200


def _held(client, form):
    return client.post("/book/hold", data=form).headers["Location"]


def _hold_form(s):
    return {"slot": s["slot"].id, "service": s["service"].id, **_q(s, s["yes"])}


@pytest.mark.parametrize("teams", [0, 4])
def test_hold_post_queries(client, setup, teams):  # noqa: F811
    s = setup
    _more(s, teams)
    form = _hold_form(s)
    db.session.expunge_all()
    with statements() as seen:
        path = _held(client, form)
    assert "/hold/" in path
    assert len(seen) == HOLD_POST, "\n".join(seen)


def test_details_post_and_confirmation_queries(client, setup):  # noqa: F811
    s = setup
    path = _held(client, _hold_form(s))
    db.session.expunge_all()
    with statements() as seen:
        response = client.post(path, data={
            "first_name": "Marie", "last_name": "Côté", "birth_date": "1950-02-03",
            "email": "marie@example.org", "consent": "1"})
    assert response.status_code == 302
    assert len(seen) == DETAILS_POST, "\n".join(seen)
    db.session.expunge_all()
    with statements() as seen:
        page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'class="qr"' in page.get_data(as_text=True)
    assert len(seen) == CONFIRMATION_PAGE, "\n".join(seen)


def test_the_qr_path_draws_exactly_the_codes_dark_modules():
    """The <path> written by hand covers the library's matrix, module for module."""
    import re

    import qrcode

    from webapp.booking.coupon_qr import BORDER, MASK, qr_svg

    code = qrcode.QRCode(border=BORDER, mask_pattern=MASK)
    code.add_data("AC3-DEF-9XY")
    code.make(fit=True)
    matrix = code.get_matrix()
    drawn = [[False] * len(matrix) for _ in matrix]
    for x, y, run in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", str(qr_svg("AC3-DEF-9XY", "x"))):
        for dx in range(int(run)):
            drawn[int(y)][int(x) + dx] = True
    assert drawn == [list(row) for row in matrix]
