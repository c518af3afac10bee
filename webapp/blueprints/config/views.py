"""Configuration menu."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ... import audit
from ...extensions import db
from ...permissions import requires
from ...roles import Perm
from ...web import organization, safe_next

bp = Blueprint("config", __name__, url_prefix="/admin/config")

PLANNED = (
    _l("Services, eligibility questions, locations, teams and associations."),
    _l("Staff accounts and their roles, automated communications and the public page."),
    _l("The readiness checklist."),
)


@bp.get("/")
@requires(Perm.CONFIGURE)
def index() -> str:
    """The configuration menu."""
    return render_template("menu_planned.html", title=_l("Configuration"), planned=PLANNED)


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
    org.online_booking_open = wanted == "1"
    audit.record("organization.online_booking", org, open=org.online_booking_open)
    db.session.commit()
    if org.online_booking_open:
        flash(_("Online booking is open."), "success")
    else:
        flash(_("Online booking is closed: the public page shows the transitional message."),
              "info")
    return redirect(safe_next(request.form.get("next"), url_for("account.home")))


# Part A of the menu (services, questions, locations, communications, public page) registers
# its routes on this blueprint.
from . import communications, locations, public_page, questions, services  # noqa: E402,F401
