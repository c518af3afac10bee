"""Editing a block that a clone created (issue: "editing a cloned block resets partly booked
slots to full places"), through the real views: the clone copies what is left of each slot,
so a block may hold slots with fewer places than its "places per slot"; editing another
field keeps each slot's places, changing the places per slot sets them all, and a slot never
holds more bookings than places."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from webapp import booking
from webapp.extensions import db
from webapp.models import ScheduleBlock, Slot
from webapp.timeutil import planner_zone

from .factories import patient_data, slots_of, take_places
from .helpers import HX, text
from .test_schedules_views import DAY, TODAY, block_form, world  # noqa: F401  (fixture)

SOURCE = TODAY - timedelta(days=3)


def _cloned(client, world):  # noqa: F811
    """The source 09:00-10:00, 3 places per 15-minute slot, 2 taken at 09:00; cloned onto
    DAY: one block whose 09:00 slot has the 1 place left."""
    source = world.add_block(SOURCE, "09:00", "10:00", per_slot=3)
    take_places(slots_of(source)[0], world.service, 2)
    response = client.post("/admin/schedules/clone", data={
        "location": world.location.id, "source": SOURCE.isoformat(), "target": [DAY.isoformat()]})
    assert response.status_code == 200
    block = db.session.scalars(select(ScheduleBlock).where(ScheduleBlock.day == DAY)).one()
    assert (block.start_time, block.end_time, block.per_slot_capacity) == (time(9), time(10), 3)
    assert [s.capacity for s in slots_of(block)] == [1, 3, 3, 3]
    return block


def _places(block):
    db.session.expire_all()
    return [(s.capacity, s.booked) for s in slots_of(db.session.get(ScheduleBlock, block.id))]


def _edit(client, world, block, **changes):  # noqa: F811
    values = {"version": str(db.session.get(ScheduleBlock, block.id).version),
              "start": "09:00", "end": "10:00", "per_slot": "3", **changes}
    return client.post(f"/admin/schedules/blocks/{block.id}/edit",
                       data=block_form(world, **values))


def test_a_longer_cloned_block_keeps_each_slots_places(client, world):  # noqa: F811
    block = _cloned(client, world)
    slots = slots_of(block)
    booking.book(booking.BookingRequest(slots[0], world.service, patient_data(1)))  # 09:00 full
    booking.book(booking.BookingRequest(slots[1], world.service, patient_data(2)))
    assert _edit(client, world, block, end="10:30").status_code == 302
    assert _places(block) == [(1, 1), (3, 1), (3, 0), (3, 0), (3, 0), (3, 0)]
    offered = booking.find_availability(world.service, world.location, DAY, online=True)
    assert time(9) not in [s.starts_at.astimezone(planner_zone()).time() for s in offered]
    with pytest.raises(booking.SlotFull):  # the place the clone left is taken: none more
        booking.book(booking.BookingRequest(db.session.get(Slot, slots[0].id), world.service,
                                            patient_data(3)))
    assert _places(block)[0] == (1, 1)


def test_the_dialog_names_the_slots_with_fewer_places(client, world):  # noqa: F811
    block = _cloned(client, world)
    page = text(client.get(f"/admin/schedules/blocks/{block.id}/edit", headers=HX))
    assert "Slots with fewer places: 09:00 (1)." in page


def test_changing_the_places_per_slot_sets_every_slot(client, world):  # noqa: F811
    block = _cloned(client, world)
    booking.book(booking.BookingRequest(slots_of(block)[0], world.service, patient_data(1)))
    assert _edit(client, world, block, per_slot="4").status_code == 302
    assert _places(block) == [(4, 1), (4, 0), (4, 0), (4, 0)]
    # lowering below what a slot holds is refused, nothing changed
    take_places(db.session.get(Slot, slots_of(block)[1].id), world.service, 3)  # 09:15: 3 of 4
    refused = _edit(client, world, block, per_slot="2")
    assert "09:15 (3 booked)" in text(refused)
    assert _places(block) == [(4, 1), (4, 3), (4, 0), (4, 0)]


def test_a_shorter_cloned_block_keeps_the_first_slots_places(client, world):  # noqa: F811
    block = _cloned(client, world)
    assert _edit(client, world, block, end="09:30", online_open="").status_code == 302
    assert _places(block) == [(1, 0), (3, 0)]
    assert not any(s.online_open for s in slots_of(db.session.get(ScheduleBlock, block.id)))
