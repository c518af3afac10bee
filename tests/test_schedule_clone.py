"""Cloning a day's remaining availability (webapp/scheduling/cloning.py, guide §3.3)."""
from __future__ import annotations

import time as clock
from datetime import date, time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditLog, ScheduleBlock, Slot
from webapp.scheduling.blocks import BlockInvalid
from webapp.scheduling.cloning import clone_day
from webapp.timeutil import local_today

from .factories import make_world, slots_of, take_places

TODAY = local_today()  # frozen for the app by the fixture
TYPICAL = TODAY - timedelta(days=18)  # in the past: nobody can book it


@pytest.fixture(autouse=True)
def english(app):
    """The messages are checked in English (the French ones are in the catalog)."""
    with force_locale("en"):
        yield


@pytest.fixture
def world(app):
    app.config["TODAY"] = TODAY
    return make_world()


def blocks_on(day):
    return list(db.session.scalars(select(ScheduleBlock).where(ScheduleBlock.day == day)
                                   .order_by(ScheduleBlock.team_id, ScheduleBlock.start_time)))


def test_a_typical_day_is_copied_with_teams_services_and_padlocks(world):
    world.add_block(TYPICAL, "09:00", "12:00", per_slot=4,
                    services=[world.service, world.other_service])
    world.add_block(TYPICAL, "13:00", "15:10", per_slot=2, online_open=False)
    world.add_block(TYPICAL, "09:00", "12:00", per_slot=3, team=world.other_team)
    targets = [TODAY, TODAY + timedelta(days=1)]
    report = clone_day(world.location, TYPICAL, targets, TODAY)
    db.session.commit()
    assert [(d.day, d.blocks, d.places) for d in report.days] == [
        (TODAY, 3, 48 + 16 + 36), (TODAY + timedelta(days=1), 3, 100)]
    copied = blocks_on(TODAY)
    assert [(b.team_id, b.start_time, b.end_time, b.per_slot_capacity, b.online_open)
            for b in copied] == [
        (world.team.id, time(9), time(12), 4, True),
        (world.team.id, time(13), time(15, 10), 2, False),
        (world.other_team.id, time(9), time(12), 3, True)]
    assert {s.id for s in copied[0].services} == {world.service.id, world.other_service.id}
    assert not any(s.online_open for s in slots_of(copied[1]))
    assert all(s.day == TODAY and s.booked == 0 for s in slots_of(copied[0]))
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "schedule.cloned")).one()
    assert audit.details["places"] == 200


def test_only_the_remaining_availability_is_copied(world):
    block = world.add_block(TYPICAL, "09:00", "10:00", per_slot=3)
    slots = slots_of(block)  # 09:00 09:15 09:30 09:45
    take_places(slots[0], world.service, 3)  # full: not copied
    take_places(slots[2], world.service, 1)  # 2 left
    report = clone_day(world.location, TYPICAL, [TODAY], TODAY)
    db.session.commit()
    assert report.places == 3 + 2 + 3
    copied = blocks_on(TODAY)  # one block: the partly booked slot keeps its 2 places
    assert [(b.start_time, b.end_time, b.per_slot_capacity) for b in copied] == [
        (time(9, 15), time(10), 3)]
    assert [s.capacity for s in slots_of(copied[0])] == [3, 2, 3]


def test_a_booking_at_14_15_leaves_one_block_per_source_block(world):
    """Issue 17, point 8: 13:00-16:00 with one booking at 14:15 was cut into three blocks."""
    world.add_block(TYPICAL, "08:00", "12:00", per_slot=2)
    afternoon = world.add_block(TYPICAL, "13:00", "16:00", per_slot=2)
    take_places(slots_of(afternoon)[5], world.service)  # 14:15
    targets = [TODAY + timedelta(days=i) for i in range(5)]
    report = clone_day(world.location, TYPICAL, targets, TODAY)
    db.session.commit()
    assert report.blocks == 2 * 5
    assert [(b.start_time, b.end_time) for b in blocks_on(TODAY)] == [
        (time(8), time(12)), (time(13), time(16))]
    assert [s.capacity for s in slots_of(blocks_on(TODAY)[1])][4:7] == [2, 1, 2]


def test_adjacent_blocks_of_one_team_services_places_and_padlock_are_merged(world):
    world.add_block(TYPICAL, "09:00", "10:00", per_slot=2)
    world.add_block(TYPICAL, "10:00", "11:00", per_slot=2)
    world.add_block(TYPICAL, "11:00", "12:00", per_slot=1)  # another number per slot
    world.add_block(TYPICAL, "12:00", "13:00", per_slot=1, online_open=False)
    clone_day(world.location, TYPICAL, [TODAY], TODAY)
    db.session.commit()
    copied = blocks_on(TODAY)
    assert [(b.start_time, b.end_time, b.per_slot_capacity, b.online_open)
            for b in copied] == [(time(9), time(11), 2, True), (time(11), time(12), 1, True),
                                 (time(12), time(13), 1, False)]
    assert [s.capacity for s in slots_of(copied[0])] == [2] * 8


def test_a_fully_booked_source_has_nothing_to_copy(world):
    block = world.add_block(TYPICAL, "09:00", "09:30")
    for slot in slots_of(block):
        take_places(slot, world.service)
    with pytest.raises(BlockInvalid) as caught:
        clone_day(world.location, TYPICAL, [TODAY], TODAY)
    assert "fully booked" in caught.value.errors["source"]


@pytest.mark.parametrize("targets, field, words", [
    ([TODAY - timedelta(days=1), TODAY], "targets", "in the past"),
    ([TYPICAL + timedelta(days=10), TODAY + timedelta(days=3)], "targets", "in the past"),
    ([], "targets", "Tick at least one day"),
])
def test_past_days_are_refused_as_targets(world, targets, field, words):
    world.add_block(TYPICAL)
    with pytest.raises(BlockInvalid) as caught:
        clone_day(world.location, TYPICAL, targets, TODAY)
    assert words in caught.value.errors[field]
    db.session.rollback()
    assert len(blocks_on(TODAY)) == 0


def test_the_source_day_cannot_be_a_target(world):
    source = TODAY + timedelta(days=2)
    world.add_block(source)
    with pytest.raises(BlockInvalid) as caught:
        clone_day(world.location, source, [source, TODAY], TODAY)
    assert "also ticked as a target" in caught.value.errors["source"]


def test_a_day_with_an_overlapping_block_is_skipped_and_reported(world):
    world.add_block(TYPICAL, "09:00", "12:00")
    world.add_block(TODAY + timedelta(days=1), "11:00", "14:00")
    report = clone_day(world.location, TYPICAL, [TODAY, TODAY + timedelta(days=1)], TODAY)
    db.session.commit()
    assert [d.blocks for d in report.days] == [1, 0]
    assert "Équipe A already has a time block from 11:00 to 14:00" in report.days[1].skipped
    assert len(blocks_on(TODAY + timedelta(days=1))) == 1


def test_a_team_limited_role_copies_only_its_teams(world):
    world.add_block(TYPICAL)
    world.add_block(TYPICAL, team=world.other_team)
    report = clone_day(world.location, TYPICAL, [TODAY], TODAY, team_ids={world.other_team.id})
    assert report.blocks == 1 and blocks_on(TODAY)[0].team_id == world.other_team.id


def test_cloning_onto_the_day_the_clocks_spring_forward(world, app):
    app.config["TODAY"] = date(2026, 3, 1)  # pinned: the days the clocks change in 2026
    typical = date(2026, 2, 2)
    world.add_block(typical, "00:00", "04:00")
    report = clone_day(world.location, typical, [date(2026, 3, 8), date(2026, 11, 1)],
                       date(2026, 3, 1))
    db.session.commit()
    assert [d.places for d in report.days] == [12, 16]


def test_sixty_days_at_once(world):
    world.add_block(TYPICAL, "07:00", "15:00", per_slot=5)
    world.add_block(TYPICAL, "07:00", "15:00", per_slot=5, team=world.other_team)
    targets = [TODAY + timedelta(days=i) for i in range(60)]
    started = clock.perf_counter()
    report = clone_day(world.location, TYPICAL, targets, TODAY)
    db.session.commit()
    elapsed = clock.perf_counter() - started
    assert report.blocks == 120 and report.places == 60 * 320
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 64 + 60 * 64
    assert elapsed < 20  # bulk inserts: well under a second on a laptop
