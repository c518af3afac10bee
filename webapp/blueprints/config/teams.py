"""Configuration › Resources: teams and their associations (CFG-4, guide §2.3)."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import localized
from ...models import Location, Service, Team
from ...organization import staff
from ...organization.teams import associate, create_team, update_team
from . import bp
from .inplace import InPlace, save_form
from .team_forms import AssociationForm, TeamForm

# Each saved team tells the page (the association warnings refresh themselves).
TEAMS = InPlace("team", "config.resources", row="config/_team_row.html",
                form="config/_team_form_row.html", page="config/team_form.html",
                refused_status=200, events=("resources-changed",))
ASSOCIATIONS = InPlace("team", "config.resources", row="config/_team_row.html",
                       form="config/_associations.html", page="config/associations.html",
                       refused_status=200, events=("resources-changed",))


def _row(team: Team) -> dict[str, Any]:
    return {"t": team, "category_label": staff.category_label}


@bp.route("/resources/teams/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def team_new() -> Response:
    """Add a team ("Ajout d'une équipe")."""
    form = TeamForm()
    if team := save_form(form, lambda: create_team(form.team_data())):
        return TEAMS.saved(_("Team “%(name)s” added. Now associate it with its locations and "
                             "services.", name=team.name), TEAMS.list_url(team.id), **_row(team))
    return TEAMS.form_answer(form=form, team=None)


@bp.route("/resources/teams/<int:team_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def team_edit(team_id: int) -> Response:
    """Edit a team: name, colour, category, capacity, order, active."""
    team = db.get_or_404(Team, team_id)
    form = TeamForm(data=None if request.method == "POST" else _team_initial(team))
    if save_form(form, lambda: update_team(team, form.team_data())):
        return TEAMS.saved(_("Team “%(name)s” saved.", name=team.name), TEAMS.list_url(team.id),
                           **_row(team))
    return TEAMS.form_answer(form=form, team=team)


@bp.get("/resources/teams/<int:team_id>")
@requires(Perm.CONFIGURE)
def team_show(team_id: int) -> Response:
    """A team's row (htmx: cancelling an edit); otherwise the Resources tab."""
    team = db.get_or_404(Team, team_id)
    return TEAMS.row_or_list(TEAMS.list_url(team.id), **_row(team))


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
    if save_form(form, lambda: associate(
            team, all_locations=form.all_locations.data, location_ids=form.locations.data,
            all_services=form.all_services.data, service_ids=form.services.data,
            answer_ids=form.answers.data)):
        return ASSOCIATIONS.saved(_("Associations of “%(name)s” saved.", name=team.name),
                                  TEAMS.list_url(team.id), target=f"#team-{team.id}",
                                  events=("close-dialog",), **_row(team))
    return ASSOCIATIONS.form_answer(form=form, team=team, locations=locations, services=services)
