"""Team resources (CFG-4, guide §2.3): create and edit, each change audited."""
from __future__ import annotations

from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Team
from .changes import diff, snapshot

TEAM_FIELDS = ("name", "colour", "category", "variable_capacity", "position", "active")


class TeamError(ValueError):
    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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
    audit.record("team.created", team, after=snapshot(team, TEAM_FIELDS))
    return team


def update_team(team: Team, data: dict[str, Any]) -> None:
    _check_name(data["name"], other_than=team)
    before = snapshot(team, TEAM_FIELDS)
    for name, value in data.items():
        setattr(team, name, value)
    changes = diff(before, snapshot(team, TEAM_FIELDS))
    if changes:
        audit.record("team.updated", team, changes=changes)
