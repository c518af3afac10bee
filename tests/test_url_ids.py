"""Ids in URLs: absurdly large or odd values are 404, never a 500 (any view, any method)."""
from __future__ import annotations

import pytest

from webapp.accounts.roles import Role

HUGE = "99999999999999999999"
# Two rules share each of these paths, one for GET and one for POST. The POST rule refuses
# the impossible id, and Werkzeug then answers for the GET rule whose pattern matched: 405.
METHOD_NOT_ALLOWED = {("POST", "/admin/appointments/<int:appointment_id>/edit"),
                      ("POST", "/admin/config/resources/accounts/<int:user_id>/roles")}


@pytest.mark.parametrize("role", [Role.PILOTE, Role.GESTION1])
def test_huge_ids_in_every_url_are_not_found(app, client, auth, role):
    auth.login(role)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", HUGE).replace(f"<{name}>", "x")
        for method in ("GET", "POST"):
            if method in rule.methods:
                expected = 405 if (method, rule.rule) in METHOD_NOT_ALLOWED else 404
                assert client.open(url, method=method).status_code == expected, (method, url)
                checked += 1
    assert checked > 20
