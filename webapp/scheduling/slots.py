"""Slot arithmetic: where the slots of a time block start, and how many places it holds.

A block runs from a start to an end time on the wall clock of the planner's time zone.
Its slots start every `duration` minutes of wall-clock time; the minutes left at the end
that cannot hold a whole appointment are unusable. On the days the clocks change, a wall
time that does not exist (spring forward) holds no slot, and a wall time that happens
twice (fall back) holds exactly one slot, at its first occurrence (fold=0).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60


def minutes_of(moment: time) -> int:
    """Minutes since midnight of a wall-clock time (seconds are ignored)."""
    return moment.hour * 60 + moment.minute


def clock(minutes: int) -> time:
    """The wall-clock time `minutes` after midnight (0 <= minutes < 1440)."""
    return time(minutes // 60, minutes % 60)


def length_minutes(start: time, end: time) -> int:
    """Wall-clock length of a block; zero or less when the end is not after the start."""
    return minutes_of(end) - minutes_of(start)


def slot_count(start: time, end: time, duration: int) -> int:
    """How many whole appointments of `duration` minutes fit between start and end."""
    if duration <= 0:
        raise ValueError("duration must be positive")
    return max(0, length_minutes(start, end)) // duration


def capacity(start: time, end: time, duration: int, per_slot: int) -> int:
    """Appointments a block holds: 09:00-13:00, 15 min, 1 per slot -> 16."""
    return slot_count(start, end, duration) * max(0, per_slot)


def unusable_minutes(start: time, end: time, duration: int) -> int:
    """Minutes at the end of a block too short for one more appointment."""
    if duration <= 0:
        raise ValueError("duration must be positive")
    return max(0, length_minutes(start, end)) % duration


def wall_starts(start: time, end: time, duration: int) -> list[time]:
    """The wall-clock start of every slot, ignoring time-zone changes."""
    first = minutes_of(start)
    return [clock(first + k * duration) for k in range(slot_count(start, end, duration))]


def to_utc(day: date, moment: time, zone: ZoneInfo) -> datetime | None:
    """The instant of a local wall-clock time, or None when that time does not exist.

    An ambiguous time (the repeated hour when the clocks fall back) is taken at its
    first occurrence (fold=0).
    """
    local = datetime.combine(day, moment, tzinfo=zone).replace(fold=0)
    instant = local.astimezone(UTC)
    back = instant.astimezone(zone)
    if (back.date(), back.hour, back.minute) != (day, moment.hour, moment.minute):
        return None  # skipped by a spring-forward change
    return instant


@dataclass(frozen=True)
class SlotTime:
    """One slot of a block: its local start, and its start and end instants (UTC)."""

    local: time
    starts_at: datetime
    ends_at: datetime


def slot_starts(day: date, start: time, end: time, duration: int,
                zone: ZoneInfo) -> list[SlotTime]:
    """The slots of a block on `day`, following the wall clock of `zone`."""
    step = timedelta(minutes=duration)
    slots = []
    for moment in wall_starts(start, end, duration):
        instant = to_utc(day, moment, zone)
        if instant is not None:
            slots.append(SlotTime(moment, instant, instant + step))
    return slots


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local day begins and the next one begins."""
    begin = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return begin, end


def local_clock(instant: datetime, zone: ZoneInfo) -> time:
    """The wall-clock time of an instant in `zone`."""
    local = instant.astimezone(zone)
    return time(local.hour, local.minute)
