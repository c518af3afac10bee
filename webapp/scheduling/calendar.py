"""The schedules calendar (SCH-1, SCH-7): filters read from the URL, and what the day,
week and month views show, built in a handful of queries whatever the size of the year.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from .. import params
from ..extensions import db
from ..models import Location, ScheduleBlock, Service, Slot, Team, block_service
from ..timeutil import planner_zone
from .blocks import teams_at
from .slots import local_clock, minutes_of

VIEWS = ("day", "week", "month")
SHOWS = ("all", "availability", "appointments")
STEPS = (5, 10, 15, 30)
FIRST_ROW = 3  # grid line of the first time row: day headers, then team headers, above
DEFAULT_HOURS = (8, 18)
MAX_SQUARES = 12  # more places per slot than this show as numbers, not squares

_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})?(?::00)?\s*$")


def parse_day(text: Optional[str]) -> Optional[date]:
    """A date written YYYY-MM-DD within the planner's range (params.to_date), or None."""
    return params.to_date(text)


def parse_clock(text: Optional[str]) -> Optional[time]:
    """A time of day written 09:30 (or 9 h 30), or None."""
    match = _CLOCK.match(text or "")
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def week_start(day: date) -> date:
    """The Sunday that starts the week of `day` (Québec calendars start on Sunday)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def padlock_state(states: list[bool]) -> Optional[str]:
    if not states:
        return None
    if all(states):
        return "open"
    return "locked" if not any(states) else "mixed"


@dataclass
class CalendarQuery:
    """The calendar's filters, all kept in the URL."""

    day: date
    location_id: Optional[int] = None
    view: str = "week"
    show: str = "all"
    service_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    hour_from: Optional[int] = None
    hour_to: Optional[int] = None
    step: int = 15
    step_chosen: bool = False  # from the URL; otherwise `build` fits it to the services shown
    errors: dict[str, str] = field(default_factory=dict)

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL arguments for this calendar, with some changed (for links)."""
        query = replace(self, **changes) if changes else self
        args: dict[str, Any] = {"location": query.location_id, "view": query.view,
                                "date": query.day.isoformat()}
        if query.show != "all":
            args["show"] = query.show
        if query.service_ids:
            args["service"] = query.service_ids
        if query.team_ids:
            args["team"] = query.team_ids
        if query.hour_from is not None:
            args["from"] = query.hour_from
        if query.hour_to is not None:
            args["to"] = query.hour_to
        if query.step_chosen:
            args["step"] = query.step
        return {k: v for k, v in args.items() if v is not None}

    @property
    def first(self) -> date:
        if self.view == "day":
            return self.day
        if self.view == "week":
            return week_start(self.day)
        return week_start(self.day.replace(day=1))

    @property
    def last(self) -> date:
        if self.view == "day":
            return self.day
        if self.view == "week":
            return self.first + timedelta(days=6)
        next_month = (self.day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return week_start(next_month - timedelta(days=1)) + timedelta(days=6)

    def moved(self, steps: int) -> date:
        """The date shown `steps` pages before or after this one."""
        if self.view == "day":
            return self.day + timedelta(days=steps)
        if self.view == "week":
            return self.day + timedelta(days=7 * steps)
        month = self.day.month - 1 + steps
        return date(self.day.year + month // 12, month % 12 + 1, 1)


def _hour(text: Optional[str], low: int, high: int) -> tuple[Optional[int], bool]:
    if text in (None, ""):
        return None, True
    assert text is not None
    hour = params.to_int(text, low, high)
    return hour, hour is not None


def parse_query(args: MultiDict[str, str], today: date) -> CalendarQuery:
    """Read the filters; a bad value falls back to its default with a message."""
    query = CalendarQuery(day=today)
    errors = query.errors
    if args.get("date"):
        day = parse_day(args.get("date"))
        if day is None:
            errors["date"] = _("Unknown date “%(value)s”: write it as YYYY-MM-DD, e.g. %(example)s.",
                               value=args.get("date", "")[:40], example=today.isoformat())
        else:
            query.day = day
    location = args.get("location", "")
    if location:
        location_id = params.to_id(location)
        if location_id is not None:
            query.location_id = location_id
        elif location.isascii() and location.isdigit():
            query.location_id = 0  # a number no location has: not found, as in a URL
        else:
            errors["location"] = _("Choose a location from the list.")
    if args.get("view") in VIEWS:
        query.view = args["view"]
    elif args.get("view"):
        errors["view"] = _("Choose the day, week or month view.")
    if args.get("show") in SHOWS:
        query.show = args["show"]
    for name, attr in (("service", "service_ids"), ("team", "team_ids")):
        values = params.to_ids(args.getlist(name))
        if values is None:
            errors[name] = _("Choose from the list.")
        else:
            setattr(query, attr, values)
    query.hour_from, ok_from = _hour(args.get("from"), 0, 23)
    query.hour_to, ok_to = _hour(args.get("to"), 1, 24)
    if not (ok_from and ok_to):
        errors["hours"] = _("Visible hours go from 0 to 24.")
    elif query.hour_from is not None and query.hour_to is not None \
            and query.hour_to <= query.hour_from:
        errors["hours"] = _("The last visible hour must come after the first.")
        query.hour_from = query.hour_to = None
    step = args.get("step", "")
    if params.to_int(step) in STEPS:
        query.step, query.step_chosen = int(step), True
    elif step:
        errors["step"] = _("Choose 5, 10, 15 or 30 minutes.")
    return query


@dataclass
class SlotCell:
    local: time
    capacity: int
    booked: int

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked


@dataclass
class BlockCell:
    block: ScheduleBlock
    slots: list[SlotCell] = field(default_factory=list)
    capacity: int = 0
    booked: int = 0
    col: int = 0
    row_start: int = 0
    row_end: int = 0

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked


@dataclass
class DayHead:
    day: date
    past: bool
    col_start: int = 0
    col_end: int = 0
    blocks: list[BlockCell] = field(default_factory=list)

    @property
    def padlock(self) -> Optional[str]:
        return padlock_state([b.block.online_open for b in self.blocks])

    @property
    def capacity(self) -> int:
        return sum(b.capacity for b in self.blocks)

    @property
    def booked(self) -> int:
        return sum(b.booked for b in self.blocks)

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked


@dataclass
class Calendar:
    """Everything a view draws."""

    query: CalendarQuery
    location: Location
    teams: list[Team]
    days: list[DayHead]
    blocks: list[BlockCell]
    hour_from: int = DEFAULT_HOURS[0]
    hour_to: int = DEFAULT_HOURS[1]
    hidden: int = 0  # blocks outside the visible hours
    location_teams: list[Team] = field(default_factory=list)  # the role's teams associated here

    @property
    def rows(self) -> int:
        return (self.hour_to - self.hour_from) * 60 // self.query.step

    @property
    def last_line(self) -> int:
        return FIRST_ROW + self.rows

    @property
    def hours(self) -> list[tuple[int, int, int]]:
        """(hour, first grid line, last grid line) of each visible hour."""
        per_hour = 60 // self.query.step
        return [(h, FIRST_ROW + i * per_hour, FIRST_ROW + (i + 1) * per_hour)
                for i, h in enumerate(range(self.hour_from, self.hour_to))]

    @property
    def lanes(self) -> list[tuple[DayHead, Team, int]]:
        return [(d, t, d.col_start + i) for d in self.days for i, t in enumerate(self.teams)]

    @property
    def weeks(self) -> list[list[DayHead]]:
        return [self.days[i:i + 7] for i in range(0, len(self.days), 7)]


def build(query: CalendarQuery, location: Location, today: date,
          team_scope: Optional[set[int]]) -> Calendar:
    """The calendar of a location for the query's view and filters."""
    all_teams = {t.id: t for t in db.session.scalars(select(Team).order_by(Team.position,
                                                                           Team.name))}
    location_teams = teams_at(location, team_scope)
    wanted = set(query.team_ids) or None
    blocks = _blocks(query, location, team_scope)
    if not query.step_chosen:
        query.step = grid_step(blocks)
    shown = {b.team_id for b in blocks} | {t.id for t in location_teams}
    teams = [t for t in all_teams.values() if t.id in shown
             and (team_scope is None or t.id in team_scope) and (wanted is None or t.id in wanted)]
    days = [DayHead(query.first + timedelta(days=i), query.first + timedelta(days=i) < today)
            for i in range((query.last - query.first).days + 1)]
    by_day = {d.day: d for d in days}
    cells = [BlockCell(b) for b in blocks]
    _fill_slots(cells, detailed=query.view != "month")
    for cell in cells:
        by_day[cell.block.day].blocks.append(cell)
    calendar = Calendar(query, location, teams, days, cells, location_teams=location_teams)
    if query.view != "month":
        _place(calendar)
    return calendar


def grid_step(blocks: list[ScheduleBlock]) -> int:
    """The coarsest grid (at most 15 minutes) on which every shown block's times and service
    durations fall: a 10-minute service gets a 10-minute grid, so each slot has its row."""
    minutes = {s.duration_minutes for b in blocks for s in b.services}
    minutes |= {minutes_of(t) for b in blocks for t in (b.start_time, b.end_time)}
    return next((step for step in (15, 10, 5) if all(m % step == 0 for m in minutes)), 5)


def _blocks(query: CalendarQuery, location: Location,
            team_scope: Optional[set[int]]) -> list[ScheduleBlock]:
    statement = (select(ScheduleBlock)
                 .where(ScheduleBlock.location_id == location.id,
                        ScheduleBlock.day >= query.first, ScheduleBlock.day <= query.last)
                 .options(selectinload(ScheduleBlock.services))
                 .order_by(ScheduleBlock.day, ScheduleBlock.start_time))
    if team_scope is not None:
        statement = statement.where(ScheduleBlock.team_id.in_(team_scope))
    if query.team_ids:
        statement = statement.where(ScheduleBlock.team_id.in_(query.team_ids))
    if query.service_ids:
        statement = statement.where(ScheduleBlock.id.in_(
            select(block_service.c.block_id)
            .where(block_service.c.service_id.in_(query.service_ids))))
    return list(db.session.scalars(statement))


def _fill_slots(cells: list[BlockCell], detailed: bool) -> None:
    """Capacity and places booked of each block; each slot too for the day and week views."""
    by_id = {c.block.id: c for c in cells}
    if not by_id:
        return
    if detailed:
        zone = planner_zone()
        for block_id, starts_at, capacity, booked in db.session.execute(
                select(Slot.block_id, Slot.starts_at, Slot.capacity, Slot.booked)
                .where(Slot.block_id.in_(by_id)).order_by(Slot.starts_at)):
            cell = by_id[block_id]
            cell.slots.append(SlotCell(local_clock(starts_at, zone), capacity, booked))
            cell.capacity += capacity
            cell.booked += booked
        return
    for block_id, capacity, booked in db.session.execute(
            select(Slot.block_id, func.sum(Slot.capacity), func.sum(Slot.booked))
            .where(Slot.block_id.in_(by_id)).group_by(Slot.block_id)):
        by_id[block_id].capacity, by_id[block_id].booked = int(capacity), int(booked)


def _place(calendar: Calendar) -> None:
    """Grid lines and columns of each block (day and week views)."""
    query = calendar.query
    cells = calendar.blocks
    if query.hour_from is not None and query.hour_to is not None:
        calendar.hour_from, calendar.hour_to = query.hour_from, query.hour_to
    else:
        first = min([minutes_of(c.block.start_time) // 60 for c in cells] + [DEFAULT_HOURS[0]])
        last = max([-(-minutes_of(c.block.end_time) // 60) for c in cells] + [DEFAULT_HOURS[1]])
        calendar.hour_from = query.hour_from if query.hour_from is not None else first
        calendar.hour_to = query.hour_to if query.hour_to is not None else last
        if calendar.hour_to <= calendar.hour_from:
            calendar.hour_from, calendar.hour_to = DEFAULT_HOURS
    column = {t.id: i for i, t in enumerate(calendar.teams)}
    for index, head in enumerate(calendar.days):
        head.col_start = 2 + index * len(calendar.teams)
        head.col_end = head.col_start + max(1, len(calendar.teams))
    first_day = calendar.days[0].day
    begin, end = calendar.hour_from * 60, calendar.hour_to * 60
    step = query.step
    placed = defaultdict(list)
    for cell in cells:
        start, stop = minutes_of(cell.block.start_time), minutes_of(cell.block.end_time)
        if cell.block.team_id not in column or stop <= begin or start >= end:
            calendar.hidden += 1
            continue
        day_index = (cell.block.day - first_day).days
        cell.col = 2 + day_index * len(calendar.teams) + column[cell.block.team_id]
        cell.row_start = FIRST_ROW + (max(start, begin) - begin) // step
        cell.row_end = FIRST_ROW + -(-(min(stop, end) - begin) // step)
        placed[cell.col].append(cell)
    calendar.blocks = [c for cells_ in placed.values() for c in cells_]


def services_at(teams: list[Team]) -> list[Service]:
    """The active services some of these teams offer (for the filter panel)."""
    services = db.session.scalars(select(Service).where(Service.active).order_by(
        Service.position, Service.name_fr)).all()
    offered = {s.id for t in teams for s in t.services}
    return [s for s in services if any(t.all_services for t in teams) or s.id in offered]
