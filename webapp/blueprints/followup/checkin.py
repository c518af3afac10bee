"""Follow-up menu: check-in at the counter by the coupon's number (typed or scanned)."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import followup
from ...accounts.permissions import location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...htmx import redirect_to
from ...timeutil import local_today
from . import bp


@bp.post("/check-in")
@requires(Perm.FOLLOWUP_EDIT)
def check_in() -> Response:
    """Mark today's appointment of this number present, then open it."""
    try:
        appointment = followup.check_in(request.form.get("number", "")[:100], location_scope(),
                                        team_scope(), local_today())
    except followup.CheckInRefused as refused:
        flash(refused.message, "error")
        return redirect_to(url_for("followup.index"))
    flash(_("%(name)s (%(number)s) is marked present.", name=appointment.patient.full_name,
            number=appointment.coupon), "success")
    return redirect_to(url_for("appointments.detail", appointment_id=appointment.id))
