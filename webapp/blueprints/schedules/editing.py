"""Filling the time-block dialog, reading it back, and its capacity calculator."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from ... import params
from ...accounts.permissions import team_scope
from ...extensions import db
from ...formatting import hhmm, localized
from ...models import Location, ScheduleBlock, Service, Team
from ...scheduling.blocks import (
    MAX_PER_SLOT,
    BlockData,
    BlockInvalid,
    eligible_services,
    teams_at,
)
from ...scheduling.calendar import parse_clock, parse_day
from ...scheduling.slots import (
    capacity,
    clock,
    minutes_of,
    slot_count,
    slot_starts,
    unusable_minutes,
)
from ...timeutil import local_today, planner_zone
from .forms import BlockForm


def default_services(services: list[Service]) -> list[int]:
    """Tick every eligible service when they share one duration, else the first one."""
    if len({s.duration_minutes for s in services}) == 1:
        return [s.id for s in services]
    return [services[0].id] if services else []


def setup_choices(form: BlockForm, location: Location, block: Optional[ScheduleBlock],
                  keep_eligible: bool = False) -> dict[str, Any]:
    """The teams and services the dialog offers (only those associated with the location)."""
    teams = teams_at(location, team_scope())
    if block is not None and all(t.id != block.team_id for t in teams):
        teams.append(block.team)  # a block keeps its team even if no longer associated
    form.team.choices = [(t.id, t.name) for t in teams]
    team = next((t for t in teams if t.id == form.team.data), None)
    if team is None and form.team.data is not None:
        team = db.session.get(Team, form.team.data)
    services = eligible_services(team, location)
    if block is not None and team is not None and team.id == block.team_id:
        services += [s for s in block.services if s not in services]
    form.services.choices = [(s.id, f"{localized(s, 'name')} ({s.duration_minutes} min)")
                             for s in services]
    if keep_eligible:
        offered = {s.id for s in services}
        kept = [i for i in (form.services.data or []) if i in offered]
        form.services.data = kept or default_services(services)
    return {"teams": teams, "team": team, "service_list": services}


def prefill_new(form: BlockForm, location: Location, args: Any) -> None:
    """A new block from the calendar: the day, times and team the person dragged over."""
    day = parse_day(args.get("date")) or local_today()
    start = parse_clock(args.get("start")) or time(9)
    end = parse_clock(args.get("end")) or clock(min(minutes_of(start) + 60, 23 * 60 + 59))
    teams = teams_at(location, team_scope())
    wanted = args.get("team", "")
    team = next((t for t in teams if t.id == params.to_id(wanted)),
                teams[0] if teams else None)
    form.day.data, form.start.data, form.end.data = day.isoformat(), hhmm(start), hhmm(end)
    form.team.data = team.id if team else None
    form.services.data = default_services(eligible_services(team, location))
    form.per_slot.data, form.online_open.data = "1", True


def prefill_from(form: BlockForm, block: ScheduleBlock) -> None:
    form.version.data = str(block.version)
    form.day.data = block.day.isoformat()
    form.start.data, form.end.data = hhmm(block.start_time), hhmm(block.end_time)
    form.team.data = block.team_id
    form.services.data = [s.id for s in block.services]
    form.per_slot.data, form.online_open.data = str(block.per_slot_capacity), block.online_open


def _services(ids: Optional[list[Optional[int]]]) -> Optional[list[Service]]:
    """The services chosen, or None when an id is not a known service."""
    wanted = {i for i in ids or []}
    if None in wanted:
        return None
    found = list(db.session.scalars(select(Service).where(Service.id.in_(wanted))))
    return found if len(found) == len(wanted) else None


def block_data(form: BlockForm, location: Location) -> BlockData:
    """The block described by a validated form (unknown ids refused)."""
    services = _services(form.services.data)
    if services is None:
        raise BlockInvalid({"services": _("Choose the services from the list.")})
    team = db.session.get(Team, form.team.data) if form.team.data is not None else None
    day, start, end = (parse_day(form.day.data), parse_clock(form.start.data),
                       parse_clock(form.end.data))
    assert day is not None and start is not None and end is not None
    return BlockData(location=location, team=team, day=day, start=start, end=end,
                     services=services, per_slot=params.to_int(form.per_slot.data, -params.MAX_ID) or 0,
                     online_open=bool(form.online_open.data), allowed_team_ids=team_scope())


@dataclass
class Calc:
    """What the capacity calculator shows."""

    total: Optional[int] = None
    slots: int = 0
    per_slot: int = 0
    duration: Optional[int] = None
    unusable: int = 0
    clock_change: Optional[int] = None  # slots that day when the clocks change
    problem: Optional[str] = None


def calculate(form: BlockForm) -> Calc:
    """Slots, appointments and unusable minutes of the block as typed so far."""
    start, end = parse_clock(form.start.data), parse_clock(form.end.data)
    services = _services(form.services.data) or []
    durations = {s.duration_minutes for s in services}
    per_slot_text = (form.per_slot.data or "").strip()
    if start is None or end is None:
        return Calc(problem=_("Enter the start and end times."))
    if end <= start:
        return Calc(problem=_("The end must be after the start."))
    if len(durations) != 1:
        return Calc(problem=_("Choose the services to know the duration of an appointment.")
                    if not durations else _("The services chosen have different durations."))
    per_slot = params.to_int(per_slot_text, 1, MAX_PER_SLOT)
    if per_slot is None:
        return Calc(problem=_("Enter at least one appointment per slot."))
    duration = durations.pop()
    calc = Calc(total=capacity(start, end, duration, per_slot),
                slots=slot_count(start, end, duration), per_slot=per_slot, duration=duration,
                unusable=unusable_minutes(start, end, duration))
    day = parse_day(form.day.data)
    if day is not None:
        real = len(slot_starts(day, start, end, duration, planner_zone()))
        if real != calc.slots:
            calc.clock_change, calc.total = real, real * per_slot
    return calc
