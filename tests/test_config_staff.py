"""Configuration › Resources: staff accounts and their roles (CFG-5), through the client."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import AuditLog, Message, RoleAssignment, User

from .factories import PASSWORD, make_location, make_team, make_user
from .helpers import HX, text

NEW_PASSWORD = "Bleuet-Lac-2031!"
ACCOUNT = {"language": "fr_CA", "colour": "#9e9e9e", "category": "nurse", "first_name": "Marie",
           "last_name": "Tremblay", "phone": "418 555-0100", "cell_phone": "",
           "planner_access": "y", "email": "Marie.Tremblay@Test.example",
           "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


@pytest.fixture
def pilot(client, auth):
    auth.login(Role.PILOTE)
    return client


def me():
    return User.by_email("pilote@test.example")



def audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def user_count():
    return len(db.session.scalars(select(User)).all())


def edit_data(user, **changes):
    data = {**ACCOUNT, "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "password": "", "confirm": ""}
    data.update(changes)
    return data


# --- Create ----------------------------------------------------------------------------

def test_create_an_account_gets_consultation_2_and_opens_its_permissions(pilot, client):
    response = pilot.post("/admin/config/resources/accounts/new", data=ACCOUNT)
    user = User.by_email("marie.tremblay@test.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/accounts/{user.id}/roles")
    assert [r.role for r in user.roles] == [Role.CONSULTATION2.value]
    assert user.phone == "418 555-0100" and user.category == "nurse"
    assert user.check_password(NEW_PASSWORD)
    [entry] = audit("staff.created")
    assert entry.details["after"]["email"] == user.email
    assert NEW_PASSWORD not in str(entry.details)
    page = text(pilot.get(response.headers["Location"]))
    assert "Compte créé pour Marie Tremblay avec le rôle Consultation #2." in page
    assert "Consulte uniquement les horaires et les rendez-vous de sa propre équipe." in page


def test_create_with_htmx_returns_the_new_row_and_team_membership(pilot):
    team = make_team("Équipe A")
    form = pilot.get("/admin/config/resources/accounts/new", headers=HX)
    assert text(form).lstrip().startswith('<tr id="user-form-new"')
    response = pilot.post("/admin/config/resources/accounts/new", headers=HX,
                          data={**ACCOUNT, "teams": [str(team.id)]})
    user = User.by_email(ACCOUNT["email"])
    assert text(response).lstrip().startswith(f'<tr id="user-{user.id}"')
    assert user.teams == [team]


@pytest.mark.parametrize("field, value, message", [
    ("first_name", "", "Entrez le prénom."),
    ("last_name", "x" * 101, "Au plus 100 caractères."),
    ("email", "", "Entrez une adresse courriel."),
    ("email", "not-an-email", "Entrez une adresse courriel valide."),
    ("phone", "", "Entrez un numéro de téléphone."),
    ("phone", "123", "Entrez un numéro de téléphone valide"),
    ("cell_phone", "abc", "Entrez un numéro de téléphone valide"),
    ("password", "abc", "Au moins 8 caractères"),
    ("confirm", "Other-Pass-2031!", "Les deux mots de passe ne sont pas identiques."),
    ("colour", "javascript:alert(1)", "Choisissez une couleur"),
    ("language", "de", "choix"),
    ("category", "wizard", "choix"),
    ("teams", "999", "Choisissez dans la liste."),
    ("access_start", "2030-13-45", "date"),
])
def test_bad_account_input_is_refused_next_to_the_field(pilot, field, value, message):
    before = user_count()
    for headers in ({}, HX):
        response = pilot.post("/admin/config/resources/accounts/new", headers=headers,
                              data={**ACCOUNT, "limit_access": "y", "access_end": "2030-12-31",
                                    field: value})
        page = text(response)
        assert response.status_code == 200
        assert f'id="{field}-error"' in page
        assert message.lower() in page.lower()
    assert user_count() == before


def test_weak_password_lists_every_unmet_rule(pilot):
    page = text(pilot.post("/admin/config/resources/accounts/new",
                           data={**ACCOUNT, "password": "abc", "confirm": "abc"}))
    for rule in ("8 caractères", "majuscule", "chiffre", "caractère spécial"):
        assert rule in page


def test_access_window_that_ends_before_it_starts_is_refused(pilot):
    page = text(pilot.post("/admin/config/resources/accounts/new", data={
        **ACCOUNT, "limit_access": "y", "access_start": "2030-05-02",
        "access_end": "2030-05-01"}))
    assert "La date de fin doit être le même jour ou après la date de début." in page
    assert User.by_email(ACCOUNT["email"]) is None
    page = text(pilot.post("/admin/config/resources/accounts/new",
                           data={**ACCOUNT, "limit_access": "y"}))
    assert "Entrez une date de début, une date de fin, ou les deux." in page


def test_access_window_is_saved_only_when_limited(pilot):
    pilot.post("/admin/config/resources/accounts/new", data={
        **ACCOUNT, "access_start": "2030-05-01", "access_end": "2030-06-01"})
    user = User.by_email(ACCOUNT["email"])
    assert user.access_start is None and user.access_end is None
    pilot.post(f"/admin/config/resources/accounts/{user.id}/edit", data=edit_data(
        user, limit_access="y", access_start="2030-05-01", access_end="2030-06-01"))
    assert (user.access_start, user.access_end) == (date(2030, 5, 1), date(2030, 6, 1))


def test_duplicate_email_is_refused_with_a_clear_message(pilot):
    for email in ("pilote@test.example", " PILOTE@Test.Example "):
        page = text(pilot.post("/admin/config/resources/accounts/new",
                               data={**ACCOUNT, "email": email}))
        assert "Un compte utilise déjà ce courriel" in page
    assert user_count() == 1


def test_html_in_names_is_stored_as_text_and_shown_escaped(pilot):
    name = "<img src=x onerror=alert(1)>"
    pilot.post("/admin/config/resources/accounts/new", data={**ACCOUNT, "first_name": name})
    assert User.by_email(ACCOUNT["email"]).first_name == name
    page = pilot.get("/admin/config/resources").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# --- Edit, password, deactivate --------------------------------------------------------

def test_edit_an_account_in_place_and_audit_the_changes(pilot):
    user = make_user(Role.GESTION2, "nurse@test.example", phone="418 555-0100")
    team = make_team("Équipe A")
    form = pilot.get(f"/admin/config/resources/accounts/{user.id}/edit", headers=HX)
    assert 'value="nurse@test.example"' in text(form)
    response = pilot.post(f"/admin/config/resources/accounts/{user.id}/edit", headers=HX,
                          data=edit_data(user, last_name="Roy", teams=[str(team.id)]))
    assert text(response).lstrip().startswith(f'<tr id="user-{user.id}"')
    assert user.last_name == "Roy" and user.teams == [team]
    [entry] = audit("staff.updated")
    assert entry.details["changes"]["last_name"] == ["User", "Roy"]
    assert entry.details["changes"]["teams"] == [[], ["Équipe A"]]
    assert user.check_password(PASSWORD)  # no new password given: unchanged


def test_changing_the_email_to_one_in_use_is_refused(pilot):
    user = make_user(Role.GESTION2, "nurse@test.example", phone="418 555-0100")
    page = text(pilot.post(f"/admin/config/resources/accounts/{user.id}/edit",
                           data=edit_data(user, email="PILOTE@test.example")))
    assert "Un compte utilise déjà ce courriel" in page
    assert user.email == "nurse@test.example"


def test_pilot_resets_a_team_members_password(pilot, app):
    user = make_user(Role.GESTION2, "nurse@test.example", phone="418 555-0100")
    weak = text(pilot.post(f"/admin/config/resources/accounts/{user.id}/edit",
                           data=edit_data(user, password="password1", confirm="password1")))
    assert "majuscule" in weak and user.check_password(PASSWORD)
    pilot.post(f"/admin/config/resources/accounts/{user.id}/edit",
               data=edit_data(user, password=NEW_PASSWORD, confirm=NEW_PASSWORD))
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert audit("account.password_changed")
    other = app.test_client()
    ok = other.post("/admin/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert ok.status_code == 302 and "/admin/login" not in ok.headers["Location"]


def test_pilot_changing_their_own_password_stays_signed_in(pilot):
    user = me()
    user.phone = "418 555-0100"
    db.session.commit()
    pilot.post(f"/admin/config/resources/accounts/{user.id}/edit",
               data=edit_data(user, password=NEW_PASSWORD, confirm=NEW_PASSWORD))
    assert pilot.get("/admin/config/resources").status_code == 200


def test_send_a_reset_link_never_sends_a_password(pilot):
    user = make_user(Role.GESTION2, "nurse@test.example")
    response = pilot.post(f"/admin/config/resources/accounts/{user.id}/reset-link", headers=HX)
    assert "nurse@test.example" in text(response)
    [message] = db.session.scalars(select(Message)).all()
    assert message.recipient == "nurse@test.example" and "/admin/reset/" in message.body
    assert PASSWORD not in message.body
    assert audit("staff.reset_link_sent")
    user.active = False
    db.session.commit()
    response = pilot.post(f"/admin/config/resources/accounts/{user.id}/reset-link")
    assert response.status_code == 302
    assert "désactivé" in text(pilot.get(response.headers["Location"]))
    assert len(db.session.scalars(select(Message)).all()) == 1


def test_deactivate_and_reactivate_an_account(pilot, app):
    user = make_user(Role.GESTION2, "nurse@test.example")
    row = pilot.post(f"/admin/config/resources/accounts/{user.id}/active", headers=HX,
                     data={"active": "0"})
    assert "Désactivé" in text(row) and user.active is False
    refused = app.test_client().post("/admin/login",
                                     data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200
    pilot.post(f"/admin/config/resources/accounts/{user.id}/active", data={"active": "1"})
    assert user.active is True
    assert [e.action for e in audit("staff.deactivated") + audit("staff.activated")] == [
        "staff.deactivated", "staff.activated"]


def test_tampered_active_value_is_a_bad_request(pilot):
    user = make_user(Role.GESTION2, "nurse@test.example")
    assert pilot.post(f"/admin/config/resources/accounts/{user.id}/active",
                      data={"active": "maybe"}).status_code == 400
    assert user.active is True


# --- The Pilot rules --------------------------------------------------------------------

def test_a_pilot_cannot_deactivate_themselves(pilot):
    page = text(pilot.post(f"/admin/config/resources/accounts/{me().id}/active", headers=HX,
                           data={"active": "0"}))
    assert "C'est le dernier compte Pilote : un autre compte doit avoir le rôle" in page
    assert me().active is True


@pytest.mark.parametrize("change", [
    {"planner_access": ""},
    {"limit_access": "y", "access_start": (date.today() + timedelta(days=3)).isoformat()},
])
def test_a_pilot_cannot_lock_themselves_out_by_editing_their_account(pilot, change):
    other = make_user(Role.PILOTE, "other-pilot@test.example")
    assert other
    user = me()
    page = text(pilot.post(f"/admin/config/resources/accounts/{user.id}/edit",
                           data=edit_data(user, **change)))
    assert "Vous ne pouvez pas retirer votre propre accès" in page
    db.session.expire_all()
    assert me().planner_access is True and me().access_start is None


def test_a_pilot_cannot_remove_their_own_pilot_role(pilot):
    make_user(Role.PILOTE, "other-pilot@test.example")
    role = me().roles[0]
    page = text(pilot.post(f"/admin/config/resources/accounts/{me().id}/roles/{role.id}/delete",
                           headers=HX))
    assert "Vous ne pouvez pas retirer votre propre accès" in page
    assert db.session.get(RoleAssignment, role.id) is not None


@pytest.fixture
def last_pilot(pilot):
    """I am Pilot until next week; `other` is the one lasting Pilot."""
    me().roles[0].ends_on = date.today() + timedelta(days=7)
    other = make_user(Role.PILOTE, "other-pilot@test.example")
    db.session.commit()
    return other


def test_the_last_pilot_cannot_lose_the_role(pilot, last_pilot):
    role = last_pilot.roles[0]
    url = f"/admin/config/resources/accounts/{last_pilot.id}/roles/{role.id}"
    page = text(pilot.post(url + "/delete", headers=HX))
    assert "C'est le dernier compte Pilote" in page
    page = text(pilot.post(url, headers=HX, data={
        "edit-role": "pilote", "edit-location": "",
        "edit-ends_on": (date.today() + timedelta(days=30)).isoformat()}))
    assert "C'est le dernier compte Pilote" in page
    page = text(pilot.post(url, data={"edit-role": "gestion1", "edit-location": ""}))
    assert "C'est le dernier compte Pilote" in page
    db.session.expire_all()
    assert (role.role, role.ends_on) == ("pilote", None)


def test_the_last_pilot_cannot_be_deactivated_or_end_dated(pilot, last_pilot):
    page = text(pilot.post(f"/admin/config/resources/accounts/{last_pilot.id}/active",
                           headers=HX, data={"active": "0"}))
    assert "C'est le dernier compte Pilote" in page
    page = text(pilot.post(f"/admin/config/resources/accounts/{last_pilot.id}/edit",
                           data=edit_data(last_pilot, phone="418 555-0100", limit_access="y",
                                          access_end="2030-01-01")))
    assert "C'est le dernier compte Pilote" in page
    db.session.expire_all()
    assert last_pilot.active and last_pilot.access_end is None


def test_at_most_three_pilots(pilot):
    make_user(Role.PILOTE, "p2@test.example")
    make_user(Role.PILOTE, "p3@test.example")
    fourth = make_user(Role.GESTION1, "p4@test.example")
    page = text(pilot.post(f"/admin/config/resources/accounts/{fourth.id}/roles",
                           data={"add-role": "pilote", "add-location": ""}))
    assert "Au plus 3 comptes peuvent avoir le rôle Pilote" in page
    assert [r.role for r in fourth.roles] == ["gestion1"]
    # A deactivated Pilot does not count, and cannot come back as a fourth one.
    former = make_user(Role.PILOTE, "p5@test.example", active=False)
    page = text(pilot.post(f"/admin/config/resources/accounts/{former.id}/active", headers=HX,
                           data={"active": "1"}))
    assert "Au plus 3 comptes" in page and former.active is False


# --- Roles ------------------------------------------------------------------------------

def test_permissions_dialog_lists_roles_with_descriptions(pilot):
    user = make_user(Role.GESTION3, "nurse@test.example")
    dialog = text(pilot.get(f"/admin/config/resources/accounts/{user.id}/roles", headers=HX))
    assert dialog.lstrip().startswith('<div id="roles-dialog"')
    assert "Gestion #3" in dialog and "Tous les lieux" in dialog
    assert "n'appartient à aucune équipe" in dialog
    for description in ("Configure le planificateur", "Consulte tous les horaires"):
        assert description in dialog


def test_add_a_scoped_role_modify_and_remove_it(pilot):
    location = make_location("Pharmacie A")
    user = make_user(Role.CONSULTATION2, "nurse@test.example")
    url = f"/admin/config/resources/accounts/{user.id}/roles"
    response = pilot.post(url, headers=HX, data={
        "add-role": "gestion3", "add-location": str(location.id),
        "add-starts_on": "2030-01-01", "add-ends_on": "2030-06-30"})
    assert json.loads(response.headers["HX-Trigger"]) == {f"account-changed-{user.id}": {}}
    role = next(r for r in user.roles if r.role == "gestion3")
    assert (role.location, role.starts_on, role.ends_on) == (
        location, date(2030, 1, 1), date(2030, 6, 30))
    assert "Pharmacie A" in text(response)
    edit = text(pilot.get(f"{url}?edit={role.id}", headers=HX))
    assert 'value="2030-06-30"' in edit
    response = pilot.post(f"{url}/{role.id}", data={
        "edit-role": "gestion3", "edit-location": "", "edit-ends_on": ""})
    assert response.status_code == 302
    assert (role.location, role.ends_on) == (None, None)
    [entry] = audit("staff.role_updated")
    assert entry.details["changes"]["ends_on"] == ["2030-06-30", None]
    assert entry.details["changes"]["location"] == ["Pharmacie A", None]
    pilot.post(f"{url}/{role.id}/delete")
    assert [r.role for r in user.roles] == ["consultation2"]
    assert audit("staff.role_added") and audit("staff.role_removed")


@pytest.mark.parametrize("data, message", [
    ({"add-role": "gestion1", "add-starts_on": "2030-05-02", "add-ends_on": "2030-05-01"},
     "La date de fin doit être le même jour ou après la date de début."),
    ({"add-role": "admin"}, "choix"),
    ({"add-role": ""}, "Choisissez un rôle."),
    ({"add-role": "gestion1", "add-location": "999"}, "choix"),
    ({"add-role": "gestion1", "add-starts_on": "someday"}, "date"),
    ({"add-role": "consultation2"}, "Ce compte a déjà ce rôle pour ce lieu"),
    ({"add-role": "pilote", "add-location": "LOC"}, "Le rôle Pilote couvre tous les lieux"),
])
def test_bad_role_input_is_refused(pilot, data, message):
    location = make_location("Pharmacie A")
    user = make_user(Role.CONSULTATION2, "nurse@test.example")
    data = {k: (str(location.id) if v == "LOC" else v) for k, v in data.items()}
    response = pilot.post(f"/admin/config/resources/accounts/{user.id}/roles", headers=HX,
                          data=data)
    assert response.status_code == 200 and message.lower() in text(response).lower()
    assert [r.role for r in user.roles] == ["consultation2"]


def test_unknown_or_foreign_role_ids_are_404(pilot):
    user = make_user(Role.CONSULTATION2, "nurse@test.example")
    other = make_user(Role.GESTION1, "other@test.example")
    foreign = other.roles[0].id
    base = f"/admin/config/resources/accounts/{user.id}/roles"
    assert pilot.get(f"{base}?edit={foreign}").status_code == 404
    assert pilot.post(f"{base}/{foreign}", data={"edit-role": "pilote"}).status_code == 404
    assert pilot.post(f"{base}/{foreign}/delete").status_code == 404
    assert other.roles[0].role == "gestion1"
    for url in ("/admin/config/resources/accounts/999/edit",
                "/admin/config/resources/accounts/999/roles",
                "/admin/config/resources/accounts/999"):
        assert pilot.get(url).status_code == 404
    for url in ("/admin/config/resources/accounts/999/active",
                "/admin/config/resources/accounts/999/reset-link",
                "/admin/config/resources/accounts/999/roles"):
        assert pilot.post(url, data={"active": "0"}).status_code == 404
