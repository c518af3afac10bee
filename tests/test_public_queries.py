"""The citizen's pages cost a fixed, small number of queries, whatever the planner holds
(issue 15): the opening rush multiplies each one by every phone."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from webapp.extensions import db

from .factories import make_block, make_location, make_service, make_team
from .test_public_booking import DAY, _q, setup  # noqa: F401  (the fixture)

TIMES_PAGE = 6  # location+service+association, questions, answers, organization, teams'
#                 answers, slots
DETAILS_PAGE = 2  # the hold with its slot, service and location; organization


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
