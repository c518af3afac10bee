"""Slot arithmetic (webapp/scheduling/slots.py): counts, contiguity, and the days the clocks change."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from webapp.scheduling.slots import (
    capacity,
    local_clock,
    minutes_of,
    slot_count,
    slot_starts,
    to_utc,
    unusable_minutes,
    wall_starts,
)

TORONTO = ZoneInfo("America/Toronto")
SPRING = date(2026, 3, 8)  # 02:00 -> 03:00
FALL = date(2026, 11, 1)  # 02:00 -> 01:00


def clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def test_the_guides_examples():
    assert capacity(time(9), time(13), 15, 1) == 16
    assert capacity(time(7), time(15), 15, 4) == 128
    assert capacity(time(9), time(9, 40), 15, 1) == 2
    assert unusable_minutes(time(9), time(9, 40), 15) == 10
    assert unusable_minutes(time(9), time(13), 15) == 0


blocks = st.tuples(st.integers(0, 1438), st.integers(1, 1439)).filter(lambda t: t[0] < t[1])
durations = st.sampled_from([5, 10, 15, 20, 30, 45, 60])
days = st.dates(date(2024, 1, 1), date(2030, 12, 31))


@given(blocks, durations, st.integers(1, 50))
def test_count_is_whole_slots_times_places(block, duration, per_slot):
    start, end = clock(block[0]), clock(block[1])
    length = block[1] - block[0]
    assert slot_count(start, end, duration) == length // duration
    assert capacity(start, end, duration, per_slot) == (length // duration) * per_slot
    assert unusable_minutes(start, end, duration) == length % duration


@given(blocks, durations)
def test_wall_slots_are_contiguous_and_inside_the_block(block, duration):
    start, end = clock(block[0]), clock(block[1])
    starts = [minutes_of(t) for t in wall_starts(start, end, duration)]
    assert starts == list(range(block[0], block[0] + len(starts) * duration, duration))
    if starts:
        assert starts[0] == block[0]
        assert starts[-1] + duration <= block[1]
        assert block[1] - (starts[-1] + duration) < duration  # nothing usable left over


@given(days, blocks, durations)
def test_slots_follow_the_wall_clock_on_every_day(day, block, duration):
    start, end = clock(block[0]), clock(block[1])
    slots = slot_starts(day, start, end, duration, TORONTO)
    walls = wall_starts(start, end, duration)
    locals_ = [s.local for s in slots]
    assert len(set(locals_)) == len(locals_)  # none doubled
    assert set(locals_) <= set(walls)  # none outside the block
    for s in slots:
        assert s.ends_at - s.starts_at == timedelta(minutes=duration)
        assert local_clock(s.starts_at, TORONTO) == s.local  # the instant shows that wall time
        assert s.starts_at.astimezone(TORONTO).date() == day
    assert [s.starts_at for s in slots] == sorted(s.starts_at for s in slots)
    missing = [t for t in walls if t not in locals_]
    # Only a spring-forward gap loses slots, and only the wall times that do not exist.
    assert all(to_utc(day, t, TORONTO) is None for t in missing)


@given(st.sampled_from([date(2025, 6, 1), date(2026, 1, 15), date(2026, 9, 9)]), blocks, durations)
def test_on_ordinary_days_slots_are_contiguous_in_real_time(day, block, duration):
    slots = slot_starts(day, clock(block[0]), clock(block[1]), duration, TORONTO)
    assert len(slots) == slot_count(clock(block[0]), clock(block[1]), duration)
    for before, after in zip(slots, slots[1:], strict=False):
        assert before.ends_at == after.starts_at


def utc(hour: int, minute: int, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_spring_forward_day_has_no_slot_in_the_gap():
    slots = slot_starts(SPRING, time(0), time(4), 15, TORONTO)
    assert len(slots) == 12  # 16 wall-clock slots, 4 of them at 02:xx that do not exist
    assert not any(s.local.hour == 2 for s in slots)
    by_local = {s.local: s for s in slots}
    assert by_local[time(1, 45)].starts_at == utc(6, 45, SPRING)  # EST, UTC-5
    assert by_local[time(3, 0)].starts_at == utc(7, 0, SPRING)  # EDT, UTC-4
    assert by_local[time(1, 45)].ends_at == by_local[time(3, 0)].starts_at


def test_fall_back_day_has_one_slot_per_wall_time():
    slots = slot_starts(FALL, time(0), time(4), 15, TORONTO)
    assert len(slots) == 16
    assert len({s.starts_at for s in slots}) == 16
    by_local = {s.local: s for s in slots}
    assert by_local[time(1, 0)].starts_at == utc(5, 0, FALL)  # first occurrence, EDT
    assert by_local[time(1, 45)].starts_at == utc(5, 45, FALL)
    assert by_local[time(2, 0)].starts_at == utc(7, 0, FALL)  # EST from here


def test_a_whole_block_in_the_gap_holds_nothing():
    assert slot_starts(SPRING, time(2), time(3), 15, TORONTO) == []
    assert capacity(time(2), time(3), 15, 1) == 4  # the wall-clock calculator still says 4


def test_the_grid_stylesheet_is_up_to_date():
    """static/calendar-grid.css is generated: regenerate it after changing the script."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "calendar_grid_css.py"
    spec = importlib.util.spec_from_file_location("calendar_grid_css", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.OUT.read_text() == module.css()
