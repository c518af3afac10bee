"""Which slots can still be booked, for staff and for citizens online (APT-1, PUB-4, PUB-9).

One query each, on the slot's (location, start) index; no query per slot. Citizens see
only open slots of open blocks, while the global switch is on, within the service's
horizon; staff also see locked slots. Nobody sees the past (staff still see a slot that
has started and not ended: the walk-in at the counter).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Optional

from sqlalchemy import ColumnElement, and_, exists, or_, select

from .extensions import db
from .models import (
    EligibilityAnswer,
    Location,
    Organization,
    Service,
    Slot,
    Team,
    block_service,
    team_answer,
    team_location,
    team_service,
    utcnow,
)
from .timeutil import planner_zone

STAFF_LOOKBACK = timedelta(hours=12)  # bounds the index range; no slot lasts longer


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, planner_zone())


def horizon_end(service: Service, now: datetime) -> date:
    """The last day citizens may book this service online."""
    return now.astimezone(planner_zone()).date() + timedelta(days=service.horizon_days)


def online_open() -> bool:
    org = db.session.get(Organization, 1)
    return bool(org and org.online_booking_open)


def team_serves(service_id: Any) -> list[ColumnElement[bool]]:
    """The slot's team is active and associated with the service and the slot's location.

    Each condition correlates directly with `Slot`, so they belong in a query on Slot."""
    return [
        exists().where(Team.id == Slot.team_id, Team.active.is_(True)),
        or_(exists().where(Team.id == Slot.team_id, Team.all_services.is_(True)),
            exists().where(team_service.c.team_id == Slot.team_id,
                           team_service.c.service_id == service_id)),
        or_(exists().where(Team.id == Slot.team_id, Team.all_locations.is_(True)),
            exists().where(team_location.c.team_id == Slot.team_id,
                           team_location.c.location_id == Slot.location_id)),
    ]


def serves_answers(answers: Optional[Mapping[Any, Any]]) -> list[ColumnElement[bool]]:
    """The slot's team serves these eligibility answers ({question id: answer id}): for each
    question, either the team lists no answer of it (it serves them all) or it lists this one."""
    conditions: list[ColumnElement[bool]] = []
    for question_id, answer_id in (answers or {}).items():
        lists_some = exists().where(
            team_answer.c.team_id == Slot.team_id,
            team_answer.c.answer_id == EligibilityAnswer.id,
            EligibilityAnswer.question_id == int(question_id))
        lists_this = exists().where(team_answer.c.team_id == Slot.team_id,
                                    team_answer.c.answer_id == int(answer_id))
        conditions.append(or_(~lists_some, lists_this))
    return conditions


def _conditions(service: Service, *, online: bool, now: datetime,
                location_id: Optional[int] = None,
                day: Optional[date] = None,
                answers: Optional[Mapping[Any, Any]] = None) -> Optional[list[ColumnElement[bool]]]:
    """The WHERE clauses of "bookable slots", or None when nothing can be booked at all."""
    if online and not (service.active and online_open()):
        return None
    conditions: list[ColumnElement[bool]] = [
        Slot.booked < Slot.capacity,
        exists().where(block_service.c.block_id == Slot.block_id,
                       block_service.c.service_id == service.id),
        *team_serves(service.id),
        *serves_answers(answers),
    ]
    if online:
        conditions += [Slot.starts_at > now, Slot.online_open.is_(True),
                       Slot.starts_at < local_midnight(horizon_end(service, now) + timedelta(days=1)),
                       exists().where(Location.id == Slot.location_id, Location.active.is_(True))]
    else:
        conditions += [Slot.starts_at > now - STAFF_LOOKBACK, Slot.ends_at > now]
    if location_id is not None:
        conditions.append(Slot.location_id == location_id)
    if day is not None:
        conditions += [Slot.day == day, Slot.starts_at >= local_midnight(day),
                       Slot.starts_at < local_midnight(day + timedelta(days=1))]
    return conditions


def find_availability(service: Service, location: Optional[Location] = None,
                      day: Optional[date] = None, *, online: bool,
                      now: Optional[datetime] = None, limit: Optional[int] = None,
                      answers: Optional[Mapping[Any, Any]] = None) -> list[Slot]:
    """The slots with places left for this service, in time order."""
    conditions = _conditions(service, online=online, now=now or utcnow(),
                             location_id=location.id if location else None, day=day,
                             answers=answers)
    if conditions is None:
        return []
    query = select(Slot).where(and_(*conditions)).order_by(Slot.starts_at, Slot.id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def available_days(service: Service, location: Optional[Location] = None, *, online: bool,
                   now: Optional[datetime] = None,
                   answers: Optional[Mapping[Any, Any]] = None) -> list[date]:
    """The days that still have places for this service (PUB-4 date picker)."""
    conditions = _conditions(service, online=online, now=now or utcnow(),
                             location_id=location.id if location else None, answers=answers)
    if conditions is None:
        return []
    query = select(Slot.day).where(and_(*conditions)).distinct().order_by(Slot.day)
    return list(db.session.scalars(query))


def nearest_alternatives(slot: Slot, service: Service, n: int = 5, *, online: bool,
                         now: Optional[datetime] = None) -> list[Slot]:
    """Up to `n` other bookable times at the same location, the nearest to `slot` first
    in distance, returned in time order (PUB-9)."""
    conditions = _conditions(service, online=online, now=now or utcnow(),
                             location_id=slot.location_id)
    if conditions is None:
        return []
    conditions.append(Slot.id != slot.id)
    after = db.session.scalars(
        select(Slot).where(and_(*conditions), Slot.starts_at >= slot.starts_at)
        .order_by(Slot.starts_at, Slot.id).limit(n)).all()
    before = db.session.scalars(
        select(Slot).where(and_(*conditions), Slot.starts_at < slot.starts_at)
        .order_by(Slot.starts_at.desc(), Slot.id.desc()).limit(n)).all()
    nearest = sorted([*after, *before], key=lambda s: abs(s.starts_at - slot.starts_at))[:n]
    return sorted(nearest, key=lambda s: (s.starts_at, s.id))
