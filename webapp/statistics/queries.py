"""The statistics' SQL: each figure read live from appointments and slots for the days not
rolled up (today, upcoming days, days changed since their rollup), added in the same
statement to the rollup's rows (webapp.models.statistics) for the days that are. Local days
and hours are computed in SQL from UTC seconds plus the zone's offset, the offset changing
at the daylight-saving instants of the period (`_offsets`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..messaging.timing import BEFORE as REMINDER_KINDS
from ..models import (
    Appointment,
    Attendance,
    Message,
    Slot,
    StatsCapacity,
    StatsDay,
    StatsHour,
    StatsLead,
    Status,
    block_service,
)
from ..timeutil import planner_zone

EPOCH = date(1970, 1, 1)
BOOKED_STATUSES = (Status.BOOKED.value, Status.CONFIRMED.value, Status.CANCELLED.value)
EXACT_LEAD_HOURS = 48  # lead times shorter than this in hours, longer ones in whole days
COUNT_NAMES = ("booked", "online", "cancelled", "cancelled_by_patient", "confirmed",
               *[value.value for value in Attendance])
REMINDER_NAMES = ("reminders_sent", "reminded", "reminder_confirmed")


@dataclass(frozen=True)
class Part:
    """Which days of a period are read live and which from the rollup."""

    live: tuple[tuple[date, date], ...]  # ranges of local days, both ends included
    rolled: Optional[tuple[date, date]]  # the rollup's days, except `dirty`
    dirty: tuple[date, ...] = ()

    @property
    def rolled_epoch_days(self) -> tuple[int, int, tuple[int, ...]]:
        assert self.rolled is not None
        return (epoch_day(self.rolled[0]), epoch_day(self.rolled[1]),
                tuple(epoch_day(d) for d in self.dirty))

    def spans(self) -> tuple[list[date], list[tuple[date, date]]]:
        """The rolled days as whole months (inside the rolled days, none dirty: read from the
        months' rows) and ranges of days (read from the days' rows, dirty days excepted)."""
        assert self.rolled is not None
        first, last = self.rolled
        months: list[date] = []
        ranges: list[tuple[date, date]] = []
        day = first
        while day <= last:
            last_of_month = month_end(day)
            if day.day == 1 and last_of_month <= last and not any(
                    day <= d <= last_of_month for d in self.dirty):
                months.append(day)
            elif ranges and ranges[-1][1] + timedelta(days=1) == day:
                ranges[-1] = (ranges[-1][0], min(last_of_month, last))
            else:
                ranges.append((day, min(last_of_month, last)))
            day = last_of_month + timedelta(days=1)
        return months, ranges


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """The period's ends (for the zone's offsets) and the filters (location, service, team
    ids; empty: all)."""

    start: date
    end: date
    location_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()


def epoch_day(day: date) -> int:
    return (day - EPOCH).days


# -- SQL: UTC seconds, local day and hour --------------------------------------------------

class epoch_seconds(FunctionElement[int]):
    """Seconds since 1970 of a naive-UTC timestamp column."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    dbapi = getattr(compiler.dialect, "dbapi", None)
    if getattr(dbapi, "sqlite_version_info", (0,)) >= (3, 38):  # unixepoch: a third faster
        return f"unixepoch({column})"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    # date_part is a double: EXTRACT's numeric (PostgreSQL 14+) costs twice as much per row.
    return f"CAST(date_part('epoch', {compiler.process(element.clauses, **kw)}) AS BIGINT)"


def utc_start(day: date) -> datetime:
    """The instant the local day starts."""
    return datetime.combine(day, time(0), tzinfo=planner_zone()).astimezone(UTC)


def _offsets(start: date, end: date) -> tuple[int, list[tuple[int, int]]]:
    """The zone's offset (seconds) at the start of the period, and each change in it as
    (UTC epoch second it takes effect, new offset)."""
    zone = planner_zone()
    instant = utc_start(start - timedelta(days=1))
    last = utc_start(end + timedelta(days=2))
    first = int(instant.astimezone(zone).utcoffset().total_seconds())  # type: ignore[union-attr]
    current, changes = first, []
    while instant < last:
        nxt = instant + timedelta(days=1)
        if int(nxt.astimezone(zone).utcoffset().total_seconds()) != current:  # type: ignore[union-attr]
            hour = instant
            while hour < nxt:  # find the hour the change takes effect
                offset = int(hour.astimezone(zone).utcoffset().total_seconds())  # type: ignore[union-attr]
                if offset != current:
                    changes.append((int(hour.timestamp()), offset))
                    current = offset
                hour += timedelta(minutes=15)
        instant = nxt
    return first, changes


def _local_seconds(column: Any, ranges: tuple[tuple[date, date], ...]) -> Any:
    """Local wall-clock seconds since 1970 of an instant column on the days of `ranges`: its
    UTC seconds plus the offset in force then (the instant compared as stored, so SQLite
    converts it once; no comparison at all when the days see no change of offset)."""
    if not ranges:
        return epoch_seconds(column)
    first, changes = _offsets(ranges[0][0], ranges[-1][1])
    if not changes:
        return epoch_seconds(column) + first
    whens = []
    previous = first
    for at, offset in changes:
        whens.append((column < datetime.fromtimestamp(at, UTC), previous))
        previous = offset
    return epoch_seconds(column) + sa.case(*whens, else_=previous)


def _count(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


# -- what each part reads ---------------------------------------------------------------------

def appointment_where(scope: Scope, ranges: tuple[tuple[date, date], ...]) -> list[Any]:
    """Booked appointments starting on the local days of `ranges`, within the filters."""
    when = sa.or_(*[sa.and_(Appointment.starts_at >= utc_start(first),
                            Appointment.starts_at < utc_start(last + timedelta(days=1)))
                    for first, last in ranges]) if ranges else sa.false()
    where = [when, Appointment.status.in_(BOOKED_STATUSES)]
    if scope.location_ids:
        where.append(Appointment.location_id.in_(scope.location_ids))
    if scope.service_ids:
        where.append(Appointment.service_id.in_(scope.service_ids))
    if scope.team_ids:
        where.append(Appointment.team_id.in_(scope.team_ids))
    return where


def _slot_where(scope: Scope, ranges: tuple[tuple[date, date], ...]) -> list[Any]:
    # Read from the index ix_slot_day_stats alone (day, location, team, block, places).
    when = sa.or_(*[Slot.day.between(first, last) for first, last in ranges]) if ranges \
        else sa.false()
    where = [when]
    if scope.location_ids:
        where.append(Slot.location_id.in_(scope.location_ids))
    if scope.team_ids:
        where.append(Slot.team_id.in_(scope.team_ids))
    return where


def _rolled_where(model: Any, scope: Scope, part: Part) -> list[Any]:
    """The rollup's rows of the rolled days (dirty days excluded), within the filters."""
    if part.rolled is None:
        return [sa.false()]
    where: list[Any]
    if model is StatsCapacity:
        where = [model.day.between(*part.rolled)]
        if part.dirty:
            where.append(model.day.not_in(part.dirty))
    elif model in (StatsHour, StatsLead):
        months, ranges = part.spans()
        either: list[Any] = []
        if months:
            either.append(sa.and_(model.span == "m",
                                  model.epoch_day.in_([epoch_day(m) for m in months])))
        marked = [epoch_day(d) for d in part.dirty]
        for a, b in ranges:  # one branch each, so that each seeks its days in the key
            either.append(sa.and_(model.span == "d",
                                  model.epoch_day.between(epoch_day(a), epoch_day(b)),
                                  *([model.epoch_day.not_in(marked)] if marked else [])))
        where = [sa.or_(*either)]
    else:
        first, last, dirty = part.rolled_epoch_days
        where = [model.epoch_day.between(first, last)]
        if dirty:
            where.append(model.epoch_day.not_in(dirty))
    if scope.location_ids:
        where.append(model.location_id.in_(scope.location_ids))
    if scope.team_ids:
        where.append(model.team_id.in_(scope.team_ids))
    if scope.service_ids and model is not StatsCapacity:
        where.append(model.service_id.in_(scope.service_ids))
    return where


def _service_blocks(service_ids: tuple[int, ...]) -> Any:
    return sa.select(block_service.c.block_id).where(block_service.c.service_id.in_(service_ids))


# -- live selects (also what the rollup job stores) -----------------------------------------

def live_counts(scope: Scope, ranges: tuple[tuple[date, date], ...]) -> Any:
    """One row per (local hour since 1970, location, service, team) with every count (by
    hour, so that the heat map is read in the same pass)."""
    cancelled = Appointment.status == Status.CANCELLED.value
    kept = Appointment.status != Status.CANCELLED.value
    hour = _local_seconds(Appointment.starts_at, ranges) // 3600
    return (
        sa.select(hour.label("hour"), Appointment.location_id, Appointment.service_id,
                  Appointment.team_id,
                  sa.func.count().label("booked"),
                  _count(Appointment.online.is_(True)).label("online"),
                  _count(cancelled).label("cancelled"),
                  _count(sa.and_(cancelled, Appointment.cancelled_by_id.is_(None)))
                  .label("cancelled_by_patient"),
                  _count(Appointment.status == Status.CONFIRMED.value).label("confirmed"),
                  *[_count(sa.and_(kept, Appointment.attendance == value.value)).label(value.value)
                    for value in Attendance])
        .where(*appointment_where(scope, ranges))
        .group_by(hour, Appointment.location_id, Appointment.service_id, Appointment.team_id)
    )


def _reminder_columns() -> list[Any]:
    # Confirmed at or after the first reminder is confirmed at or after any of them.
    after = sa.case((sa.and_(Appointment.status == Status.CONFIRMED.value,
                             Appointment.confirmed_at >= Message.sent_at), Appointment.id))
    return [sa.func.count().label("reminders_sent"),
            sa.func.count(sa.distinct(Message.appointment_id)).label("reminded"),
            sa.func.count(sa.distinct(after)).label("reminder_confirmed")]


def _reminders_from(select: Any) -> Any:
    """"Sent" is read as `sent_at` set (the outbox sets it with the status): a condition on
    the status would make SQLite read every sent message through ix_message_due instead of
    each appointment's own."""
    return (select.join(Appointment, Appointment.id == Message.appointment_id)
            .where(Message.kind.in_(sorted(REMINDER_KINDS)), Message.sent_at.is_not(None)))


def live_reminders_by_group(scope: Scope, ranges: tuple[tuple[date, date], ...]) -> Any:
    """Reminders per (local epoch day, location, service, team): what the job stores."""
    day = _local_seconds(Appointment.starts_at, ranges) // 86400
    query = _reminders_from(sa.select(day.label("epoch_day"), Appointment.location_id,
                                      Appointment.service_id, Appointment.team_id,
                                      *_reminder_columns()))
    return (query.where(*appointment_where(scope, ranges))
            .group_by(day, Appointment.location_id, Appointment.service_id, Appointment.team_id))


def lead_hours() -> Any:
    """Hours from booking to start, exact under EXACT_LEAD_HOURS, in whole days beyond."""
    hours = (epoch_seconds(Appointment.starts_at) - epoch_seconds(Appointment.created_at)) // 3600
    return sa.case((hours < EXACT_LEAD_HOURS, hours), else_=hours // 24 * 24)


def live_leads(scope: Scope, ranges: tuple[tuple[date, date], ...], *, by_group: bool) -> Any:
    hours = lead_hours()
    keys: list[Any] = []
    if by_group:
        keys = [(_local_seconds(Appointment.starts_at, ranges) // 86400).label("epoch_day"),
                Appointment.location_id, Appointment.service_id, Appointment.team_id]
    return (sa.select(*keys, hours.label("hours"), sa.func.count().label("booked"))
            .where(*appointment_where(scope, ranges)).group_by(*keys, hours))


def live_capacity_by_block(scope: Scope, ranges: tuple[tuple[date, date], ...]) -> Any:
    return (sa.select(Slot.day, Slot.block_id, Slot.location_id, Slot.team_id,
                      sa.func.sum(Slot.capacity).label("capacity"),
                      sa.func.sum(Slot.capacity - Slot.booked).label("places_left"))
            .where(*_slot_where(scope, ranges))
            .group_by(Slot.day, Slot.block_id, Slot.location_id, Slot.team_id))


# -- the report's statements: live and rolled together ---------------------------------------

def counts(scope: Scope, part: Part) -> list[Any]:
    """Every count summed by day ("d", epoch day), location ("l"), service ("s") and team
    ("t"): rows (kind, key, counts...); and the heat map ("h", hour of the week from
    Thursday 0 h, as 1970-01-01 was a Thursday), whose kept appointments are in `booked`."""
    live = live_counts(scope, part.live).subquery()
    rolled = (sa.select(StatsDay.epoch_day, sa.null().label("hour"), StatsDay.location_id,
                        StatsDay.service_id, StatsDay.team_id,
                        *[getattr(StatsDay, n) for n in COUNT_NAMES])
              .where(*_rolled_where(StatsDay, scope, part)))
    rows = sa.union_all(
        sa.select((live.c.hour // 24).label("epoch_day"), live.c.hour, live.c.location_id,
                  live.c.service_id, live.c.team_id, *[live.c[n] for n in COUNT_NAMES]),
        rolled).cte("count_rows")
    sums = [sa.func.sum(rows.c[n]).label(n) for n in COUNT_NAMES]
    groups = [sa.select(sa.literal(kind).label("kind"), rows.c[key].label("key"), *sums)
              .group_by(rows.c[key])
              for kind, key in (("d", "epoch_day"), ("l", "location_id"), ("s", "service_id"),
                                ("t", "team_id"))]
    zeros = [sa.literal(0).label(n) for n in COUNT_NAMES[1:]]
    live_week_hour = rows.c.hour % 168
    groups.append(sa.select(sa.literal("h"), live_week_hour,
                            (sa.func.sum(rows.c.booked) - sa.func.sum(rows.c.cancelled)), *zeros)
                  .where(rows.c.hour.is_not(None)).group_by(live_week_hour))
    week_hour = sa.case((StatsHour.span == "m", StatsHour.hour),
                        else_=(StatsHour.epoch_day * 24 + StatsHour.hour) % 168)
    groups.append(sa.select(sa.literal("h"), week_hour, sa.func.sum(StatsHour.kept), *zeros)
                  .where(*_rolled_where(StatsHour, scope, part)).group_by(week_hour))
    return list(db.session.execute(sa.union_all(*groups)).all())


def capacity(scope: Scope, part: Part) -> list[Any]:
    """Places published and left by day ("d", the date), location ("l") and team ("t")."""
    live = live_capacity_by_block(scope, part.live)
    if scope.service_ids:
        live = live.where(Slot.block_id.in_(_service_blocks(scope.service_ids)))
    rolled_where = _rolled_where(StatsCapacity, scope, part)
    if scope.service_ids:
        rolled_where.append(StatsCapacity.block_id.in_(_service_blocks(scope.service_ids)))
    rolled = sa.select(StatsCapacity.day, StatsCapacity.block_id, StatsCapacity.location_id,
                       StatsCapacity.team_id, StatsCapacity.capacity,
                       StatsCapacity.places_left).where(*rolled_where)
    rows = sa.union_all(live, rolled).cte("capacity_rows")
    sums = [sa.func.sum(rows.c.capacity).label("capacity"),
            sa.func.sum(rows.c.places_left).label("places_left")]
    by_day = sa.select(sa.literal("d").label("kind"), rows.c.day, sa.literal(0).label("key"),
                       *sums).group_by(rows.c.day)
    by_location = sa.select(sa.literal("l"), sa.null(), rows.c.location_id, *sums
                            ).group_by(rows.c.location_id)
    by_team = sa.select(sa.literal("t"), sa.null(), rows.c.team_id, *sums
                        ).group_by(rows.c.team_id)
    return list(db.session.execute(sa.union_all(by_day, by_location, by_team)).all())


def capacity_by_service(scope: Scope, part: Part) -> list[Any]:
    """One row per service offered by the period's blocks: places published and left. The
    places are summed per block first, then each block's sum added to every service it
    offers: one join per block, not per slot."""
    live = (sa.select(Slot.block_id, sa.func.sum(Slot.capacity).label("capacity"),
                      sa.func.sum(Slot.capacity - Slot.booked).label("places_left"))
            .where(*_slot_where(scope, part.live)).group_by(Slot.block_id))
    rolled = (sa.select(StatsCapacity.block_id, StatsCapacity.capacity,
                        StatsCapacity.places_left)
              .where(*_rolled_where(StatsCapacity, scope, part)))
    blocks = sa.union_all(live, rolled).subquery()
    query = (sa.select(block_service.c.service_id,
                       sa.func.sum(blocks.c.capacity).label("capacity"),
                       sa.func.sum(blocks.c.places_left).label("left"))
             .join(block_service, block_service.c.block_id == blocks.c.block_id)
             .group_by(block_service.c.service_id))
    if scope.service_ids:
        query = query.where(block_service.c.service_id.in_(scope.service_ids))
    return list(db.session.execute(query).all())


def leads(scope: Scope, part: Part) -> list[Any]:
    """(hours, booked) rows: the lead-time histogram."""
    rolled = (sa.select(StatsLead.hours, sa.func.sum(StatsLead.booked).label("booked"))
              .where(*_rolled_where(StatsLead, scope, part)).group_by(StatsLead.hours))
    rows = sa.union_all(live_leads(scope, part.live, by_group=False), rolled).subquery()
    query = (sa.select(rows.c.hours, sa.func.sum(rows.c.booked).label("n"))
             .group_by(rows.c.hours))
    return list(db.session.execute(query).all())


def reminders(scope: Scope, part: Part) -> tuple[int, int, int]:
    """Reminders sent, appointments reminded and confirmed after a reminder."""
    live = _reminders_from(sa.select(*_reminder_columns())).where(
        *appointment_where(scope, part.live))
    rolled = sa.select(*[sa.func.coalesce(sa.func.sum(getattr(StatsDay, n)), 0).label(n)
                         for n in REMINDER_NAMES]).where(*_rolled_where(StatsDay, scope, part))
    rows = sa.union_all(live, rolled).subquery()
    query = sa.select(*[sa.func.coalesce(sa.func.sum(rows.c[n]), 0) for n in REMINDER_NAMES])
    sent, reminded, confirmed = db.session.execute(query).one()
    return int(sent), int(reminded), int(confirmed)
