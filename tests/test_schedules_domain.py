"""Time blocks in the domain (webapp/scheduling/blocks.py): checks, slots, edits under bookings."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, ScheduleBlock, Slot
from webapp.scheduling.blocks import (
    BlockData,
    BlockHasBookings,
    BlockInvalid,
    ScheduleError,
    StaleBlock,
    create_block,
    delete_block,
    set_block_open,
    set_day_open,
    update_block,
)
from webapp.timeutil import local_today

from .factories import make_service, make_team, make_world, slots_of, take_places

DAY = local_today() + timedelta(days=10)
SUMMER = date(2026, 6, 10)  # pinned: Eastern Daylight Time, 07:00 is 11:00 UTC


@pytest.fixture(autouse=True)
def english(app):
    """The messages are checked in English (the French ones are in the catalog)."""
    with force_locale("en"):
        yield


@pytest.fixture
def world(app):
    return make_world()


def data(world, **changes):
    values = dict(location=world.location, team=world.team, day=DAY, start=time(9),
                  end=time(13), services=[world.service], per_slot=1, online_open=True)
    values.update(changes)
    return BlockData(**values)


def errors_of(world, **changes):
    with pytest.raises(BlockInvalid) as caught:
        create_block(data(world, **changes))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScheduleBlock)) == 0
    return caught.value.errors


def test_saving_a_block_materialises_its_slots(world):
    block = create_block(data(world, day=SUMMER, start=time(7), end=time(15), per_slot=4,
                              services=[world.service, world.other_service]))
    db.session.commit()
    slots = slots_of(block)
    assert len(slots) == 32 and sum(s.capacity for s in slots) == 128
    assert slots[0].starts_at == datetime(2026, 6, 10, 11, 0, tzinfo=UTC)  # 07:00 EDT
    assert all(s.day == SUMMER and s.location_id == world.location.id and s.online_open
               for s in slots)
    assert {s.id for s in block.services} == {world.service.id, world.other_service.id}
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_id == block.id)) \
        == "schedule_block.created"


@pytest.mark.parametrize("day, count", [(date(2026, 3, 8), 12), (date(2026, 11, 1), 16)])
def test_blocks_on_days_the_clocks_change(world, day, count):
    block = world.add_block(day, "00:00", "04:00")
    slots = slots_of(block)
    assert len(slots) == count
    assert len({s.starts_at for s in slots}) == count


@pytest.mark.parametrize("changes, field, words", [
    ({"start": time(13), "end": time(9)}, "end", "after the start"),
    ({"start": time(9), "end": time(9)}, "end", "after the start"),
    ({"start": time(22), "end": time(2)}, "end", "midnight"),
    ({"per_slot": 0}, "per_slot", "at least one"),
    ({"per_slot": -3}, "per_slot", "at least one"),
    ({"services": []}, "services", "at least one service"),
    ({"team": None}, "team", "Choose a team"),
    ({"start": time(9), "end": time(9, 10)}, "end", "shorter than one appointment"),
])
def test_bad_blocks_are_refused_with_a_message(world, changes, field, words):
    assert words in errors_of(world, **changes)[field]


def test_a_team_not_associated_with_the_location_is_refused(world):
    assert "not associated" in errors_of(world, location=world.other_location)["team"]


def test_a_service_the_team_does_not_offer_is_refused(world):
    other = make_service("Zona", duration=15)
    assert "is not offered" in errors_of(world, services=[world.service, other])["services"]


def test_services_of_different_durations_are_refused(world):
    long = make_service("Long", duration=20)
    world.team.services.append(long)
    db.session.commit()
    assert "same duration" in errors_of(world, services=[world.service, long])["services"]


def test_a_fixed_capacity_team_takes_one_appointment_per_slot(world):
    world.team.variable_capacity = False
    db.session.commit()
    assert "fixed capacity" in errors_of(world, per_slot=2)["per_slot"]


def test_a_team_limited_role_creates_only_for_its_teams(world):
    errors = errors_of(world, allowed_team_ids={world.other_team.id})
    assert "your own teams" in errors["team"]


def test_the_same_team_cannot_hold_two_overlapping_blocks(world):
    world.add_block(DAY, "09:00", "12:00")
    message = errors_of_after_one(world, start=time(11), end=time(14))["start"]
    assert "already has a time block from 09:00 to 12:00" in message
    everywhere = make_team("Volante", all_locations=True, all_services=True)
    world.add_block(DAY, "09:00", "12:00", team=everywhere)
    clash = errors_of_after_one(world, team=everywhere, location=world.other_location,
                                start=time(10), end=time(11), count=2)
    assert "Pharmacie A" in clash["start"]  # the same people cannot be at two places
    world.add_block(DAY, "12:00", "13:00")  # touching is not overlapping
    world.add_block(DAY, "09:00", "12:00", team=world.other_team)  # another team, side by side


def errors_of_after_one(world, count=1, **changes):
    with pytest.raises(BlockInvalid) as caught:
        create_block(data(world, **changes))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ScheduleBlock)) == count
    return caught.value.errors


def test_capacity_may_rise_after_bookings_and_the_slots_follow(world):
    block = world.add_block(DAY, per_slot=2)
    first = slots_of(block)[0]
    [appointment] = take_places(first, world.service)
    update_block(block, data(world, per_slot=5), block.version)
    db.session.commit()
    slots = slots_of(block)
    assert [s.capacity for s in slots] == [5] * 16
    assert slots[0].id == first.id and slots[0].booked == 1
    assert db.session.get(Appointment, appointment.id).slot_id == first.id
    assert block.version == 2


def test_capacity_below_what_is_booked_is_refused_naming_the_slots(world):
    block = world.add_block(DAY, per_slot=3)
    slots = slots_of(block)
    take_places(slots[1], world.service, 3)
    take_places(slots[4], world.service, 2)
    with pytest.raises(ScheduleError) as caught:
        update_block(block, data(world, per_slot=1), block.version)
    db.session.rollback()
    assert "09:15 (3 booked)" in caught.value.message
    assert "10:00 (2 booked)" in caught.value.message
    assert [s.capacity for s in slots_of(block)] == [3] * 16


def test_shortening_over_booked_slots_is_refused_and_over_free_ones_allowed(world):
    block = world.add_block(DAY)
    slots = slots_of(block)
    take_places(slots[-1], world.service)  # 12:45
    with pytest.raises(ScheduleError) as caught:
        update_block(block, data(world, end=time(12)), block.version)
    db.session.rollback()
    assert "12:45 (1 booked)" in caught.value.message
    assert len(slots_of(block)) == 16
    update_block(block, data(world, start=time(10)), block.version)
    db.session.commit()
    assert [s.id for s in slots_of(block)] == [s.id for s in slots[4:]]
    update_block(block, data(world, start=time(8), end=time(13, 30)), block.version)
    db.session.commit()
    after = slots_of(block)
    assert len(after) == 22 and after[8].id == slots[4].id and after[-3].booked == 1


def test_moving_a_booked_block_to_another_day_is_refused(world):
    block = world.add_block(DAY)
    take_places(slots_of(block)[0], world.service)
    with pytest.raises(ScheduleError):
        update_block(block, data(world, day=DAY + timedelta(days=1)), block.version)
    db.session.rollback()
    assert db.session.get(ScheduleBlock, block.id).day == DAY


def test_a_service_with_bookings_stays_in_the_block(world):
    block = world.add_block(DAY, services=[world.service, world.other_service])
    take_places(slots_of(block)[0], world.other_service)
    with pytest.raises(BlockInvalid) as caught:
        update_block(block, data(world, services=[world.service]), block.version)
    db.session.rollback()
    assert "keep this service" in caught.value.errors["services"]


def test_changing_the_team_moves_its_appointments_along(world):
    block = world.add_block(DAY)
    [appointment] = take_places(slots_of(block)[0], world.service)
    update_block(block, data(world, team=world.other_team), block.version)
    db.session.commit()
    assert {s.team_id for s in slots_of(block)} == {world.other_team.id}
    assert db.session.get(Appointment, appointment.id).team_id == world.other_team.id


def test_an_edit_from_an_older_copy_is_refused(world):
    block = world.add_block(DAY)
    seen = block.version
    update_block(block, data(world, per_slot=2), seen)  # the first tab saves
    db.session.commit()
    with pytest.raises(StaleBlock):
        update_block(block, data(world, per_slot=3), seen)  # the second tab
    db.session.rollback()
    assert [s.capacity for s in slots_of(block)] == [2] * 16


def test_deleting_a_block_with_bookings_needs_a_choice(world, app):
    block = world.add_block(DAY)
    slots = slots_of(block)
    [kept] = take_places(slots[0], world.service, send_email=True, email="lea@example.org")
    [other] = take_places(slots[1], world.service)
    with pytest.raises(BlockHasBookings) as caught:
        delete_block(block)
    assert caught.value.count == 2
    with pytest.raises(BlockInvalid):
        delete_block(block, cancel_appointments=True, reason=" ")
    db.session.rollback()
    assert delete_block(block, cancel_appointments=True, reason="Pharmacist ill",
                        user_id=None) == 2
    db.session.commit()
    assert db.session.get(ScheduleBlock, block.id) is None
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 0
    for appointment_id in (kept.id, other.id):
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment.status == "cancelled" and appointment.slot_id is None
        assert appointment.cancel_reason == "Pharmacist ill" and appointment.cancelled_at
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert actions.count("appointment.cancelled") == 2 and "schedule_block.deleted" in actions
    message = db.session.scalars(select(Message)).one()
    assert message.recipient == "lea@example.org" and kept.coupon in message.body


def test_deleting_a_free_block(world):
    block = world.add_block(DAY)
    assert delete_block(block) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 0


def test_padlocks_follow_the_block_and_the_day(world):
    block = world.add_block(DAY)
    other = world.add_block(DAY, team=world.other_team)
    set_block_open(block, False)
    db.session.commit()
    assert not any(s.online_open for s in slots_of(block))
    assert all(s.online_open for s in slots_of(other))
    assert set_day_open(world.location, DAY, False, team_ids={world.other_team.id}) == 1
    db.session.commit()
    assert not any(s.online_open for s in slots_of(other))
    assert set_day_open(world.location, DAY, True) == 2
    db.session.commit()
    assert all(s.online_open for s in slots_of(block) + slots_of(other))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(booked=st.lists(st.integers(0, 4), min_size=16, max_size=16),
       wanted=st.integers(1, 6))
def test_capacity_never_drops_below_what_is_booked(world, booked, wanted):
    db.session.execute(Slot.__table__.delete())
    db.session.execute(ScheduleBlock.__table__.delete())
    db.session.commit()
    block = world.add_block(DAY, per_slot=4)
    for slot, count in zip(slots_of(block), booked, strict=True):
        slot.booked = count  # booked by the engine (the counts are what matters here)
    db.session.commit()
    try:
        update_block(block, data(world, per_slot=wanted), block.version)
        db.session.commit()
        assert wanted >= max(booked)
    except ScheduleError:
        db.session.rollback()
        assert wanted < max(booked)
    slots = slots_of(block)
    assert all(s.booked <= s.capacity for s in slots)
    assert [s.booked for s in slots] == booked
