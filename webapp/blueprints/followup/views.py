"""Follow-up menu: the list of appointments of the clinic day (FUP-1..3, guide §6)."""
from __future__ import annotations

from typing import Any

from flask import flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ... import audit, followup, followup_columns
from ...accounts.permissions import can, location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import page_or_fragment, redirect_to
from ...models import Service, Team
from ..schedules.access import visible_locations
from . import bp

PRINT_ROWS = 100
PERIOD_LABELS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month"),
                 "3months": _l("3 months")}
STATUS_LABELS = {"booked": _l("Booked"), "confirmed": _l("Confirmed"),
                 "cancelled": _l("Cancelled")}
ATTENDANCE_LABELS = {"undefined": _l("Undefined"), "present": _l("Present"),
                     "absent": _l("Absent"), "not_eligible": _l("Not eligible")}
ACTION_LABELS = {"present": _l("Mark present"), "absent": _l("Mark absent"),
                 "not_eligible": _l("Mark not eligible"), "undefined": _l("Mark undefined"),
                 "confirm": _l("Confirm"), "send_reminder": _l("Send a reminder"),
                 "send_followup": _l("Send a follow-up"), "cancel": _l("Cancel the appointment")}
VIEW_LABELS = {"both": _l("Availability and appointments"),
               "appointments": _l("Appointments only"),
               "availability": _l("Availability only")}


def _choices() -> dict[str, Any]:
    """The filter panel's services, locations and teams, within the role's scope."""
    scope = team_scope()
    teams = select(Team).order_by(Team.position, Team.name)
    if scope is not None:
        teams = teams.where(Team.id.in_(scope))
    return {"locations": visible_locations(),
            "services": list(db.session.scalars(select(Service).order_by(Service.position,
                                                                         Service.name_fr))),
            "teams": list(db.session.scalars(teams))}


def _names(choices: dict[str, Any]) -> dict[str, Any]:
    """Location and team names by id, for the availability lines."""
    return {"location_names": {loc.id: loc for loc in choices["locations"]},
            "team_names": {team.id: team.name for team in choices["teams"]}}


@bp.get("/")
@requires(Perm.FOLLOWUP_VIEW)
def index() -> Response:
    """The follow-up list: filters, search, page and sort from the URL."""
    query = followup.parse(request.args)
    page = followup.build(query, location_scope(), team_scope())
    free = followup.availability(query, location_scope(), team_scope())
    choices = _choices()
    response = page_or_fragment(
        "followup/index.html", "followup/_list.html", q=query, result=page, free=free,
        can_edit=can(Perm.FOLLOWUP_EDIT), period_labels=PERIOD_LABELS,
        status_labels=STATUS_LABELS, attendance_labels=ATTENDANCE_LABELS,
        action_labels=ACTION_LABELS, view_labels=VIEW_LABELS, max_bulk=followup.MAX_BULK,
        columns=followup_columns.chosen(current_user), column_labels=followup_columns.COLUMNS,
        **choices, **_names(choices))
    # The camera reads coupons' QR codes here only (followup-scan.js); elsewhere it is off.
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    # Recorded once the page is rendered: the commit would expire the rows it shows.
    audit.record_access("followup_list", filters=query.params(page=query.page),
                        rows=len(page.rows))
    audit.commit_access()
    return response


@bp.get("/print")
@requires(Perm.FOLLOWUP_VIEW)
def print_view() -> Response:
    """FUP-5: a page of up to 100 appointments to print, a heading per team and a box to
    tick on paper for each patient."""
    query = followup.parse(request.args)
    page = followup.build(query, location_scope(), team_scope(), per_page=PRINT_ROWS)
    teams: dict[str, list[followup.Row]] = {}
    for row in sorted(page.rows, key=lambda r: (r.appointment.team.position,
                                                r.appointment.team.name)):
        teams.setdefault(row.appointment.team.name, []).append(row)
    response = make_response(render_template(
        "followup/print.html", q=query, result=page, teams=teams,
        columns=[c for c in followup_columns.chosen(current_user) if c != "team"],
        column_labels=followup_columns.COLUMNS, status_labels=STATUS_LABELS,
        attendance_labels=ATTENDANCE_LABELS))
    audit.record_access("followup_print", filters=query.params(page=query.page),
                        rows=len(page.rows))
    audit.commit_access()
    return response


@bp.post("/columns")
@requires(Perm.FOLLOWUP_VIEW)
def columns() -> Response:
    """FUP-4: remember the columns this account shows; an unknown column changes nothing."""
    query = followup.parse(request.form)
    try:
        followup_columns.choose(current_user, request.form.getlist("column")[:50])
    except followup_columns.UnknownColumn as unknown:
        flash(_("There is no column “%(name)s”; nothing was changed.", name=str(unknown)),
              "error")
    else:
        db.session.commit()
        flash(_("Your columns are saved."), "success")
    return redirect_to(url_for("followup.index", **query.params()))
