"""Ids in URLs: absurdly large or odd values are 404, never a 500 (any view, any method)."""
from __future__ import annotations

import pytest

from webapp.accounts.roles import Role

HUGE = "99999999999999999999"


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
                assert client.open(url, method=method).status_code in (404, 405), (method, url)
                checked += 1
    assert checked > 20
