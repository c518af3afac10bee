"""Counts that read right in French (issue 17, point 2): plural rules, never "(s)"."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale

from webapp.accounts.roles import Role
from webapp.booking.errors import CapacityBelowBooked
from webapp.scheduling.blocks import _slot_list
from webapp.timeutil import local_today

from .factories import make_world, take_places


def test_booked_counts_follow_french_plural_rules(app):
    world = make_world(days_ahead=2)
    slots = world.slots
    take_places(slots[0], world.service, 1)
    take_places(slots[1], world.service, 2)
    with app.test_request_context(), force_locale("fr_CA"):
        assert _slot_list(slots[:2]) == "09:00 (1 réservé), 09:15 (2 réservés)"
        assert "au 1 déjà réservé." in str(CapacityBelowBooked(1).message)
        assert "aux 2 déjà réservés." in str(CapacityBelowBooked(2).message)


def test_places_left_are_in_words_in_both_calendars(client, auth):
    world = make_world(days_ahead=2, per_slot=4)
    take_places(world.slots[0], world.service, 1)
    auth.login(Role.GESTION1)
    for screen in ("schedules", "appointments"):
        page = client.get(f"/admin/{screen}/?location={world.location.id}"
                          f"&date={local_today() + timedelta(days=2)}").get_data(as_text=True)
        assert "47 restants sur 48" in page, screen  # the block and the day's head
        assert not re.search(r"\b47/48\b", page), screen


def test_french_elides_de_before_a_vowel_or_h(app):
    from webapp.formatting import of_name

    with app.test_request_context(), force_locale("fr_CA"):
        assert of_name("Amélie Roy") == "d'Amélie Roy"
        assert of_name("Hélène Roy") == "d'Hélène Roy"
        assert of_name("Jean Roy") == "de Jean Roy"
    with app.test_request_context(), force_locale("en"):
        assert of_name("Amélie Roy") == "of Amélie Roy"


def test_permissions_page_says_d_amelie(client, auth):
    from .factories import make_user

    amelie = make_user(Role.GESTION1, "amelie@test.example", first_name="Amélie")
    auth.login(Role.PILOTE)
    page = client.get(f"/admin/config/resources/accounts/{amelie.id}/roles")
    body = page.get_data(as_text=True).replace("&#39;", "'")
    assert "Liste des permissions d'Amélie" in body and "de Amélie" not in body
