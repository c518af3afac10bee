"""Look-ups shared by the schedules views: they answer 404 or 403 themselves."""
from __future__ import annotations

from typing import Optional

from flask import abort, request
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ... import params
from ...accounts.permissions import location_scope, may_see_location, require_scope, team_scope
from ...extensions import db
from ...formatting import localized
from ...models import Location, ScheduleBlock, Team, team_location
from ...scheduling.blocks import teams_at
from ...web import refuse


def visible_locations() -> list[Location]:
    """The locations the active role may see, active ones first; a role limited to its own
    teams sees only the locations where one of them works (it can act nowhere else)."""
    scope = location_scope()
    query = select(Location).order_by(Location.active.desc(), Location.position,
                                      Location.name_fr)
    if scope is not None:
        query = query.where(Location.id == scope)
    teams = team_scope()
    if teams is not None:
        linked = select(team_location.c.location_id).where(team_location.c.team_id.in_(teams))
        everywhere = select(Team.id).where(Team.id.in_(teams), Team.active, Team.all_locations)
        query = query.where(or_(Location.id.in_(linked), everywhere.exists()))
    return list(db.session.scalars(query))


def scope_note() -> Optional[str]:
    """Why a role limited to its own teams does not see every location, or None."""
    if team_scope() is None:
        return None
    return _("Only the locations where your teams work are shown: your role acts on your own "
             "teams' schedules and appointments.")


def location_or_403(location_id: Optional[int]) -> Location:
    """The location asked for: 404 when unknown, 403 outside the role's scope."""
    # Ids beyond a 32-bit integer exist nowhere (and overflow some databases): unknown.
    bounded = location_id if location_id and 0 < location_id < 2**31 else None
    location = db.session.get(Location, bounded) if bounded else None
    if location is None:
        abort(404)
    if not may_see_location(location.id):
        abort(403)
    if team_scope() is not None and location not in visible_locations():
        team_in_scope(location)  # none of the role's teams works there: 403 saying so
    return location


def requested_location() -> Optional[Location]:
    """The location named by `location` in the query or form, if any (404/403 checked)."""
    raw = request.values.get("location", "")
    if not raw:
        return None
    location_id = params.to_id(raw)
    if location_id is None:
        abort(404)
    return location_or_403(location_id)


def block_or_403(block_id: int) -> ScheduleBlock:
    """A block the active role may see: 404 when unknown, 403 for another location or team."""
    block = db.session.get(ScheduleBlock, block_id)
    if block is None:
        abort(404)
    require_scope(block.location_id, block.team_id)
    return block


def team_in_scope(location: Location, team_id: Optional[int] = None) -> None:
    """A role limited to its teams may only act where one of them works, and only for them:
    403 with a message otherwise (never a silent no-op)."""
    scope = team_scope()
    if scope is None:
        return
    if team_id is not None and team_id not in scope:
        refuse(_("You may only manage the time blocks of your own teams."))
    if not teams_at(location, scope):
        refuse(_("None of your teams works at %(location)s: its schedule is managed by "
                 "another team.", location=localized(location, "name")))
