"""Statistics menu."""
from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from . import bp

PLANNED = (
    _l("Appointments booked online and by staff, fill rate, attendance and cancellations."),
)


@bp.get("/")
@requires(Perm.STATISTICS)
def index() -> str:
    """The statistics menu."""
    return render_template("menu_planned.html", title=_l("Statistics"), planned=PLANNED)
