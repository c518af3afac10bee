"""Which team gives which service where (CFG-4, guide §2.3).

A team is bookable for a service at a location only when it is associated with both:
with the location (or all locations) and with the service (or all services). For a
service with eligibility questions, a team may serve only some answers; for each
question, no ticked answer means every answer of that question. Schedules, staff
booking and the public pages all ask this module.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    EligibilityAnswer,
    EligibilityQuestion,
    Location,
    Service,
    Team,
    team_location,
    team_service,
)
from . import Refused

MIN_TEAMS_PER_LOCATION = 2  # guide §2.3: one for the 1st dose, one for the 2nd


class AssociationError(Refused):
    """A choice names a location, service or answer that does not exist, or an answer that
    is not eligible."""

    def __init__(self, field: str) -> None:
        super().__init__(_("Choose from the list."), field)


def has_location(team: Team, location: Location) -> bool:
    return team.all_locations or any(loc.id == location.id for loc in team.locations)


def has_service(team: Team, service: Service) -> bool:
    return team.all_services or any(s.id == service.id for s in team.services)


def serves_answers(team: Team, service: Service, answers: Optional[Iterable[Any]]) -> bool:
    """Whether the team takes a patient who gave these answers (ids or objects)."""
    if answers is None:
        return True
    given = {a if isinstance(a, int) else a.id for a in answers}
    served = {a.id for a in team.answers}
    for question in service.questions:
        ids = {a.id for a in question.answers}
        restricted = ids & served
        if restricted and (given & ids) and not (given & restricted):
            return False
    return True


def team_serves(team: Team, location: Location, service: Service,
                answers: Optional[Iterable[Any]] = None) -> bool:
    """Whether `team` may be booked for `service` at `location` (for these answers)."""
    return (team.active and location.active and service.active
            and has_location(team, location) and has_service(team, service)
            and serves_answers(team, service, answers))


@cache
def _offered_statement() -> Any:
    """`team_serves` (without answers) as SQL, for one location and one service; built once."""
    served = exists().where(
        Team.active.is_(True),
        or_(Team.all_locations.is_(True),
            exists().where(team_location.c.team_id == Team.id,
                           team_location.c.location_id == bindparam("p_location"))),
        or_(Team.all_services.is_(True),
            exists().where(team_service.c.team_id == Team.id,
                           team_service.c.service_id == bindparam("p_service"))))
    return (select(Location, Service)
            .join(Service, Service.id == bindparam("p_service"))  # one row of each, by key
            .where(Location.id == bindparam("p_location"), Location.active.is_(True),
                   Service.active.is_(True), served)
            # The questions and answers in the same query (a second round trip per page
            # with selectinload: the day's times page cost 3.6x /healthz on PostgreSQL).
            .options(joinedload(Service.questions).joinedload(EligibilityQuestion.answers)))


def offered_at(location_id: int, service_id: int) -> Optional[tuple[Location, Service]]:
    """The location and the service when an active team gives that service there (the rule
    of `team_serves`), with the service's questions and answers loaded; else None. One
    query on primary keys, where listing `locations_offering` would read every team's."""
    row = db.session.execute(_offered_statement(),
                             {"p_location": location_id, "p_service": service_id}
                             ).unique().first()  # a row per answer: the collections read whole
    return (row[0], row[1]) if row is not None else None


def active_teams() -> list[Team]:
    return list(db.session.scalars(
        select(Team).where(Team.active.is_(True)).order_by(Team.position, Team.name)))


def teams_for(location: Location, service: Service,
              answers: Optional[Iterable[Any]] = None) -> list[Team]:
    """The active teams bookable for `service` at `location`, in display order."""
    answers = list(answers) if answers is not None else None
    return [t for t in active_teams() if team_serves(t, location, service, answers)]


def locations_of(team: Team) -> list[Location]:
    """The active locations a team works at."""
    if team.all_locations:
        return list(db.session.scalars(
            select(Location).where(Location.active.is_(True)).order_by(Location.position)))
    return sorted((loc for loc in team.locations if loc.active), key=lambda loc: loc.position)


def services_of(team: Team) -> list[Service]:
    """The active services a team gives."""
    if team.all_services:
        return list(db.session.scalars(
            select(Service).where(Service.active.is_(True)).order_by(Service.position)))
    return sorted((s for s in team.services if s.active), key=lambda s: s.position)


def services_for(team: Team, location: Location) -> list[Service]:
    """The active services `team` gives at `location` (none if not associated there)."""
    if not (team.active and location.active and has_location(team, location)):
        return []
    return services_of(team)


def teams_at(location: Location) -> list[Team]:
    """The active teams associated with a location."""
    return [t for t in active_teams() if has_location(t, location)]


@dataclass
class Warnings:
    """What keeps the associations from being complete (shown on the Resources tab)."""

    short_locations: list[tuple[Location, int]] = field(default_factory=list)
    teams_without_location: list[Team] = field(default_factory=list)
    teams_without_service: list[Team] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.short_locations or self.teams_without_location
                    or self.teams_without_service)


def warnings() -> Warnings:
    teams = active_teams()
    found = Warnings()
    for location in db.session.scalars(
            select(Location).where(Location.active.is_(True)).order_by(Location.position)):
        at = [t for t in teams if has_location(t, location)]
        # Two teams, one for each dose: only where a service has a next dose (not for flu).
        multi_dose = any(s.next_service_id for t in at for s in services_of(t))
        count = len(at)
        if multi_dose and count < MIN_TEAMS_PER_LOCATION:
            found.short_locations.append((location, count))
    found.teams_without_location = [t for t in teams if not locations_of(t)]
    found.teams_without_service = [t for t in teams if not services_of(t)]
    return found


def describe(team: Team) -> dict[str, Any]:
    """The association of a team, as plain data for the audit log."""
    return {
        "all_locations": team.all_locations,
        "locations": sorted(loc.name_fr for loc in team.locations),
        "all_services": team.all_services,
        "services": sorted(s.name_fr for s in team.services),
        "answers": sorted(a.id for a in team.answers),
    }


def _by_ids(model: type, ids: Collection[int], field_name: str) -> list[Any]:
    wanted = set(ids)
    if not wanted:
        return []
    found: list[Any] = list(db.session.scalars(select(model).where(model.id.in_(wanted))))  # type: ignore[attr-defined]
    if len(found) != len(wanted):
        raise AssociationError(field_name)
    return found


def set_association(team: Team, *, all_locations: bool, location_ids: Collection[int],
                    all_services: bool, service_ids: Collection[int],
                    answer_ids: Collection[int]) -> None:
    """Replace a team's association; answers of services it does not give are dropped.

    Raises AssociationError (nothing changed) when an id does not exist or an answer is
    not an eligible one.
    """
    locations = _by_ids(Location, location_ids, "locations")
    services = _by_ids(Service, service_ids, "services")
    answers: list[EligibilityAnswer] = _by_ids(EligibilityAnswer, answer_ids, "answers")
    if any(not a.eligible for a in answers):
        raise AssociationError("answers")
    given = {s.id for s in services}
    team.all_locations, team.locations = all_locations, locations
    team.all_services, team.services = all_services, services
    team.answers = [a for a in answers if all_services or a.question.service_id in given]
