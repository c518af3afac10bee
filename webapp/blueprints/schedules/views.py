"""Schedules menu."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from ...permissions import requires
from ...roles import Perm

bp = Blueprint("schedules", __name__, url_prefix="/admin/schedules")

PLANNED = (
    _l("The calendar of each location's time blocks by day, week or month."),
    _l("Creating a typical day, cloning it over many days, opening or locking blocks online."),
)


@bp.get("/")
@requires(Perm.SCHEDULES_VIEW)
def index() -> str:
    """The schedules menu."""
    return render_template("menu_planned.html", title=_l("Schedules"), planned=PLANNED)
