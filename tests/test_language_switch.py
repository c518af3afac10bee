"""The header's language switch leads back to a page a GET can show, even from a page
rendered in answer to a POST (a time just taken, a form's errors): never to a POST-only
address that answers 405 (web.language_switch_next, the one rule)."""
from __future__ import annotations

import re

from webapp.accounts.roles import Role
from webapp.web import language_switch_next

from .helpers import text
from .test_public_booking import DAY, _book, _q, setup  # noqa: F401  (the journey's fixture)
from .test_public_citizen import _expire_and_give_away, _hold, _token


def _switch_next(response) -> str:
    """The `next` the header's switch sends, as the page carries it."""
    form = re.search(r'<form class="lang".*?</form>', response.get_data(as_text=True), re.S)
    assert form is not None, "no language switch form on the page"
    found = re.search(r'name="next" value="([^"]*)"', form.group(0))
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def test_the_race_page_switches_to_the_days_times(client, app, setup):  # noqa: F811
    s = setup
    _book(app.test_client(), s)  # someone else takes the 9:00 place
    race = client.post("/book/hold", data={"slot": s["slot"].id, "service": s["service"].id,
                                           **_q(s, s["yes"])})
    assert race.status_code == 409
    target = _switch_next(race)
    assert target.startswith(f"/book/{s['location'].id}/{s['service'].id}/{DAY.isoformat()}?")
    switched = client.post("/lang", data={"lang": "en", "next": target})
    assert switched.status_code == 302 and switched.headers["Location"] == target
    page = client.get(target)
    assert page.status_code == 200 and "Choose a time" in text(page)
    assert "9:15 a.m." in text(page)  # the times still offered, in English


def test_the_race_after_expiry_switches_with_the_details_typed(client, app, setup):  # noqa: F811
    s = setup
    token = _token(_hold(client, s))
    _expire_and_give_away(app, s, token)
    lost = client.post(f"/hold/{token}", data={"first_name": "Gaston", "last_name": "Roy",
                                               "birth_date": "1950-02-03", "consent": "1"})
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert 'form="kept-form"' in html and 'name="next"' not in html
    action = re.search(r'<form method="post" action="([^"]+)" id="kept-form">', html)
    assert action is not None
    kept = dict(re.findall(r'<input type="hidden" name="(keep_\w+)" value="([^"]*)">',
                           html[html.index('id="kept-form"'):]))
    assert kept["keep_first_name"] == "Gaston"
    switched = client.post(action.group(1).replace("&amp;", "&"),
                           data={**kept, "switch_lang": "en"})
    assert switched.status_code == 200
    page = text(switched)
    assert "Choose a time" in page and "Your details are kept" in page


def test_a_pages_own_address_when_it_answers_a_get(client):
    """The cancel look-up shown again with its error: the same address, which a GET shows."""
    missed = client.post("/cancel", data={"coupon": "ACD479", "second": "12/05/1948"})
    assert missed.status_code == 404
    assert _switch_next(missed) == "/cancel"
    assert client.get("/cancel").status_code == 200


def test_a_staff_form_shown_again_with_errors(client, auth):
    auth.login(Role.PILOTE)
    bad = client.post("/admin/config/personal-data/period", data={"retention_days": "abc"})
    assert bad.status_code == 422
    target = _switch_next(bad)
    assert target == "/admin/config/personal-data"  # /period answers POST only
    assert client.get(target).status_code == 200


def test_the_rule(app):
    cases = [
        ("GET", "/book/1/2/2030-01-02?q3=4", None, "/book/1/2/2030-01-02?q3=4"),
        ("POST", "/book/hold", "/book/1/2/2030-01-02", "/book/1/2/2030-01-02"),
        ("POST", "/book/hold", None, "/"),  # no page named: the nearest that answers a GET
        ("POST", "/cancel?x=1", None, "/cancel?x=1"),
        ("POST", "/admin/followup/bulk", None, "/admin/followup/"),
        ("POST", "/no/such/page", None, "/"),
    ]
    for method, url, back, expected in cases:
        with app.test_request_context(url, method=method):
            assert language_switch_next(back) == expected, (method, url)
