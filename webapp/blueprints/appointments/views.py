"""Appointments menu."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from ...permissions import requires
from ...roles import Perm

bp = Blueprint("appointments", __name__, url_prefix="/admin/appointments")

PLANNED = (
    _l("The calendar of open and locked slots, with the places left."),
    _l("Booking an appointment for a patient at the counter or by phone."),
    _l("Confirmation, coupon printing, modifying and rebooking."),
)


@bp.get("/")
@requires(Perm.APPOINTMENTS_VIEW)
def index() -> str:
    """The appointments menu."""
    return render_template("menu_planned.html", title=_l("Appointments"), planned=PLANNED)
