"""Team resources (CFG-4, guide §2.3): created and modified, and associated with the
locations, services and eligibility answers they serve. Every change is audited; a change
the rules refuse raises TeamError (or AssociationError) and changes nothing."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Team
from . import Refused, associations
from .changes import apply, record_changes, record_created, snapshot

TEAM_FIELDS = ("name", "colour", "category", "variable_capacity", "position", "active")


class TeamError(Refused):
    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message, field)


def _check_name(name: str, other_than: Optional[Team] = None) -> None:
    wanted = name.casefold()  # in Python: SQLite lowers ASCII letters only
    teams = db.session.scalars(select(Team)).all()
    if any(t.name.casefold() == wanted and t is not other_than for t in teams):
        raise TeamError(_("Another team already has this name: choose another one "
                          "(for example “%(name)s - #2”).", name=name))


def create_team(data: dict[str, Any]) -> Team:
    _check_name(data["name"])
    team = Team(**data)
    db.session.add(team)
    db.session.flush()
    record_created("team.created", team, snapshot(team, TEAM_FIELDS))
    return team


def update_team(team: Team, data: dict[str, Any]) -> Team:
    _check_name(data["name"], other_than=team)
    apply("team.updated", team, data)
    return team


def associate(team: Team, *, all_locations: bool, location_ids: Collection[int],
              all_services: bool, service_ids: Collection[int],
              answer_ids: Collection[int]) -> Team:
    """Replace where the team may be booked (see `associations.set_association`)."""
    before = associations.describe(team)
    associations.set_association(team, all_locations=all_locations, location_ids=location_ids,
                                 all_services=all_services, service_ids=service_ids,
                                 answer_ids=answer_ids)
    record_changes("team.associated", team, before, associations.describe(team))
    return team
