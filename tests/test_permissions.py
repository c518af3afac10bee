"""Every staff view checks the active role: the role x view matrix, and role switching."""
from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from webapp.extensions import db
from webapp.models import RoleAssignment, User
from webapp.timeutil import local_today

from .conftest import PASSWORD

PUBLIC_ADMIN_ENDPOINTS = {"auth.login", "auth.logout", "auth.forgot", "auth.reset"}
# Views that need a request body or arguments are checked with these requests.
POSTS = {
    "config.online_booking": {"open": "1"},
    "config.public_page_preview": {"welcome_fr": "Bonjour"},
    "config.team_new": {"name": "Matrix team", "colour": "#123456", "category": "other",
                        "capacity": "variable", "position": "0"},
    "config.account_new": {"first_name": "M", "last_name": "X", "email": "m@x.example",
                           "phone": "418 555-0100", "password": "Bleuet-Lac-2031!",
                           "confirm": "Bleuet-Lac-2031!", "language": "fr_CA",
                           "category": "other", "colour": "#9e9e9e"},
    "schedules.clone_post": {},
}
# Views that, asked without the data they work on, send the person back to their screen.
REDIRECTS = {
    "config.online_booking": "/admin/",
    "config.resource_warnings": "/admin/config/resources",
    "schedules.new_block": "/admin/schedules/",
    "schedules.team_part": "/admin/schedules/",
    "schedules.clone": "/admin/schedules/",
    "schedules.clone_post": "/admin/schedules/",
    "schedules.clone_preview": "/admin/schedules/",
}


def admin_endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and rule.endpoint not in PUBLIC_ADMIN_ENDPOINTS:
            yield rule


def test_every_staff_view_declares_its_permission(app):
    for rule in admin_endpoints(app):
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "required_permission"), f"{rule.endpoint} has no permission check"


@pytest.mark.parametrize("role", list(Role))
def test_role_view_matrix(app, client, auth, role):
    auth.login(role)
    for rule in admin_endpoints(app):
        perm = app.view_functions[rule.endpoint].required_permission
        allowed = perm is None or perm in ROLE_PERMISSIONS[role]
        if "GET" in rule.methods and not rule.arguments:
            response = client.get(rule.rule)
        elif rule.endpoint in POSTS:
            response = client.post(rule.rule, data=POSTS[rule.endpoint])
        else:
            continue
        if allowed and rule.endpoint == "account.home":  # the role's first menu
            first = "/admin/config/" if role is Role.PILOTE else "/admin/followup/"
            assert (response.status_code, response.headers["Location"]) == (302, first), role
        elif allowed and rule.endpoint in REDIRECTS:
            assert (response.status_code, response.headers["Location"]) == (
                302, REDIRECTS[rule.endpoint]), (role, rule.endpoint)
        elif allowed:
            assert response.status_code == 200, (role, rule.endpoint)
        else:
            assert response.status_code == 403, (role, rule.endpoint)
            assert "Accès refusé" in response.get_data(as_text=True)


def test_signed_out_staff_pages_send_to_sign_in(app, client):
    for rule in admin_endpoints(app):
        if "GET" in rule.methods and not rule.arguments:
            response = client.get(rule.rule)
            assert response.status_code == 302, rule.endpoint
            assert "/admin/login" in response.headers["Location"]


def _menu_labels(client):
    page = client.get("/admin/profile").get_data(as_text=True)
    return {label for label in ("Suivi", "Rendez-vous", "Horaires", "Configuration",
                                "Statistiques") if 'class="menu-' in page and
            f">{label}</a>" in page}


def test_switching_role_changes_the_menus(client, auth):
    auth.login(Role.PILOTE, email="owner@test.example")
    user = User.by_email("owner@test.example")
    user.roles.append(RoleAssignment(role=Role.GESTION1.value))
    db.session.commit()
    assert _menu_labels(client) == {"Configuration", "Statistiques"}
    gestion = next(r for r in user.roles if r.role == Role.GESTION1.value)
    response = client.post("/admin/role", data={"role_id": gestion.id})
    assert response.status_code == 302
    assert _menu_labels(client) == {"Suivi", "Rendez-vous", "Horaires"}
    assert client.get("/admin/config/").status_code == 403


def test_cannot_switch_to_a_role_of_another_account(client, auth):
    auth.login(Role.GESTION2)
    other = User(email="o@test.example", first_name="O", last_name="T")
    other.set_password(PASSWORD)
    other.roles.append(RoleAssignment(role=Role.PILOTE.value))
    db.session.add(other)
    db.session.commit()
    response = client.post("/admin/role", data={"role_id": other.roles[0].id})
    assert response.status_code == 403
    assert client.get("/admin/config/").status_code == 403


@pytest.mark.parametrize("bad", ["", "abc", "99999"])
def test_switching_to_a_bad_role_id_is_refused(client, auth, bad):
    auth.login(Role.GESTION2)
    assert client.post("/admin/role", data={"role_id": bad}).status_code == 403


def test_role_outside_its_effective_dates_grants_nothing(client, auth):
    auth.login(Role.CONSULTATION1, email="c@test.example")
    user = User.by_email("c@test.example")
    user.roles[0].ends_on = local_today() - timedelta(days=1)
    future = RoleAssignment(role=Role.PILOTE.value, starts_on=local_today() + timedelta(days=3))
    user.roles.append(future)
    db.session.commit()
    assert client.get("/admin/followup/").status_code == 403
    assert client.get("/admin/config/").status_code == 403
    assert client.post("/admin/role", data={"role_id": future.id}).status_code == 403
    assert "Aucun rôle" in client.get("/admin/", follow_redirects=True).get_data(as_text=True)


def test_online_booking_switch_is_pilot_only_and_audited(client, auth):
    from sqlalchemy import select

    from webapp.models import AuditLog, Organization

    auth.login(Role.PILOTE)
    client.post("/admin/config/online-booking", data={"open": "1"})
    assert db.session.get(Organization, 1).online_booking_open is True
    assert client.post("/admin/config/online-booking", data={"open": "maybe"}).status_code == 400
    assert db.session.get(Organization, 1).online_booking_open is True
    client.post("/admin/config/online-booking", data={"open": "0"})
    db.session.expire_all()
    assert db.session.get(Organization, 1).online_booking_open is False
    entries = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "organization.online_booking")).all()
    assert [e.details["open"] for e in entries] == [True, False]


def test_permissions_of_each_role_follow_the_spec():
    assert ROLE_PERMISSIONS[Role.PILOTE] == {Perm.CONFIGURE, Perm.STATISTICS, Perm.ONLINE_SWITCH,
                                             Perm.MESSAGES_VIEW}
    assert Perm.SCHEDULES_EDIT in ROLE_PERMISSIONS[Role.GESTION1]
    assert Perm.SCHEDULES_EDIT not in ROLE_PERMISSIONS[Role.GESTION2]
    assert Perm.APPOINTMENTS_BOOK in ROLE_PERMISSIONS[Role.GESTION2]
    for role in (Role.GESTION1, Role.GESTION2, Role.GESTION3):
        assert Perm.MESSAGES_VIEW in ROLE_PERMISSIONS[role]  # issue 11: for their scope
    for role in (Role.CONSULTATION1, Role.CONSULTATION2):
        assert Perm.MESSAGES_VIEW not in ROLE_PERMISSIONS[role]
        assert Perm.APPOINTMENTS_BOOK not in ROLE_PERMISSIONS[role]
        assert Perm.SCHEDULES_EDIT not in ROLE_PERMISSIONS[role]
