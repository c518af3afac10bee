"""Follow-up menu."""
from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from . import bp

PLANNED = (
    _l("The list of appointments by day, week, month or three months, with or without cancellations."),
    _l("Search by confirmation number, name, birth date, phone or email."),
    _l("Marking patients present, absent or not eligible; printing and Excel export."),
)


@bp.get("/")
@requires(Perm.FOLLOWUP_VIEW)
def index() -> str:
    """The follow-up menu."""
    return render_template("menu_planned.html", title=_l("Follow-up"), planned=PLANNED)
