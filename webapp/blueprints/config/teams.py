"""Configuration › Resources: teams and their associations (CFG-4, guide §2.3)."""
from __future__ import annotations

from typing import Any, Optional

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import localized
from ...htmx import is_htmx, page_or_fragment, retarget
from ...models import Location, Service, Team
from ...organization import associations, staff
from ...organization.changes import diff
from ...organization.teams import TeamError, create_team, update_team
from . import bp
from .team_forms import AssociationForm, TeamForm

CHANGED = "resources-changed"


def team_row(team: Team, notice: Optional[str] = None, *events: str) -> Response:
    """The team's row of the Resources tab, telling the page what changed."""
    response = make_response(render_template(
        "config/_team_row.html", t=team, notice=notice, category_label=staff.category_label))
    response.headers["HX-Trigger"] = ", ".join((CHANGED, *events))
    return response


def _saved(team: Team, message: str) -> Response:
    if is_htmx():
        return team_row(team, message)
    flash(message, "success")
    return redirect(url_for("config.resources", _anchor=f"team-{team.id}"))


@bp.route("/resources/teams/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def team_new() -> Response:
    """Add a team ("Ajout d'une équipe")."""
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = create_team(form.team_data())
        except TeamError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            return _saved(team, _("Team “%(name)s” added. Now associate it with its "
                                  "locations and services.", name=team.name))
    return page_or_fragment("config/team_form.html", "config/_team_form_row.html",
                            form=form, team=None)


@bp.route("/resources/teams/<int:team_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def team_edit(team_id: int) -> Response:
    """Edit a team: name, colour, category, capacity, order, active."""
    team = db.get_or_404(Team, team_id)
    form = TeamForm(data=None if request.method == "POST" else _team_initial(team))
    if form.validate_on_submit():
        try:
            update_team(team, form.team_data())
        except TeamError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            return _saved(team, _("Team “%(name)s” saved.", name=team.name))
    return page_or_fragment("config/team_form.html", "config/_team_form_row.html",
                            form=form, team=team)


@bp.get("/resources/teams/<int:team_id>")
@requires(Perm.CONFIGURE)
def team_show(team_id: int) -> Response:
    """A team's row (htmx: cancelling an edit); otherwise the Resources tab."""
    team = db.get_or_404(Team, team_id)
    if not is_htmx():
        return redirect(url_for("config.resources", _anchor=f"team-{team.id}"))
    return team_row(team)


def _team_initial(team: Team) -> dict[str, Any]:
    return {"name": team.name, "colour": team.colour, "category": team.category or "other",
            "capacity": "variable" if team.variable_capacity else "fixed",
            "position": team.position, "active": team.active}


def _association_form(team: Team) -> tuple[AssociationForm, list[Location], list[Service]]:
    locations = list(db.session.scalars(select(Location).order_by(Location.position)))
    services = list(db.session.scalars(select(Service).order_by(Service.position)))
    initial = None if request.method == "POST" else {
        "all_locations": team.all_locations, "locations": [loc.id for loc in team.locations],
        "all_services": team.all_services, "services": [s.id for s in team.services],
        "answers": [a.id for a in team.answers]}
    form = AssociationForm(data=initial)
    form.locations.choices = [(loc.id, localized(loc, "name")) for loc in locations]
    form.services.choices = [(s.id, localized(s, "name")) for s in services]
    form.answers.choices = [(a.id, localized(a, "text")) for s in services
                            for q in s.questions for a in q.answers if a.eligible]
    return form, locations, services


@bp.route("/resources/teams/<int:team_id>/associations", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def team_associations(team_id: int) -> Response:
    """Associate a team with locations, services and eligibility answers (the matrix)."""
    team = db.get_or_404(Team, team_id)
    form, locations, services = _association_form(team)
    if form.validate_on_submit():
        before = associations.describe(team)
        try:
            associations.set_association(
                team, all_locations=form.all_locations.data, location_ids=form.locations.data,
                all_services=form.all_services.data, service_ids=form.services.data,
                answer_ids=form.answers.data)
        except associations.AssociationError as error:
            form[error.field].errors.append(_("Choose from the list."))
        else:
            changes = diff(before, associations.describe(team))
            if changes:
                audit.record("team.associated", team, changes=changes)
            db.session.commit()
            message = _("Associations of “%(name)s” saved.", name=team.name)
            if is_htmx():
                return retarget(team_row(team, message, "close-dialog"), f"#team-{team.id}")
            flash(message, "success")
            return redirect(url_for("config.resources", _anchor=f"team-{team.id}"))
    return page_or_fragment("config/associations.html", "config/_associations.html", form=form,
                            team=team, locations=locations, services=services)
