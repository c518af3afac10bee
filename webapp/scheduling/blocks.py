"""Time blocks: create, change, delete, open or lock them (SCH-2, SCH-3, SCH-5).

Saving a block materialises its slots (webapp/slots.py) so that availability is one
indexed query and a booking one atomic update. Every function here checks its input
and raises `BlockInvalid` (messages by form field) or another `ScheduleError` with a
message in the user's language; nothing is changed then. The caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Optional

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, params
from ..extensions import db
from ..formatting import hhmm, iso_date, localized
from ..models import (
    Appointment,
    Location,
    ScheduleBlock,
    Service,
    Slot,
    Status,
    Team,
    team_location,
    utcnow,
)
from ..organization.associations import has_location, has_service
from ..timeutil import local_today, planner_zone
from .slots import MINUTES_PER_DAY, length_minutes, minutes_of, slot_starts

MAX_PER_SLOT = 500
ACTIVE = (Status.HELD.value, Status.BOOKED.value, Status.CONFIRMED.value)
NAMED_SLOTS = 8  # how many slots an error message names before "and N more"


class ScheduleError(Exception):
    """A refused schedule change; `message` is in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BlockInvalid(ScheduleError):
    """The block's fields do not make a valid block: messages by form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class StaleBlock(ScheduleError):
    """The block changed since the form was opened (another tab, another person)."""


class BlockHasBookings(ScheduleError):
    """Deleting the block would drop booked appointments: the user must choose."""

    def __init__(self, count: int) -> None:
        super().__init__(ngettext(
            "This time block holds %(num)d booked appointment.",
            "This time block holds %(num)d booked appointments.", count))
        self.count = count


@dataclass
class BlockData:
    """What a person fills in the time-block dialog."""

    location: Location
    team: Optional[Team]
    day: date
    start: time
    end: time
    services: list[Service]
    per_slot: int
    online_open: bool = True
    allowed_team_ids: Optional[set[int]] = field(default=None)  # None: every team

    @property
    def duration(self) -> Optional[int]:
        durations = {s.duration_minutes for s in self.services}
        return durations.pop() if len(durations) == 1 else None


# --- Associations -------------------------------------------------------------------

def _team_offers(team: Team, location: Location, service: Service) -> bool:
    """A team serves a service at a location only when associated with both (whether the
    team, location or service is active is checked by the callers that care)."""
    return has_service(team, service) and has_location(team, location)


def teams_at(location: Location, team_ids: Optional[set[int]] = None) -> list[Team]:
    """The active teams associated with a location (limited to `team_ids` when given),
    their services loaded: two queries whatever the number of teams."""
    here = select(team_location.c.team_id).where(team_location.c.location_id == location.id)
    query = (select(Team).where(Team.active, or_(Team.all_locations, Team.id.in_(here)))
             .options(selectinload(Team.services)).order_by(Team.position, Team.name))
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    return list(db.session.scalars(query))


def eligible_services(team: Optional[Team], location: Location) -> list[Service]:
    """The active services a team offers at a location."""
    if team is None:
        return []
    services = db.session.scalars(select(Service).where(Service.active).order_by(
        Service.position, Service.name_fr)).all()
    return [s for s in services if _team_offers(team, location, s)]


# --- Checking ---------------------------------------------------------------------

def _time_errors(start: time, end: time) -> dict[str, str]:
    if end == start:
        return {"end": _("The end must be after the start.")}
    if end < start:
        over_midnight = MINUTES_PER_DAY - minutes_of(start) + minutes_of(end)
        if over_midnight < minutes_of(start) - minutes_of(end):
            return {"end": _("A time block cannot run past midnight: end it by 23:59 and "
                             "create the rest on the next day.")}
        return {"end": _("The end must be after the start.")}
    return {}


def _service_errors(data: BlockData) -> dict[str, str]:
    if not data.services:
        return {"services": _("Choose at least one service.")}
    if data.team is not None:
        for service in data.services:
            if not service.active or not _team_offers(data.team, data.location, service):
                return {"services": _(
                    "%(service)s is not offered by %(team)s at %(location)s.",
                    service=_name(service),
                    team=data.team.name, location=_name(data.location))}
    if data.duration is None:
        listing = ", ".join(f"{_name(s)} ({s.duration_minutes} min)" for s in data.services)
        return {"services": _("The services of one time block must all have the same "
                              "duration: %(services)s.", services=listing)}
    return {}


def _team_errors(data: BlockData) -> dict[str, str]:
    team = data.team
    if team is None:
        return {"team": _("Choose a team.")}
    if data.allowed_team_ids is not None and team.id not in data.allowed_team_ids:
        return {"team": _("You may only manage the time blocks of your own teams.")}
    if not team.active:
        return {"team": _("Team %(team)s is inactive.", team=team.name)}
    if not has_location(team, data.location):
        return {"team": _("Team %(team)s is not associated with %(location)s.",
                          team=team.name, location=_name(data.location))}
    return {}


def _capacity_errors(data: BlockData) -> dict[str, str]:
    if data.per_slot < 1:
        return {"per_slot": _("Enter at least one appointment per slot.")}
    if data.per_slot > MAX_PER_SLOT:
        return {"per_slot": _("Enter at most %(max)s appointments per slot.", max=MAX_PER_SLOT)}
    if data.team is not None and not data.team.variable_capacity and data.per_slot != 1:
        return {"per_slot": _("Team %(team)s has a fixed capacity: one appointment per slot.",
                              team=data.team.name)}
    return {}


def _day_errors(data: BlockData, block: Optional[ScheduleBlock]) -> dict[str, str]:
    """A block is placed within a few years of today (a block on 9999-12-31 would break every
    view of its week); a block already there may keep its day."""
    first, last = params.schedule_range(local_today())
    if (block is None or block.day != data.day) and not first <= data.day <= last:
        return {"day": _("Choose a date between %(first)s and %(last)s.",
                         first=iso_date(first), last=iso_date(last))}
    return {}


def check_block(data: BlockData, block: Optional[ScheduleBlock] = None) -> dict[str, str]:
    """Every reason the block cannot be saved, by form field (empty when it can)."""
    errors = _day_errors(data, block)
    errors.update(_time_errors(data.start, data.end))
    errors.update(_team_errors(data))
    errors.update(_capacity_errors(data))
    errors.update(_service_errors(data))
    duration = data.duration
    if not errors and duration is not None:
        if length_minutes(data.start, data.end) < duration:
            errors["end"] = _("The block is shorter than one appointment (%(minutes)s min).",
                              minutes=duration)
        elif not slot_starts(data.day, data.start, data.end, duration, planner_zone()):
            errors["end"] = _("These times do not exist on this day (the clocks change): "
                              "the block would hold no slot.")
    if not errors and data.team is not None:
        clash = overlapping(data.team.id, data.day, data.start, data.end,
                            exclude_id=block.id if block else None)
        if clash is not None:
            errors["start"] = _(
                "Team %(team)s already has a time block from %(start)s to %(end)s on "
                "%(day)s at %(location)s.", team=data.team.name, start=hhmm(clash.start_time),
                end=hhmm(clash.end_time), day=iso_date(clash.day),
                location=_name(clash.location))
    return errors


def overlapping(team_id: int, day: date, start: time, end: time,
                exclude_id: Optional[int] = None) -> Optional[ScheduleBlock]:
    """A block of the same team that day whose times overlap these, if any."""
    query = select(ScheduleBlock).where(
        ScheduleBlock.team_id == team_id, ScheduleBlock.day == day,
        ScheduleBlock.start_time < end, ScheduleBlock.end_time > start)
    if exclude_id is not None:
        query = query.where(ScheduleBlock.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


# --- Creating and changing ------------------------------------------------------------

def slot_rows(block: ScheduleBlock, duration: int, capacity: Optional[int] = None) -> list[dict]:
    """The slot rows a block materialises (for bulk inserts)."""
    per_slot = block.per_slot_capacity if capacity is None else capacity
    return [dict(block_id=block.id, location_id=block.location_id, team_id=block.team_id,
                 day=block.day, starts_at=s.starts_at, ends_at=s.ends_at, capacity=per_slot,
                 booked=0, online_open=block.online_open)
            for s in slot_starts(block.day, block.start_time, block.end_time, duration,
                                 planner_zone())]


def create_block(data: BlockData, user_id: Optional[int] = None) -> ScheduleBlock:
    """A new block and its slots."""
    errors = check_block(data)
    if errors:
        raise BlockInvalid(errors)
    assert data.team is not None and data.duration is not None
    block = ScheduleBlock(location=data.location, team=data.team, day=data.day,
                          start_time=data.start, end_time=data.end,
                          per_slot_capacity=data.per_slot, online_open=data.online_open,
                          services=list(data.services), created_by_id=user_id, version=1)
    db.session.add(block)
    db.session.flush()
    rows = slot_rows(block, data.duration)
    db.session.execute(insert(Slot), rows)
    audit.record("schedule_block.created", block, user_id=user_id, **_summary(block, rows))
    return block


def update_block(block: ScheduleBlock, data: BlockData, expected_version: int,
                 user_id: Optional[int] = None) -> ScheduleBlock:
    """Change every field of a block; its slots follow, its appointments stay attached."""
    if expected_version != block.version:
        raise StaleBlock(_stale_message())
    errors = check_block(data, block)
    if errors:
        raise BlockInvalid(errors)
    assert data.team is not None and data.duration is not None
    _check_booked_services(block, data)
    wanted = {s.starts_at: s for s in slot_starts(data.day, data.start, data.end, data.duration,
                                                 planner_zone())}
    current = db.session.scalars(select(Slot).where(Slot.block_id == block.id)).all()
    # A slot may have fewer places than the block's (a clone copies what was left of each
    # slot): only a change of the places per slot sets every slot's places.
    resized = data.per_slot != block.per_slot_capacity
    too_full = [s for s in current
                if resized and s.starts_at in wanted and s.booked > data.per_slot]
    if too_full:
        raise ScheduleError(_("Slots already hold more than %(count)s appointments: %(slots)s. "
                              "Nothing was changed.", count=data.per_slot,
                              slots=_slot_list(too_full)))
    dropped = [s for s in current if s.starts_at not in wanted]
    booked_dropped = [s for s in dropped if s.booked > 0]
    if booked_dropped:
        raise ScheduleError(_("These slots hold appointments and would be removed: %(slots)s. "
                              "Nothing was changed.", slots=_slot_list(booked_dropped)))
    before = _summary(block)
    block.day, block.start_time, block.end_time = data.day, data.start, data.end
    block.team, block.services = data.team, list(data.services)
    block.per_slot_capacity, block.online_open = data.per_slot, data.online_open
    block.version = expected_version + 1
    kept = {s.starts_at for s in current} & wanted.keys()
    for slot in current:
        if slot.starts_at in kept:
            if resized:
                slot.capacity = data.per_slot
            slot.ends_at = wanted[slot.starts_at].ends_at
            slot.team_id, slot.online_open, slot.day = data.team.id, data.online_open, data.day
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleBlock(_stale_message()) from exc
    except IntegrityError as exc:  # a booking raised a slot above the new capacity meanwhile
        raise ScheduleError(_booked_meanwhile()) from exc
    _drop_free_slots(block, [s.id for s in dropped])
    new_rows = [r for r in slot_rows(block, data.duration) if r["starts_at"] not in kept]
    if new_rows:
        db.session.execute(insert(Slot), new_rows)
    db.session.execute(update(Appointment).where(
        Appointment.slot_id.in_(select(Slot.id).where(Slot.block_id == block.id)),
        Appointment.status.in_(ACTIVE)).values(team_id=data.team.id))
    db.session.expire(block, ["slots"])
    audit.record("schedule_block.updated", block, user_id=user_id, before=before,
                 after=_summary(block))
    return block


def _check_booked_services(block: ScheduleBlock, data: BlockData) -> None:
    kept = {s.id for s in data.services}
    rows = db.session.execute(
        select(Appointment.service_id, func.count()).join(Slot, Appointment.slot_id == Slot.id)
        .where(Slot.block_id == block.id, Appointment.status.in_(ACTIVE))
        .group_by(Appointment.service_id)).all()
    for service_id, count in rows:
        if service_id not in kept:
            service = db.session.get(Service, service_id)
            raise BlockInvalid({"services": ngettext(
                "%(num)d appointment for %(service)s is booked in this block: keep this "
                "service.", "%(num)d appointments for %(service)s are booked in this block: "
                "keep this service.", count, service=_name(service))})


def _drop_free_slots(block: ScheduleBlock, slot_ids: list[int]) -> None:
    """Delete slots; one booked meanwhile makes the whole change fail."""
    if not slot_ids:
        return
    result = db.session.execute(delete(Slot).where(Slot.id.in_(slot_ids), Slot.booked == 0),
                                execution_options={"synchronize_session": False})
    if result.rowcount != len(slot_ids):  # type: ignore[attr-defined]
        raise ScheduleError(_booked_meanwhile())


def active_appointments(block: ScheduleBlock) -> list[Appointment]:
    return list(db.session.scalars(
        select(Appointment).join(Slot, Appointment.slot_id == Slot.id)
        .where(Slot.block_id == block.id, Appointment.status.in_(ACTIVE))
        .order_by(Appointment.starts_at)))


def delete_block(block: ScheduleBlock, *, cancel_appointments: bool = False, reason: str = "",
                 expected_version: Optional[int] = None, user_id: Optional[int] = None) -> int:
    """Delete a block; its booked appointments are cancelled only when asked. Returns
    how many appointments were cancelled."""
    if expected_version is not None and expected_version != block.version:
        raise StaleBlock(_stale_message())
    booked = active_appointments(block)
    if booked and not cancel_appointments:
        raise BlockHasBookings(len(booked))
    if booked and not reason.strip():
        raise BlockInvalid({"reason": _("Say why the appointments are cancelled.")})
    from .notices import notify_cancelled

    now = utcnow()
    for appointment in booked:
        appointment.status = Status.CANCELLED.value
        appointment.cancelled_at, appointment.cancelled_by_id = now, user_id
        appointment.cancel_reason = reason.strip()
        assert appointment.slot_id is not None
        db.session.execute(update(Slot).where(Slot.id == appointment.slot_id)
                           .values(booked=Slot.booked - 1))
        audit.record("appointment.cancelled", appointment, user_id=user_id,
                     reason=appointment.cancel_reason, block_id=block.id,
                     why="time block deleted")
        notify_cancelled(appointment)
    db.session.flush()
    _drop_free_slots(block, list(db.session.scalars(
        select(Slot.id).where(Slot.block_id == block.id))))
    audit.record("schedule_block.deleted", block, user_id=user_id, cancelled=len(booked),
                 **_summary(block))
    db.session.expire(block, ["slots"])
    db.session.delete(block)
    try:
        db.session.flush()
    except StaleDataError as exc:  # changed by someone else since it was read
        raise StaleBlock(_stale_message()) from exc
    return len(booked)


# --- Padlocks ---------------------------------------------------------------------

def set_block_open(block: ScheduleBlock, is_open: bool, user_id: Optional[int] = None) -> None:
    """Open (green padlock) or lock (red) one block for online booking."""
    db.session.execute(update(ScheduleBlock).where(ScheduleBlock.id == block.id).values(
        online_open=is_open, version=ScheduleBlock.version + 1),
        execution_options={"synchronize_session": False})
    db.session.execute(update(Slot).where(Slot.block_id == block.id).values(online_open=is_open))
    db.session.expire(block, ["online_open", "version"])
    audit.record("schedule_block.padlock", block, user_id=user_id, open=is_open)


def set_day_open(location: Location, day: date, is_open: bool,
                 team_ids: Optional[Iterable[int]] = None, user_id: Optional[int] = None) -> int:
    """Open or lock every block of a day at a location (of the given teams); returns how many."""
    query = select(ScheduleBlock.id).where(ScheduleBlock.location_id == location.id,
                                           ScheduleBlock.day == day)
    if team_ids is not None:
        query = query.where(ScheduleBlock.team_id.in_(list(team_ids)))
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(update(ScheduleBlock).where(ScheduleBlock.id.in_(ids)).values(
            online_open=is_open, version=ScheduleBlock.version + 1),
            execution_options={"synchronize_session": False})
        db.session.execute(update(Slot).where(Slot.block_id.in_(ids)).values(online_open=is_open))
        db.session.expire_all()
    audit.record("schedule_day.padlock", location, user_id=user_id, day=day.isoformat(),
                 open=is_open, blocks=len(ids))
    return len(ids)


# --- Helpers --------------------------------------------------------------------

def _name(obj: object) -> str:
    return localized(obj, "name")


def _stale_message() -> str:
    return _("This time block was changed meanwhile (in another tab or by someone else). "
             "Nothing was saved: the form now shows the current block; make your change again.")


def _booked_meanwhile() -> str:
    return _("An appointment was booked in this block meanwhile. Nothing was changed: reload "
             "and try again.")


def _slot_list(slots: list[Slot]) -> str:
    named = [ngettext("%(time)s (%(num)d booked)", "%(time)s (%(num)d booked)", s.booked,
                      time=hhmm(s.starts_at)) for s in sorted(slots, key=lambda s: s.starts_at)[:NAMED_SLOTS]]
    if len(slots) > NAMED_SLOTS:
        named.append(_("and %(count)s more", count=len(slots) - NAMED_SLOTS))
    return ", ".join(named)


def _summary(block: ScheduleBlock, rows: Optional[list[dict]] = None) -> dict[str, object]:
    summary: dict[str, object] = {
        "location_id": block.location_id, "team_id": block.team_id, "day": block.day,
        "start": hhmm(block.start_time), "end": hhmm(block.end_time),
        "per_slot": block.per_slot_capacity, "online_open": block.online_open,
        "services": [s.id for s in block.services]}
    if rows is not None:
        summary["slots"] = len(rows)
    return summary
