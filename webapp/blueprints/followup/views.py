"""Follow-up menu: the list of appointments of the clinic day (FUP-1..3, guide §6)."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from ... import audit, followup
from ...accounts.permissions import can, location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import page_or_fragment
from ...models import Service, Team
from ..schedules.access import visible_locations
from . import bp

PERIOD_LABELS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month"),
                 "3months": _l("3 months")}
STATUS_LABELS = {"booked": _l("Booked"), "confirmed": _l("Confirmed"),
                 "cancelled": _l("Cancelled")}
ATTENDANCE_LABELS = {"undefined": _l("Undefined"), "present": _l("Present"),
                     "absent": _l("Absent"), "not_eligible": _l("Not eligible")}
ACTION_LABELS = {"present": _l("Mark present"), "absent": _l("Mark absent"),
                 "not_eligible": _l("Mark not eligible"), "undefined": _l("Mark undefined"),
                 "confirm": _l("Confirm"), "cancel": _l("Cancel the appointment")}


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


@bp.get("/")
@requires(Perm.FOLLOWUP_VIEW)
def index() -> Response:
    """The follow-up list: filters, search, page and sort from the URL."""
    query = followup.parse(request.args)
    page = followup.build(query, location_scope(), team_scope())
    response = page_or_fragment(
        "followup/index.html", "followup/_list.html", q=query, result=page,
        can_edit=can(Perm.FOLLOWUP_EDIT), period_labels=PERIOD_LABELS,
        status_labels=STATUS_LABELS, attendance_labels=ATTENDANCE_LABELS,
        action_labels=ACTION_LABELS, **_choices())
    # Recorded once the page is rendered: the commit would expire the rows it shows.
    audit.record_access("followup_list", filters=query.params(page=query.page),
                        rows=len(page.rows))
    db.session.commit()
    return response
