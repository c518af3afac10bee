"""The daytime window (COM-4): when a message the patient did not just ask for may go out.

A confirmation the citizen has just asked for (and a password reset) goes at once; every
planned communication and every notice staff caused waits for the window's start, in the
planner's time zone (America/Toronto by default), so that nobody is woken at night.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from ..models import UPCOMING_STATUSES, Appointment
from ..timeutil import planner_zone
from .timing import BEFORE, send_window

# Sent the moment they are queued: the person has just asked for them.
AT_ONCE = frozenset({"confirmation", "password_reset"})
UPCOMING = UPCOMING_STATUSES
MOVED = "moved"
# Checked again just before sending: never for a cancelled, moved or past appointment.
ABOUT_UPCOMING = frozenset(BEFORE | {MOVED})


def occurrence(appointment: Appointment) -> str:
    """The key of the appointment's current occurrence: its start, UTC."""
    return occurrence_of(appointment.starts_at)


def occurrence_of(starts_at: datetime) -> str:
    return starts_at.isoformat(timespec="minutes")


def in_window(kind: str) -> bool:
    """Whether messages of this kind wait for the daytime window."""
    return kind not in AT_ONCE


def next_open(at: datetime) -> datetime:
    """`at` itself when it falls inside the window, else the window's next start (UTC)."""
    start, end = send_window()
    zone = planner_zone()
    local = at.astimezone(zone)
    if start <= local.hour <= end:
        return at
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    # Built from the wall clock, so a daylight-saving day still opens at `start` o'clock.
    opens = datetime.combine(day, time(start), tzinfo=zone)
    return opens.astimezone(UTC)
