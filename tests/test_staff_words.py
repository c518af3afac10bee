"""Counts that read right in French (issue 17, point 2): plural rules, never "(s)"."""
from __future__ import annotations

from flask_babel import force_locale

from webapp.booking.errors import CapacityBelowBooked
from webapp.scheduling.blocks import _slot_list

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
