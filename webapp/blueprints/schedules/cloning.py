"""Cloning a day onto the ticked days (SCH-4, guide §3.3)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Optional

from babel.dates import get_day_names
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ...accounts.permissions import requires, team_scope
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment, trigger
from ...models import Location, ScheduleBlock
from ...scheduling.blocks import BlockInvalid
from ...scheduling.calendar import parse_day
from ...scheduling.cloning import MAX_TARGETS, ClonePreview, block_totals, clone_day, preview, source_blocks
from ...timeutil import local_today
from . import bp
from .access import requested_location
from .forms import CloneForm

WEEK_ORDER = (6, 0, 1, 2, 3, 4, 5)  # Sunday first, as Québec calendars


def _targets(values: Any) -> tuple[list[date], list[str]]:
    """The ticked days, and the values that are not dates."""
    days, bad = [], []
    for raw in values.getlist("target"):
        day = parse_day(raw)
        if day is None:
            bad.append(raw[:20])
        else:
            days.append(day)
    return sorted(set(days)), bad


def _range(form: CloneForm) -> list[date]:
    """Every day of the optional range, on the chosen days of the week."""
    first, last = parse_day(form.range_from.data), parse_day(form.range_to.data)
    if first is None or last is None or last < first:
        return []
    weekdays = {w for w in form.weekdays.data or [] if w is not None} or set(range(7))
    count = min((last - first).days + 1, MAX_TARGETS + 1)
    return [d for d in (first + timedelta(days=i) for i in range(count))
            if d.weekday() in weekdays]


def _default_source(location: Location, targets: list[date]) -> Optional[date]:
    """The latest day with time blocks before the first target (the typical day)."""
    before = targets[0] if targets else local_today() + timedelta(days=1)
    query = select(func.max(ScheduleBlock.day)).where(ScheduleBlock.location_id == location.id,
                                                      ScheduleBlock.day < before)
    scope = team_scope()
    if scope is not None:
        query = query.where(ScheduleBlock.team_id.in_(scope))
    return db.session.scalar(query)


def _setup(form: CloneForm) -> None:
    names = get_day_names("wide", locale=get_locale())
    form.weekdays.choices = [(w, names[w]) for w in WEEK_ORDER]


def _preview_context(location: Location, source: Optional[date],
                     targets: list[date]) -> dict[str, Any]:
    """The source day's blocks (for reference) and what each target day would receive."""
    blocks = source_blocks(location, source, team_scope()) if source else []
    planned: Optional[ClonePreview] = None
    if blocks and source is not None:
        try:
            planned = preview(location, source, targets, team_scope())
        except BlockInvalid:
            planned = None  # nothing left to copy: the save says why
    return dict(preview=blocks, totals=block_totals([b.id for b in blocks]), source=source,
                planned=planned, targets=targets)


def _render(form: CloneForm, location: Location, targets: list[date],
            error: Optional[str] = None) -> Response:
    return page_or_fragment("schedules/clone_page.html", "schedules/_clone.html", form=form,
                            location=location, error=error,
                            **_preview_context(location, parse_day(form.source.data), targets))


@bp.get("/clone")
@requires(Perm.SCHEDULES_EDIT)
def clone() -> Response:
    """The clone dialog: the ticked target days, and the day to copy."""
    location = requested_location()
    if location is None:
        flash(_("Choose a location, then tick the days to clone onto."), "info")
        return redirect(url_for(".index"))
    targets, bad = _targets(request.args)
    source = _default_source(location, targets)
    form = CloneForm(formdata=None, source=source.isoformat() if source else "")
    _setup(form)
    error = _("Unknown dates: %(values)s.", values=", ".join(bad)) if bad else None
    return _render(form, location, targets, error)


@bp.post("/clone")
@requires(Perm.SCHEDULES_EDIT)
def clone_post() -> Response:
    """Copy the source day's remaining availability into each target day."""
    location = requested_location()
    if location is None:
        return redirect(url_for(".index"))
    form = CloneForm()
    _setup(form)
    targets, bad = _targets(request.form)
    error = _("Unknown dates: %(values)s.", values=", ".join(bad)) if bad else None
    if form.validate_on_submit() and not bad:
        source = parse_day(form.source.data)
        assert source is not None
        try:
            report = clone_day(location, source, sorted(set(targets + _range(form))),
                               local_today(), team_ids=team_scope(), user_id=current_user.id)
        except BlockInvalid as exc:
            db.session.rollback()
            form.source.errors = [exc.errors["source"]] if "source" in exc.errors else []
            error = exc.errors.get("targets")
        else:
            db.session.commit()
            return _result(report, location)
    return _render(form, location, targets, error)


def _result(report: Any, location: Location) -> Response:
    html = render_template("schedules/_clone_result.html" if is_htmx()
                           else "schedules/clone_result_page.html", report=report,
                           location=location)
    response = make_response(html)
    response.vary.add("HX-Request")
    return trigger(response, "schedule-changed") if is_htmx() else response


@bp.get("/clone/preview")
@requires(Perm.SCHEDULES_EDIT)
def clone_preview() -> Response | str:
    """The source day's blocks and what each target day would receive, before cloning."""
    location = requested_location()
    if location is None:
        return redirect(url_for(".index"))
    source = parse_day(request.args.get("source"))
    targets, _bad = _targets(request.args)
    return render_template("schedules/_clone_preview.html", bad=source is None,
                           **_preview_context(location, source, targets))
