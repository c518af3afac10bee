"""The rollup of the statistics: the figures of the local days that have ended, stored per
day, location, service and team (webapp.models.statistics) so that a long period reads a
few thousand rows instead of every appointment. Never written by a booking: the job
(`roll`, hourly through the leader, webapp.jobs; `flask stats-rollup` for operators) rolls
each day once it has ended, a few days per transaction so SQLite's write lock is never held
long. Today and the upcoming days are always read live.

A write to a rolled-up day (attendance marked the next day, a late cancellation, the
retention purge, a block edited) fires a trigger that marks the day dirty (`stats_dirty`);
`part` reads a dirty day live, the day before and after it too (the mark is a UTC date),
until the job rolls it again. The triggers compare the row's day with the boundary and write
nothing for today's and upcoming rows, so a booking never waits for the rollup.

Advancing the boundary is one small transaction that also marks the new days dirty; rolling
a dirty day deletes its mark, then reads the day (on PostgreSQL the trigger's ON CONFLICT DO
UPDATE locks the mark, so the job's delete waits for a writer still at work on that day, and
its reads see that writer's change). A writer whose trigger read the old boundary may still
be at work when the boundary moves: on PostgreSQL the job waits (`_wait_for_writers`) until
every transaction in progress when the boundary moved has ended before it reads the newly
ended days (on SQLite writers take turns, so none can be).
"""
from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any, Optional

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Appointment,
    Slot,
    StatsCapacity,
    StatsDay,
    StatsDirty,
    StatsHour,
    StatsLead,
    StatsRollupState,
)
from ..timeutil import local_today, planner_zone
from . import queries as q
from .queries import Part, Scope, epoch_day, utc_start

DAYS_PER_TRANSACTION = 4
WAIT_SECONDS = 60.0  # for the writers at work when the boundary moved
MODELS = (StatsDay, StatsHour, StatsLead)


def _zone() -> str:
    return str(planner_zone().key)


def part(start: date, end: date) -> Part:
    """Which days of `start`..`end` are read live and which from the rollup (one query)."""
    rows = db.session.execute(
        sa.select(StatsRollupState.until, StatsRollupState.zone, StatsDirty.day)
        .outerjoin(StatsDirty, StatsDirty.day <= StatsRollupState.until)).all()
    until: Optional[date] = None
    marked: set[date] = set()
    for row in rows:
        if row.zone == _zone():
            until = row.until
            if row.day is not None:
                marked.add(row.day)
    if until is None or until <= start:
        return Part(live=((start, end),), rolled=None)
    last_rolled = min(end, until - timedelta(days=1))
    dirty = sorted({d + timedelta(days=k) for d in marked for k in (-1, 0, 1)
                    if start <= d + timedelta(days=k) <= last_rolled})
    ranges: list[tuple[date, date]] = []
    for day in dirty:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    if until <= end:
        ranges.append((until, end))
    return Part(live=tuple(ranges), rolled=(start, last_rolled), dirty=tuple(dirty))


# -- the job ----------------------------------------------------------------------------------

def _first_day() -> Optional[date]:
    """The first local day with a slot or an appointment."""
    first_slot = db.session.scalar(sa.select(sa.func.min(Slot.day)))
    first_start = db.session.scalar(sa.select(sa.func.min(Appointment.starts_at)))
    days = [d for d in (first_slot, first_start and first_start.astimezone(planner_zone()).date())
            if d is not None]
    return min(days) if days else None


def _wait_for_writers(timeout: float = WAIT_SECONDS) -> bool:
    """PostgreSQL: wait until every transaction in progress now (one whose trigger may have
    read the old boundary) has ended; False when some still runs after `timeout` seconds."""
    if db.engine.dialect.name != "postgresql":
        return True
    snapshot = db.session.scalar(sa.text("SELECT pg_current_snapshot()::text"))
    db.session.commit()
    waited_until = time.monotonic() + timeout
    while True:
        done = db.session.scalar(sa.text(
            "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= "
            "pg_snapshot_xmax(CAST(:snapshot AS pg_snapshot))"), {"snapshot": snapshot})
        db.session.commit()
        if done:
            return True
        if time.monotonic() > waited_until:
            return False
        time.sleep(0.05)


def advance(today: date) -> int:
    """Move the boundary to `today` (the days before it have ended) and mark the days it
    passes dirty, in one transaction; starts over when the planner's zone changed. Returns
    the days newly passed."""
    # A second run at once (the job and the command) waits here, then finds nothing to do.
    state = db.session.scalars(sa.select(StatsRollupState).with_for_update()
                               .execution_options(populate_existing=True)).first()
    zone = _zone()
    if state is not None and state.zone != zone:  # local days moved: start over
        for model in (*MODELS, StatsCapacity, StatsDirty):
            db.session.execute(sa.delete(model))
        db.session.delete(state)
        db.session.flush()
        state = None
    if state is None:
        first = _first_day() or today
        state = StatsRollupState(id=1, until=min(first, today), until_at=utc_start(today),
                                 zone=zone)
        db.session.add(state)
    passed = [state.until + timedelta(days=n) for n in range((today - state.until).days)]
    marked = set(db.session.scalars(sa.select(StatsDirty.day).where(StatsDirty.day >= state.until)))
    fresh = [{"day": day, "marks": 1} for day in passed if day not in marked]
    if fresh:
        db.session.execute(sa.insert(StatsDirty), fresh)
    state.until, state.until_at = max(state.until, today), utc_start(max(state.until, today))
    db.session.commit()
    return len(passed)


def _store(days: list[date]) -> None:
    """Replace the rollup's rows of `days` by their figures read live now."""
    ranges = tuple((day, day) for day in days)
    scope = Scope(days[0], days[-1])
    numbers = [epoch_day(day) for day in days]
    db.session.execute(sa.delete(StatsDay).where(StatsDay.epoch_day.in_(numbers)))
    for model in (StatsHour, StatsLead):
        db.session.execute(sa.delete(model).where(model.span == "d",
                                                  model.epoch_day.in_(numbers)))
    db.session.execute(sa.delete(StatsCapacity).where(StatsCapacity.day.in_(days)))
    keys = ("epoch_day", "location_id", "service_id", "team_id")
    rows: dict[tuple[int, ...], dict[str, Any]] = {}
    hours: list[dict[str, Any]] = []
    for row in db.session.execute(q.live_counts(scope, ranges)).mappings():
        key = (row["hour"] // 24, row["location_id"], row["service_id"], row["team_id"])
        day = rows.setdefault(key, dict(zip(keys, key, strict=True),
                                        **dict.fromkeys((*q.COUNT_NAMES, *q.REMINDER_NAMES), 0)))
        for name in q.COUNT_NAMES:
            day[name] += row[name]
        kept = row["booked"] - row["cancelled"]
        if kept:
            hours.append(dict(zip(keys, key, strict=True), span="d", hour=row["hour"] % 24,
                              kept=kept))
    for row in db.session.execute(q.live_reminders_by_group(scope, ranges)).mappings():
        rows[tuple(row[k] for k in keys)].update({n: row[n] for n in q.REMINDER_NAMES})
    if rows:
        db.session.execute(sa.insert(StatsDay), list(rows.values()))
    if hours:
        db.session.execute(sa.insert(StatsHour), hours)
    leads = [dict(row, span="d") for row in
             db.session.execute(q.live_leads(scope, ranges, by_group=True)).mappings()]
    if leads:
        db.session.execute(sa.insert(StatsLead), leads)
    blocks = [dict(row) for row in
              db.session.execute(q.live_capacity_by_block(scope, ranges)).mappings()]
    if blocks:
        db.session.execute(sa.insert(StatsCapacity), blocks)
    for first in sorted({day.replace(day=1) for day in days}):
        _store_month(first)


def _store_month(first: date) -> None:
    """The month's rows of the heat map and lead times, from its days' rows (read when the
    whole month is rolled up and none of its days is dirty)."""
    start = epoch_day(first)
    end = epoch_day(q.month_end(first))
    groups = (StatsHour.location_id, StatsHour.service_id, StatsHour.team_id)
    week_hour = (StatsHour.epoch_day * 24 + StatsHour.hour) % 168
    lead_groups = (StatsLead.location_id, StatsLead.service_id, StatsLead.team_id)
    for model, select in (
            (StatsHour, sa.select(sa.literal("m"), sa.literal(start), *groups, week_hour,
                                  sa.func.sum(StatsHour.kept))
             .where(StatsHour.span == "d", StatsHour.epoch_day.between(start, end))
             .group_by(*groups, week_hour)),
            (StatsLead, sa.select(sa.literal("m"), sa.literal(start), *lead_groups,
                                  StatsLead.hours, sa.func.sum(StatsLead.booked))
             .where(StatsLead.span == "d", StatsLead.epoch_day.between(start, end))
             .group_by(*lead_groups, StatsLead.hours))):
        db.session.execute(sa.delete(model).where(model.span == "m", model.epoch_day == start))
        columns = [c.name for c in model.__table__.columns]
        db.session.execute(sa.insert(model).from_select(columns, select))


def roll_dirty() -> int:
    """Roll the dirty days again, DAYS_PER_TRANSACTION marks per transaction; returns how
    many local days were rolled. A mark is a UTC date, so the one of the boundary's own date
    may be about the evening before it."""
    rolled: set[date] = set()
    while True:
        state = db.session.execute(sa.select(StatsRollupState).with_for_update()).scalar()
        if state is None:
            break
        marks = list(db.session.scalars(
            sa.select(StatsDirty.day).where(StatsDirty.day <= state.until)
            .order_by(StatsDirty.day).limit(DAYS_PER_TRANSACTION)))
        if not marks:
            db.session.commit()
            break
        db.session.execute(sa.delete(StatsDirty).where(StatsDirty.day.in_(marks)))
        days = sorted({mark + timedelta(days=k) for mark in marks for k in (-1, 0, 1)
                       if mark + timedelta(days=k) < state.until})
        if days:
            _store(days)
        db.session.commit()
        rolled.update(days)
    return len(rolled)


def roll(today: Optional[date] = None) -> tuple[int, int]:
    """The job: advance the boundary to today, then roll every dirty day. Returns (days
    passed, days rolled)."""
    passed = advance(today or local_today())
    if passed and not _wait_for_writers():
        return passed, 0  # the new days stay dirty (read live) until the next run
    return passed, roll_dirty()
