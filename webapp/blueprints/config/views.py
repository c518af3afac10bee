"""Configuration menu."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...organization import checklist
from ...organization.public_page import set_online_booking
from ...web import organization, safe_next
from . import bp


@bp.get("/")
@requires(Perm.CONFIGURE)
def index() -> str:
    """The configuration menu: how ready the planner is, and every configuration screen."""
    return render_template("config/index.html", checklist=checklist.build())


@bp.post("/online-booking")
@requires(Perm.ONLINE_SWITCH)
def online_booking() -> Response:
    """Open or close online booking for the whole planner (CFG-8)."""
    org = organization()
    if org is None:
        abort(404)
    wanted = request.form.get("open")
    if wanted not in {"0", "1"}:
        abort(400)
    set_online_booking(org, wanted == "1")
    db.session.commit()
    if org.online_booking_open:
        flash(_("Online booking is open."), "success")
    else:
        flash(_("Online booking is closed: the public page shows the transitional message."),
              "info")
    return redirect(safe_next(request.form.get("next"), url_for("account.home")))
