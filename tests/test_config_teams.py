"""Configuration › Resources: teams and their associations (CFG-4), through the client."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import AuditLog, EligibilityAnswer, EligibilityQuestion, Team

from .factories import make_location, make_service, make_team
from .helpers import HX, text

TEAM = {"name": "Équipe infirmières - #1", "colour": "#1f6fb5", "category": "nurse",
        "capacity": "variable", "position": "3", "active": "y"}


@pytest.fixture
def pilot(client, auth):
    auth.login(Role.PILOTE)
    return client


def teams():
    return db.session.scalars(select(Team).order_by(Team.id)).all()


def audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_resources_lists_teams_and_accounts(pilot):
    location, service = make_location("Pharmacie A"), make_service("Dose 1")
    make_team("Équipe A", [location], [service], colour="#123456")
    page = pilot.get("/admin/config/resources").get_data(as_text=True)
    assert "Équipe A" in page and "Pharmacie A" in page and "Dose 1" in page
    assert 'fill="#123456"' in page
    assert "pilote@<wbr>test.example" in page and "Pilote" in page
    assert 'aria-current="page">Ressources' in page


def test_search_filters_both_lists_and_htmx_gets_only_the_lists(pilot):
    make_team("Équipe A")
    make_team("Équipe B")
    page = pilot.get("/admin/config/resources?q=b").get_data(as_text=True)
    lists = page.split('<div id="resource-lists">')[1]
    assert "Équipe B" in lists and "Équipe A" not in lists
    response = pilot.get("/admin/config/resources?q=pilote", headers=HX)
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="resource-lists">')
    assert "pilote@<wbr>test.example" in fragment and "Équipe B" not in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_create_a_team_plain_post(pilot):
    response = pilot.post("/admin/config/resources/teams/new", data=TEAM)
    assert response.status_code == 302
    [team] = teams()
    assert (team.name, team.colour, team.category, team.position, team.variable_capacity,
            team.active) == ("Équipe infirmières - #1", "#1f6fb5", "nurse", 3, True, True)
    [entry] = audit("team.created")
    assert entry.details["after"]["name"] == team.name and entry.user_id is not None
    assert "Équipe infirmières - #1" in pilot.get(response.headers["Location"]).get_data(
        as_text=True)


def test_create_a_team_with_htmx_returns_its_row(pilot):
    form = pilot.get("/admin/config/resources/teams/new", headers=HX).get_data(as_text=True)
    assert form.lstrip().startswith('<tr id="team-form-new"')
    response = pilot.post("/admin/config/resources/teams/new", headers=HX,
                          data={**TEAM, "capacity": "fixed"})
    [team] = teams()
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="team-{team.id}"')
    assert "Fixe" in row and "associez" in row.lower()
    assert "resources-changed" in response.headers["HX-Trigger"]
    assert team.variable_capacity is False


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Entrez le nom de l'équipe."),
    ("name", "   ", "Entrez le nom de l'équipe."),
    ("name", "x" * 121, "Au plus 120 caractères."),
    ("colour", "red", "Choisissez une couleur"),
    ("colour", "#12345g", "Choisissez une couleur"),
    ("position", "abc", "nombre entier"),
    ("position", "-1", "Un nombre entier de 0 à 9999."),
    ("category", "wizard", "choix"),
    ("capacity", "maybe", "choix"),
])
def test_bad_team_input_is_refused_next_to_the_field(pilot, field, value, message):
    for headers in ({}, HX):
        response = pilot.post("/admin/config/resources/teams/new", headers=headers,
                              data={**TEAM, field: value})
        page = text(response)
        assert response.status_code == 200
        assert f'id="{field}-error"' in page or field == "capacity"
        assert message.lower() in page.lower()
        assert teams() == []


def test_duplicate_team_name_is_refused(pilot):
    make_team("Équipe A")
    response = pilot.post("/admin/config/resources/teams/new", data={**TEAM, "name": "équipe a"})
    assert "Une autre équipe porte déjà ce nom" in text(response)
    assert len(teams()) == 1


def test_html_in_a_team_name_is_stored_as_text_and_shown_escaped(pilot):
    name = '<script>alert("x")</script><b>A</b>'
    pilot.post("/admin/config/resources/teams/new", data={**TEAM, "name": name})
    assert teams()[0].name == name
    page = pilot.get("/admin/config/resources").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>A</b>" not in page


def test_edit_a_team_in_place_and_audit_before_after(pilot):
    team = make_team("Équipe A", colour="#111111")
    form = pilot.get(f"/admin/config/resources/teams/{team.id}/edit", headers=HX)
    assert 'value="Équipe A"' in form.get_data(as_text=True)
    response = pilot.post(f"/admin/config/resources/teams/{team.id}/edit", headers=HX,
                          data={**TEAM, "name": "Équipe A2", "active": ""})
    assert response.get_data(as_text=True).lstrip().startswith(f'<tr id="team-{team.id}"')
    assert (team.name, team.active) == ("Équipe A2", False)
    [entry] = audit("team.updated")
    assert entry.details["changes"]["name"] == ["Équipe A", "Équipe A2"]
    assert entry.details["changes"]["active"] == [True, False]


def test_edit_without_javascript_is_a_page_and_a_redirect(pilot):
    team = make_team("Équipe A")
    page = pilot.get(f"/admin/config/resources/teams/{team.id}/edit").get_data(as_text=True)
    assert "<html" in page and "Équipe A" in page
    response = pilot.post(f"/admin/config/resources/teams/{team.id}/edit",
                          data={**TEAM, "name": "Renamed"})
    assert response.status_code == 302 and team.name == "Renamed"
    assert pilot.get(f"/admin/config/resources/teams/{team.id}").status_code == 302
    row = pilot.get(f"/admin/config/resources/teams/{team.id}", headers=HX)
    assert row.get_data(as_text=True).lstrip().startswith(f'<tr id="team-{team.id}"')


@pytest.mark.parametrize("url", [
    "/admin/config/resources/teams/999/edit", "/admin/config/resources/teams/999",
    "/admin/config/resources/teams/999/associations",
])
def test_unknown_team_is_404(pilot, url):
    assert pilot.get(url).status_code == 404
    if not url.endswith("999"):
        assert pilot.post(url, data=TEAM).status_code == 404


def _question(service):
    question = EligibilityQuestion(text_fr="Groupe?", text_en="Group?", answers=[
        EligibilityAnswer(text_fr="Travailleur", text_en="Worker", eligible=True, position=1),
        EligibilityAnswer(text_fr="70 ans et plus", text_en="70+", eligible=True, position=2),
        EligibilityAnswer(text_fr="Autre", text_en="Other", eligible=False, position=3)])
    service.questions.append(question)
    db.session.commit()
    return question


def test_association_dialog_saves_locations_services_and_answers(pilot):
    a, b = make_location("Pharmacie A"), make_location("Pharmacie B")
    dose1, dose2 = make_service("Dose 1"), make_service("Dose 2")
    question = _question(dose1)
    team = make_team("Équipe A")
    dialog = pilot.get(f"/admin/config/resources/teams/{team.id}/associations", headers=HX)
    html = dialog.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="association-dialog"')
    assert "Travailleur" in html and "Autre" not in html  # only eligible answers
    response = pilot.post(
        f"/admin/config/resources/teams/{team.id}/associations", headers=HX,
        data={"locations": [str(b.id)], "services": [str(dose1.id)],
              "answers": [str(question.answers[1].id)]})
    assert response.headers["HX-Retarget"] == f"#team-{team.id}"
    assert "close-dialog" in response.headers["HX-Trigger"]
    assert team.locations == [b] and team.services == [dose1]
    assert team.answers == [question.answers[1]]
    [entry] = audit("team.associated")
    assert entry.details["changes"]["locations"] == [[], ["Pharmacie B"]]
    response = pilot.post(f"/admin/config/resources/teams/{team.id}/associations",
                          data={"all_locations": "y", "all_services": "y"})
    assert response.status_code == 302
    assert team.all_locations and team.all_services
    assert dose2 and a


@pytest.mark.parametrize("field, value", [
    ("locations", "9999"), ("services", "abc"), ("answers", "9999"), ("answers", "non-eligible"),
])
def test_tampered_association_choices_are_refused(pilot, field, value):
    location, service = make_location("Pharmacie A"), make_service("Dose 1")
    question = _question(service)
    team = make_team("Équipe A", [location], [service])
    if value == "non-eligible":
        value = str(question.answers[2].id)
    data = {"locations": [str(location.id)], "services": [str(service.id)], field: [value]}
    response = pilot.post(f"/admin/config/resources/teams/{team.id}/associations",
                          headers=HX, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choisissez dans la liste." in page
    db.session.expire_all()
    assert team.locations == [location] and team.services == [service] and team.answers == []
    assert audit("team.associated") == []


def test_warnings_name_short_locations_and_teams_without_association(pilot):
    location = make_location("Pharmacie A")
    dose2 = make_service("Dose 2")
    make_team("Une", [location], [make_service("Dose 1", next_service=dose2)])
    make_team("Seule", [], [])
    make_team("Grippe", [make_location("Pharmacie B")], [make_service("Grippe")])
    page = text(pilot.get("/admin/config/resources"))
    assert "Pharmacie A a 1 équipe;" in page and "Pharmacie B a" not in page
    assert "Seule n'a aucun service." in page
    fragment = pilot.get("/admin/config/resources/warnings", headers=HX)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="association-warnings"')
    assert pilot.get("/admin/config/resources/warnings").status_code == 302
