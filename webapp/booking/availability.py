"""Which slots can still be booked, for staff and for citizens online (APT-1, PUB-4, PUB-9).

One query each, on the slot's (location, start) index; no query per slot. Citizens see
only open slots of open blocks, while the global switch is on, within the service's
horizon; staff also see locked slots. Nobody sees the past (staff still see a slot that
has started and not ended: the walk-in at the counter).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Optional

from sqlalchemy import ColumnElement, Row, and_, bindparam, exists, or_, select

from ..extensions import db
from ..models import (
    EligibilityAnswer,
    Location,
    Service,
    Slot,
    Team,
    block_service,
    team_answer,
    team_location,
    team_service,
    utcnow,
)
from ..organization import current as current_organization
from ..timeutil import planner_zone

STAFF_LOOKBACK = timedelta(hours=12)  # bounds the index range; no slot lasts longer


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, planner_zone())


def horizon_end(service: Service, now: datetime) -> date:
    """The last day citizens may book this service online."""
    return now.astimezone(planner_zone()).date() + timedelta(days=service.horizon_days)


def online_open() -> bool:
    org = current_organization()
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


_TS = Slot.starts_at.type  # bind values of instants go through UTCDateTime


def _conditions(online: bool, by_location: bool, by_day: bool) -> list[ColumnElement[bool]]:
    """The WHERE clauses of "bookable slots" as bind parameters (values given at run time)."""
    conditions: list[ColumnElement[bool]] = [
        Slot.booked < Slot.capacity,
        exists().where(block_service.c.block_id == Slot.block_id,
                       block_service.c.service_id == bindparam("p_service")),
        *team_serves(bindparam("p_service")),
        Slot.starts_at > bindparam("p_from", type_=_TS),
    ]
    if online:
        conditions += [Slot.online_open.is_(True),
                       Slot.starts_at < bindparam("p_until", type_=_TS),
                       exists().where(Location.id == Slot.location_id, Location.active.is_(True))]
    else:
        conditions.append(Slot.ends_at > bindparam("p_now", type_=_TS))
    if by_location:
        conditions.append(Slot.location_id == bindparam("p_location"))
    if by_day:
        conditions += [Slot.day == bindparam("p_day"),
                       Slot.starts_at >= bindparam("p_day_from", type_=_TS),
                       Slot.starts_at < bindparam("p_day_until", type_=_TS)]
    return conditions


@cache
def _statement(kind: str, online: bool, by_location: bool, by_day: bool = False) -> Any:
    """Each query shape is built once: building one costs more than running it."""
    where = and_(*_conditions(online, by_location, by_day))
    if kind == "slots":
        return select(Slot).where(where).order_by(Slot.starts_at, Slot.id)
    if kind == "times":
        return (select(Slot.id, Slot.starts_at, Slot.capacity, Slot.booked).where(where)
                .order_by(Slot.starts_at, Slot.id))
    if kind == "days":
        return select(Slot.day).where(where).distinct().order_by(Slot.day)
    if kind == "locations":
        return select(Slot.location_id).where(where).distinct()
    other = and_(where, Slot.id != bindparam("p_slot"))
    if kind == "after":
        return (select(Slot).where(other, Slot.starts_at >= bindparam("p_at", type_=_TS))
                .order_by(Slot.starts_at, Slot.id).limit(bindparam("p_n")))
    return (select(Slot).where(other, Slot.starts_at < bindparam("p_at", type_=_TS))
            .order_by(Slot.starts_at.desc(), Slot.id.desc()).limit(bindparam("p_n")))


def _params(service: Service, *, online: bool, now: Optional[datetime],
            location_id: Optional[int] = None,
            day: Optional[date] = None) -> Optional[dict[str, Any]]:
    """The bind values, or None when nothing can be booked online at all."""
    now = now or utcnow()
    if online and not (service.active and online_open()):
        return None
    params: dict[str, Any] = {"p_service": service.id, "p_location": location_id}
    if online:
        params["p_from"] = now
        params["p_until"] = local_midnight(horizon_end(service, now) + timedelta(days=1))
    else:
        params["p_from"], params["p_now"] = now - STAFF_LOOKBACK, now
    if day is not None:
        params.update(p_day=day, p_day_from=local_midnight(day),
                      p_day_until=local_midnight(day + timedelta(days=1)))
    return params


def teams_refused(answers: Optional[Mapping[Any, Any]]) -> set[int]:
    """The teams that do not serve these eligibility answers ({question id: answer id}).
    A team that lists no answer of a question serves all of them (CFG-2)."""
    if not answers:
        return set()
    chosen = {int(q): int(a) for q, a in answers.items()}
    listed = db.session.execute(
        select(team_answer.c.team_id, EligibilityAnswer.question_id, team_answer.c.answer_id)
        .join(EligibilityAnswer, EligibilityAnswer.id == team_answer.c.answer_id)
        .where(EligibilityAnswer.question_id.in_(chosen))).all()
    lists: dict[tuple[int, int], set[int]] = {}
    for team, question, answer in listed:
        lists.setdefault((team, question), set()).add(answer)
    return {team for (team, question), answers_ in lists.items()
            if chosen[question] not in answers_}


def _restricted(query: Any, answers: Optional[Mapping[Any, Any]]) -> Any:
    refused = teams_refused(answers)
    return query.where(Slot.team_id.not_in(refused)) if refused else query


def find_availability(service: Service, location: Optional[Location] = None,
                      day: Optional[date] = None, *, online: bool,
                      now: Optional[datetime] = None, limit: Optional[int] = None,
                      answers: Optional[Mapping[Any, Any]] = None) -> list[Slot]:
    """The slots with places left for this service, in time order; with `answers`, only
    those of the teams that serve them."""
    params = _params(service, online=online, now=now,
                     location_id=location.id if location else None, day=day)
    if params is None:
        return []
    query = _statement("slots", online, location is not None, day is not None)
    slots = list(db.session.scalars(_restricted(query, answers), params))
    return slots[:limit] if limit else slots


def available_times(service: Service, location: Location, day: date, *,
                    answers: Optional[Mapping[Any, Any]] = None) -> list[Row[Any]]:
    """The day's slots a citizen may book there, as rows (id, starts_at, capacity, booked)
    in time order: a times page shows nothing else, and making 40 `Slot` objects cost more
    than the query (issue 15)."""
    params = _params(service, online=True, now=None, location_id=location.id, day=day)
    if params is None:
        return []
    query = _statement("times", True, True, True)
    return list(db.session.execute(_restricted(query, answers), params))


def available_days(service: Service, location: Optional[Location] = None, *, online: bool,
                   now: Optional[datetime] = None,
                   answers: Optional[Mapping[Any, Any]] = None) -> list[date]:
    """The days that still have places for this service (PUB-4 date picker)."""
    params = _params(service, online=online, now=now,
                     location_id=location.id if location else None)
    if params is None:
        return []
    query = _statement("days", online, location is not None)
    return list(db.session.scalars(_restricted(query, answers), params))


def locations_with_availability(service: Service, *, online: bool,
                                now: Optional[datetime] = None) -> set[int]:
    """Ids of the locations that still have places for this service (PUB-1 results)."""
    params = _params(service, online=online, now=now)
    if params is None:
        return set()
    return set(db.session.scalars(_statement("locations", online, False), params))


def nearest_alternatives(slot: Slot, service: Service, n: int = 5, *, online: bool,
                         now: Optional[datetime] = None) -> list[Slot]:
    """Up to `n` other bookable times at the same location, the nearest to `slot` first
    in distance, returned in time order (PUB-9)."""
    params = _params(service, online=online, now=now, location_id=slot.location_id)
    if params is None:
        return []
    params.update(p_slot=slot.id, p_at=slot.starts_at, p_n=n)
    after = db.session.scalars(_statement("after", online, True), params).all()
    before = db.session.scalars(_statement("before", online, True), params).all()
    nearest = sorted([*after, *before], key=lambda s: abs(s.starts_at - slot.starts_at))[:n]
    return sorted(nearest, key=lambda s: (s.starts_at, s.id))
