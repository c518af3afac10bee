"""Hostile input over the whole URL map: every role and anonymous, every rule, hostile path,
query and form values. Nothing answers 500, nothing raises, a refused request changes
nothing (issue 13)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Appointment, ScheduleBlock, Slot
from webapp.timeutil import local_today

from .conftest import AuthActions
from .factories import make_world

# The names views read from query strings and forms, each given hostile values.
PARAMS = ("location", "from", "to", "step", "date", "day", "team", "service", "services",
          "q1", "q2", "version", "page", "view", "source", "edit", "hours", "slot", "open",
          "per_slot", "start", "end", "start_time", "end_time", "role_id", "id", "lang",
          "next", "postal_code", "coupon", "email", "birth_date", "days", "user", "patient",
          "action", "target", "direction", "active", "capacity", "until", "dates")

# "%FF" stands for invalid UTF-8: it is sent percent-encoded, as bytes.
HOSTILE = (
    "²", "١٢", "9" * 5000, "99999999999999999999", "-1", "2147483648", "a\x00b", "%FF",
    "x" * 100_000, "9999-12-31", "0001-01-01", "2021-02-30", "2026-03-08T02:30", "25:99",
    "1e309", "",
)

ROLES: tuple[Role | None, ...] = (None, Role.PILOTE, Role.GESTION1, Role.GESTION2,
                                  Role.GESTION3, Role.CONSULTATION1, Role.CONSULTATION2)

hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30),
                    st.integers(min_value=-(10**30), max_value=10**30).map(str))


def rules(app: Flask) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"),
                  key=lambda r: r.rule)


def fill(rule: Any, value: str) -> str | None:
    """The rule's URL with each argument set to `value` (a small valid id for int converters
    when `value` is not a number the converter takes), or None when it cannot be built."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = value or "x"
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # noqa: BLE001 - a value the converter refuses: try the next
        return None


def snapshot() -> tuple[int, ...]:
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(Appointment)),
            db.session.scalar(select(func.sum(Slot.booked))) or 0,
            db.session.scalar(select(func.count()).select_from(ScheduleBlock)),
            db.session.scalar(select(func.max(ScheduleBlock.version))) or 0)


@pytest.fixture
def world_app(app: Flask) -> Iterator[Flask]:
    world = make_world(days_ahead=2)
    world.add_block(local_today() + timedelta(days=3))
    yield app


def encoded(value: str) -> str:
    return "%FF%FE" if value == "%FF" else quote(value, safe="")


def client_as(app: Flask, role: Role | None) -> Any:
    client = app.test_client()
    if role is not None:
        AuthActions(client).login(role)
    return client


def rotated(values: tuple[str, ...], shift: int) -> str:
    """A query string giving each name another hostile value (one request tries many)."""
    return "&".join(f"{name}={encoded(values[(i + shift) % len(values)])}"
                    for i, name in enumerate(PARAMS))


def probe(client: Any, method: str, url: str, query: str) -> Any:
    if method == "GET":
        return client.get(url, query_string=query)
    return client.open(url, method=method, query_string=query, data=query,
                       content_type="application/x-www-form-urlencoded")


def assert_sound(response: Any, what: tuple[str, ...], before: tuple[int, ...]) -> None:
    body = response.get_data().decode("utf-8", "replace")  # an Excel export is binary
    assert response.status_code < 500, (*what, response.status_code)
    assert "Traceback" not in body, what
    if response.status_code >= 400:
        assert snapshot() == before, ("a refused request changed data", *what)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_no_500_on_hostile_values_for_every_rule(world_app, role):
    client = client_as(world_app, role)
    for rule in rules(world_app):
        for shift in (0, len(HOSTILE) // 2):
            value = HOSTILE[shift]
            url = fill(rule, value)
            if url is None or "logout" in rule.rule:
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                before = snapshot()
                query = rotated(HOSTILE, shift)
                assert_sound(probe(client, method, url, query), (method, url, str(shift)),
                             before)


@pytest.mark.parametrize("role", (None, Role.PILOTE, Role.GESTION1),
                         ids=lambda r: r.value if r else "anonymous")
def test_no_500_on_any_value_hypothesis(world_app, role):
    client = client_as(world_app, role)
    all_rules = [r for r in rules(world_app) if "logout" not in r.rule]

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(rule=st.sampled_from(all_rules), value=hostile,
           names=st.lists(st.sampled_from(PARAMS), min_size=1, max_size=6, unique=True),
           post=st.booleans())
    def run(rule: Any, value: str, names: list[str], post: bool) -> None:
        url = fill(rule, value)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if url is None or not methods:
            return
        method = methods[-1] if post else methods[0]
        before = snapshot()
        query = "&".join(f"{name}={encoded(value)}" for name in names)
        assert_sound(probe(client, method, url, query), (method, url, repr(value[:40])), before)

    run()
