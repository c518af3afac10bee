"""Schedules menu: the calendar of a location and its padlocks (SCH-1, SCH-5, SCH-7)."""
from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ... import params
from ...accounts.permissions import can, requires, team_scope
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment
from ...models import Location
from ...scheduling.blocks import set_block_open, set_day_open
from ...scheduling.calendar import Calendar, build, parse_day, parse_query, services_at
from ...timeutil import local_today
from . import blocks, bp, cloning  # noqa: F401  (their views join the blueprint)
from .access import block_or_403, location_or_403, scope_note, team_in_scope, visible_locations

__all__ = ["bp"]


@bp.context_processor
def _calendar_context() -> dict[str, Any]:
    """The shared calendar templates (templates/calendar/) link to this calendar."""
    return {"calendar_endpoint": "schedules.index", "scope_note": scope_note}


def calendar_for(args: Any, locations: list[Location]) -> Calendar | None:
    """The calendar the URL asks for (403/404 on a location outside the role's scope)."""
    query = parse_query(args, local_today())
    if not locations:
        return None
    location = location_or_403(query.location_id) if query.location_id is not None else locations[0]
    query.location_id = location.id
    return build(query, location, local_today(), team_scope())


def render_calendar(args: Any) -> Response:
    """The calendar page, or its fragment for htmx."""
    locations = visible_locations()
    calendar = calendar_for(args, locations)
    context: dict[str, Any] = {"cal": calendar, "locations": locations,
                               "can_edit": can(Perm.SCHEDULES_EDIT)}
    if calendar is not None:
        context["services"] = services_at(calendar.location_teams)
        context["filter_teams"] = calendar.location_teams
    return page_or_fragment("schedules/index.html", "schedules/_schedule.html", **context)


@bp.get("/")
@requires(Perm.SCHEDULES_VIEW)
def index() -> Response:
    """The calendar of a location by day, week or month, with its filters."""
    return render_calendar(request.args)


@bp.post("/blocks/<int:block_id>/padlock")
@requires(Perm.SCHEDULES_EDIT)
def block_padlock(block_id: int) -> Response | str:
    """Open (green) or lock (red) one block for online booking, in place."""
    block = block_or_403(block_id)
    wanted = request.form.get("open")
    if wanted not in {"0", "1"}:
        abort(400)
    set_block_open(block, wanted == "1", current_user.id)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for(".index", **request.args.to_dict(flat=False)))  # type: ignore[arg-type]
    calendar = calendar_for(request.args, visible_locations())
    assert calendar is not None
    cell = next((c for c in calendar.blocks if c.block.id == block_id), None)
    head = next(d for d in calendar.days if d.day == block.day) if calendar.days else None
    return render_template("schedules/_padlock_swap.html", cal=calendar, cell=cell, head=head,
                           can_edit=True)


@bp.post("/days/padlock")
@requires(Perm.SCHEDULES_EDIT)
def day_padlock() -> Response:
    """Open or lock every block of a day (those of the role's teams)."""
    day = parse_day(request.form.get("day"))
    wanted = request.form.get("open")
    location_id = params.to_id(request.form.get("location"))
    if day is None or wanted not in {"0", "1"} or location_id is None:
        abort(400)
    location = location_or_403(location_id)
    team_in_scope(location)
    set_day_open(location, day, wanted == "1", team_scope(), current_user.id)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for(".index", **request.args.to_dict(flat=False)))  # type: ignore[arg-type]
    return render_calendar(request.args)
