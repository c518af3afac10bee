"""Cloning a day's remaining availability onto other days (SCH-4, guide §3.3).

Each slot of the source day is copied with what is left of it (capacity - booked): a
fully booked slot is not copied (it ends a block), a partly booked one keeps only its
remaining places inside its block. Adjacent remainders of one team, one set of services,
one number of places per slot and one padlock are merged into one block, as the guide
draws a block; `preview` shows them before the staff confirms. A target day where a
copied block would overlap a block of the same team is skipped and reported.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..formatting import hhmm, iso_date, of_name
from ..models import Location, ScheduleBlock, Service, Slot, Team, block_service, utcnow
from ..timeutil import planner_zone
from .blocks import BlockInvalid, _name, _team_offers
from .slots import clock, local_clock, minutes_of, slot_starts

MAX_TARGETS = 366


@dataclass
class PlannedBlock:
    """A block to create on each target day: `per_slot` places per slot, except the slots
    of `fewer` (local start -> places), partly booked on the source day."""

    team: Team
    services: list[Service]
    start: time
    end: time
    per_slot: int
    online_open: bool
    duration: int
    fewer: dict[time, int] = field(default_factory=dict)
    places: int = 0  # on a day like the source day

    def capacity_at(self, local: time) -> int:
        return self.fewer.get(local, self.per_slot)

    def joins(self, other: PlannedBlock) -> bool:
        """`other` starts where this one ends, with the same team, services, places per slot
        and padlock: the guide's one block (one team, one range of times, one number of
        appointments per slot, one padlock)."""
        return (other.start == self.end and other.team.id == self.team.id
                and other.per_slot == self.per_slot and other.online_open == self.online_open
                and other.duration == self.duration
                and {s.id for s in other.services} == {s.id for s in self.services})

    def merged(self, other: PlannedBlock) -> PlannedBlock:
        return PlannedBlock(self.team, self.services, self.start, other.end, self.per_slot,
                            self.online_open, self.duration, {**self.fewer, **other.fewer},
                            self.places + other.places)


@dataclass
class DayOutcome:
    day: date
    blocks: int = 0
    places: int = 0
    skipped: Optional[str] = None


@dataclass
class CloneReport:
    source: date
    days: list[DayOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def blocks(self) -> int:
        return sum(d.blocks for d in self.days)

    @property
    def places(self) -> int:
        return sum(d.places for d in self.days)

    @property
    def skipped(self) -> list[DayOutcome]:
        return [d for d in self.days if d.skipped]


def check_targets(source: date, targets: list[date], today: date) -> None:
    """Refuse past days, the source day itself and too many days at once."""
    if not targets:
        raise BlockInvalid({"targets": _("Tick at least one day to clone onto.")})
    if len(targets) > MAX_TARGETS:
        raise BlockInvalid({"targets": _("Clone onto at most %(max)s days at once.",
                                         max=MAX_TARGETS)})
    past = sorted(d for d in targets if d < today)
    if past:
        raise BlockInvalid({"targets": _(
            "Days in the past cannot receive a clone: %(days)s.",
            days=", ".join(iso_date(d) for d in past))})
    if source in targets:
        raise BlockInvalid({"source": _(
            "The source day %(day)s is also ticked as a target: untick it or pick another "
            "source day.", day=iso_date(source))})


def source_blocks(location: Location, source: date,
                  team_ids: Optional[set[int]] = None) -> list[ScheduleBlock]:
    query = (select(ScheduleBlock).where(ScheduleBlock.location_id == location.id,
                                         ScheduleBlock.day == source)
             .options(selectinload(ScheduleBlock.services), selectinload(ScheduleBlock.team))
             .order_by(ScheduleBlock.start_time, ScheduleBlock.team_id))
    if team_ids is not None:
        query = query.where(ScheduleBlock.team_id.in_(team_ids))
    return list(db.session.scalars(query))


def block_totals(block_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Capacity and places booked of each block (for the preview of the source day)."""
    if not block_ids:
        return {}
    rows = db.session.execute(
        select(Slot.block_id, func.sum(Slot.capacity), func.sum(Slot.booked))
        .where(Slot.block_id.in_(block_ids)).group_by(Slot.block_id))
    return {block_id: (int(cap), int(booked)) for block_id, cap, booked in rows}


def plan(location: Location, source: date,
         team_ids: Optional[set[int]] = None) -> tuple[list[PlannedBlock], list[str]]:
    """The blocks holding the source day's remaining availability, and warnings."""
    blocks = source_blocks(location, source, team_ids)
    if not blocks:
        raise BlockInvalid({"source": _("There is no time block on %(day)s to copy.",
                                        day=iso_date(source))})
    slots: dict[int, list[tuple[time, int]]] = defaultdict(list)
    zone = planner_zone()
    for block_id, starts_at, remaining in db.session.execute(
            select(Slot.block_id, Slot.starts_at, Slot.capacity - Slot.booked)
            .where(Slot.block_id.in_([b.id for b in blocks])).order_by(Slot.starts_at)):
        slots[block_id].append((local_clock(starts_at, zone), remaining))
    planned, warnings = [], []
    for block in blocks:
        services = [s for s in block.services
                    if s.active and _team_offers(block.team, location, s)]
        if not services or not block.team.active:
            warnings.append(_("The block %(of_team)s from %(start)s to %(end)s was not copied: "
                              "the team no longer offers its services here.",
                              of_team=of_name(block.team.name), start=hhmm(block.start_time),
                              end=hhmm(block.end_time)))
            continue
        planned.extend(_runs(block, services, slots[block.id]))
    planned = _merge(planned)
    if not planned:
        raise BlockInvalid({"source": _("Every slot of %(day)s is fully booked: there is no "
                                        "availability left to copy.", day=iso_date(source))})
    return planned, warnings


def _runs(block: ScheduleBlock, services: list[Service],
          slots: list[tuple[time, int]]) -> list[PlannedBlock]:
    """A block's stretches of consecutive slots with places left (a fully booked slot ends
    one): each is one block, its partly booked slots keeping only their places left."""
    duration = services[0].duration_minutes
    runs: list[list[tuple[time, int]]] = []
    previous: Optional[time] = None
    for local, remaining in slots:
        if remaining > 0:
            joined = (runs and previous is not None
                      and minutes_of(local) == minutes_of(previous) + duration)
            if joined:
                runs[-1].append((local, remaining))
            else:
                runs.append([(local, remaining)])
        previous = local if remaining > 0 else None
    planned = []
    final = slots[-1][0] if slots else None
    for run in runs:
        per_slot = max(n for _, n in run)
        end = clock(minutes_of(run[-1][0]) + duration)
        if run[-1][0] == final and block.end_time > end:
            end = block.end_time  # keep the source's unusable minutes, as it was drawn
        planned.append(PlannedBlock(block.team, services, run[0][0], end, per_slot,
                                    block.online_open, duration,
                                    {t: n for t, n in run if n < per_slot},
                                    sum(n for _, n in run)))
    return planned


def _merge(planned: list[PlannedBlock]) -> list[PlannedBlock]:
    """Adjacent remainders of one team, services, places per slot and padlock become one
    block."""
    merged: list[PlannedBlock] = []
    for p in sorted(planned, key=lambda p: (p.team.id, minutes_of(p.start))):
        if merged and merged[-1].joins(p):
            merged[-1] = merged[-1].merged(p)
        else:
            merged.append(p)
    return sorted(merged, key=lambda p: (minutes_of(p.start), p.team.id))


@dataclass
class ClonePreview:
    """What a clone would create on each target day, before the staff confirms."""

    planned: list[PlannedBlock]
    warnings: list[str]
    skipped: dict[date, str]

    @property
    def places(self) -> int:
        return sum(p.places for p in self.planned)


def preview(location: Location, source: date, targets: list[date],
            team_ids: Optional[set[int]] = None) -> ClonePreview:
    """The blocks each target day would receive, and the days that would be skipped."""
    planned, warnings = plan(location, source, team_ids)
    return ClonePreview(planned, warnings, _clashes(planned, sorted(set(targets))))


def _clashes(planned: list[PlannedBlock], targets: list[date]) -> dict[date, str]:
    """The target days where a planned block overlaps a block of its team, and why."""
    busy = _existing(targets, {p.team.id for p in planned})
    skipped = {}
    for day in targets:
        clash = next(((p, b) for p in planned for b in busy.get((p.team.id, day), [])
                      if p.start < b.end_time and p.end > b.start_time), None)
        if clash:
            p, b = clash
            skipped[day] = _("%(team)s already has a time block from %(start)s to %(end)s "
                             "at %(location)s.", team=p.team.name,
                             start=hhmm(b.start_time), end=hhmm(b.end_time),
                             location=_name(b.location))
    return skipped


def clone_day(location: Location, source: date, targets: list[date], today: date, *,
              team_ids: Optional[set[int]] = None, user_id: Optional[int] = None) -> CloneReport:
    """Copy the source day's remaining availability into each target day (bulk inserts)."""
    targets = sorted(set(targets))
    check_targets(source, targets, today)
    planned, warnings = plan(location, source, team_ids)
    report = CloneReport(source, warnings=warnings)
    skipped = _clashes(planned, targets)
    zone = planner_zone()
    block_rows: list[dict] = []
    pending: list[tuple[PlannedBlock, list]] = []
    for day in targets:
        outcome = DayOutcome(day, skipped=skipped.get(day))
        report.days.append(outcome)
        if outcome.skipped:
            continue
        for p in planned:
            times = slot_starts(day, p.start, p.end, p.duration, zone)
            if not times:
                continue
            block_rows.append(dict(location_id=location.id, team_id=p.team.id, day=day,
                                   start_time=p.start, end_time=p.end, per_slot_capacity=p.per_slot,
                                   online_open=p.online_open, created_by_id=user_id, version=1,
                                   created_at=utcnow()))
            pending.append((p, times))
            outcome.blocks += 1
            outcome.places += sum(p.capacity_at(local_clock(t.starts_at, zone)) for t in times)
    if block_rows:
        _insert(block_rows, pending, location)
    audit.record("schedule.cloned", location, user_id=user_id, source=source.isoformat(),
                 targets=[d.isoformat() for d in targets], blocks=report.blocks,
                 places=report.places, skipped=[d.day.isoformat() for d in report.skipped])
    return report


def _existing(days: list[date], team_ids: set[int]) -> dict[tuple[int, date], list[ScheduleBlock]]:
    busy: dict[tuple[int, date], list[ScheduleBlock]] = defaultdict(list)
    if not days or not team_ids:
        return busy
    for block in db.session.scalars(
            select(ScheduleBlock).where(ScheduleBlock.day.in_(days),
                                        ScheduleBlock.team_id.in_(team_ids))
            .options(selectinload(ScheduleBlock.location))):
        busy[(block.team_id, block.day)].append(block)
    return busy


def _insert(block_rows: list[dict], pending: list[tuple[PlannedBlock, list]],
            location: Location) -> None:
    ids = db.session.scalars(
        insert(ScheduleBlock).returning(ScheduleBlock.id, sort_by_parameter_order=True),
        block_rows).all()
    service_rows: list[dict[str, Any]] = []
    slot_rows: list[dict[str, Any]] = []
    zone = planner_zone()
    for block_id, row, (planned, times) in zip(ids, block_rows, pending, strict=True):
        service_rows.extend({"block_id": block_id, "service_id": s.id} for s in planned.services)
        slot_rows.extend(dict(block_id=block_id, location_id=location.id,
                              team_id=planned.team.id, day=row["day"], starts_at=t.starts_at,
                              ends_at=t.ends_at,
                              capacity=planned.capacity_at(local_clock(t.starts_at, zone)), booked=0,
                              online_open=planned.online_open) for t in times)
    db.session.execute(insert(block_service), service_rows)
    db.session.execute(insert(Slot), slot_rows)
