"""Signing in and out, lockout, access windows, password reset (ACC-1, ACC-2, ACC-6)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import AuditLog, Message, User
from webapp.timeutil import local_today

from .conftest import PASSWORD, make_user

GENERIC = "mot de passe est incorrect"


def test_login_page_is_french_by_default(client):
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Courriel" in page and "Mot de passe" in page and "Se connecter" in page


def test_sign_in_and_out(client, auth):
    response = auth.login(Role.GESTION1)
    assert response.status_code == 302
    assert client.get("/admin/followup/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/admin/followup/").status_code == 302  # back to sign-in


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    make_user(Role.GESTION1, "a@test.example")
    wrong = client.post("/admin/login", data={"email": "a@test.example", "password": "nope"})
    unknown = client.post("/admin/login", data={"email": "b@test.example", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.get_data(as_text=True)
    assert GENERIC in unknown.get_data(as_text=True)


def test_email_is_case_insensitive(client):
    make_user(Role.GESTION1, "nurse@test.example")
    response = client.post("/admin/login",
                           data={"email": "  Nurse@Test.Example ", "password": PASSWORD})
    assert response.status_code == 302


def _attempt(client, email, password, address="203.0.113.9"):
    return client.post("/admin/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_repeated_failures_slow_that_address_down_but_never_lock_the_owner_out(client, app):
    """Issue 13, point 3: five wrong passwords locked the account for everyone for 15
    minutes; now only further attempts for that email from that address wait."""
    make_user(Role.GESTION1, "a@test.example")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(client, "a@test.example", "bad")
    paused = _attempt(client, "a@test.example", PASSWORD)  # right password, but must wait
    assert paused.status_code == 200 and GENERIC in paused.get_data(as_text=True)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "account.locked"))
    owner = app.test_client()  # the owner, at the pharmacy, signs in as usual
    assert _attempt(owner, "a@test.example", PASSWORD, "198.51.100.7").status_code == 302


def test_the_wait_ends_and_grows_with_each_failure(app):
    from webapp.accounts import signin, throttle
    from webapp.models import utcnow

    make_user(Role.GESTION1, "w@test.example")
    now = utcnow()
    with app.test_request_context():
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            assert signin.authenticate("w@test.example", "bad", "192.0.2.1", now=now) is None
        first = app.config["LOGIN_FIRST_WAIT_SECONDS"]
        later = now + timedelta(seconds=first + 1)
        assert signin.authenticate("w@test.example", PASSWORD, "192.0.2.1",
                                   now=now + timedelta(seconds=first - 1)) is None
        assert signin.authenticate("w@test.example", PASSWORD, "192.0.2.1", now=later)
        assert throttle.wait_after(6, 5) == 2 * throttle.wait_after(5, 5)
        assert throttle.wait_after(99, 5) == timedelta(minutes=app.config["LOGIN_MAX_WAIT_MINUTES"])


def test_many_emails_from_one_address_are_slowed_down_too(client, app):
    """Password spraying: one wrong password each for many emails, from one address."""
    make_user(Role.GESTION1, "s@test.example")
    for n in range(app.config["LOGIN_ADDRESS_MAX_FAILURES"]):
        _attempt(client, f"guess{n}@test.example", "bad")
    assert _attempt(client, "s@test.example", PASSWORD).status_code == 200
    assert _attempt(client, "s@test.example", PASSWORD, "198.51.100.8").status_code == 302


def test_a_shared_address_forgets_its_failures_after_an_hour(app):
    """Staff behind one address typing wrong now and then are not slowed for the day."""
    from webapp.accounts import signin
    from webapp.models import utcnow

    make_user(Role.GESTION1, "t@test.example")
    now = utcnow()
    with app.test_request_context():
        for n in range(app.config["LOGIN_ADDRESS_MAX_FAILURES"] - 1):
            signin.authenticate(f"typo{n}@test.example", "bad", "192.0.2.9", now=now)
        later = now + timedelta(minutes=61)
        assert signin.authenticate("x@test.example", "bad", "192.0.2.9", now=later) is None
        assert signin.authenticate("t@test.example", PASSWORD, "192.0.2.9", now=later)


def test_sign_in_rate_limit_answers_429_with_a_clear_page(tmp_path):
    from .conftest import make_app

    app = make_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/admin/login", data={"email": "x@test.example", "password": "x"})
             for _ in range(4)]
    assert [c.status_code for c in codes[:3]] == [200, 200, 200]
    assert codes[3].status_code == 429
    assert "Trop de tentatives" in codes[3].get_data(as_text=True)


def test_account_outside_its_access_window_cannot_sign_in(client):
    make_user(Role.GESTION1, "late@test.example", access_end=local_today() - timedelta(days=2))
    make_user(Role.GESTION1, "early@test.example", access_start=local_today() + timedelta(days=2))
    for email in ("late@test.example", "early@test.example"):
        response = client.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client):
    make_user(Role.GESTION1, "gone@test.example", active=False)
    response = client.post("/admin/login", data={"email": "gone@test.example",
                                                 "password": PASSWORD})
    assert GENERIC in response.get_data(as_text=True)


def test_next_parameter_never_leaves_the_site(client):
    make_user(Role.GESTION1, "a@test.example")
    response = client.post("/admin/login?next=https://evil.example/",
                           data={"email": "a@test.example", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"


def _reset_link(email: str) -> str:
    message = db.session.scalars(select(Message).where(Message.recipient == email)
                                 .order_by(Message.id.desc())).first()
    assert message is not None and message.kind == "password_reset"
    return re.search(r"http://localhost(/admin/reset/\S+)", message.body).group(1)


def test_forgot_password_sends_a_single_use_link(client):
    make_user(Role.GESTION1, "a@test.example")
    response = client.post("/admin/forgot", data={"email": "a@test.example"})
    assert response.status_code == 302
    link = _reset_link("a@test.example")
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    page = weak.get_data(as_text=True)
    assert "8 caractères" in page and "chiffre" in page
    new = "Nouveau-Passe-77?"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert client.post("/admin/login", data={"email": "a@test.example",
                                             "password": new}).status_code == 302
    client.post("/admin/logout")
    reused = client.get(link)
    assert reused.status_code == 302 and reused.headers["Location"].endswith("/admin/forgot")


def test_forgot_password_for_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post("/admin/forgot", data={"email": "nobody@test.example"},
                           follow_redirects=True)
    assert "Si un compte existe" in response.get_data(as_text=True)
    assert db.session.scalar(select(Message)) is None


def test_expired_reset_link_is_refused(client, app):
    make_user(Role.GESTION1, "a@test.example")
    client.post("/admin/forgot", data={"email": "a@test.example"})
    link = _reset_link("a@test.example")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(link, follow_redirects=True)
    assert "expiré" in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(client):
    response = client.get("/admin/reset/not-a-real-token", follow_redirects=True)
    assert response.status_code == 200 and "expiré" in response.get_data(as_text=True)


def test_reset_email_is_sent_in_the_account_language(client):
    make_user(Role.GESTION1, "en@test.example", language="en")
    client.post("/admin/forgot", data={"email": "en@test.example"})
    message = db.session.scalar(select(Message))
    assert message.subject == "Choose a new password" and message.language == "en"


def test_the_outbox_backend_keeps_the_message_and_sends_it_once(client, app):
    from webapp.messaging import dispatch_due

    make_user(Role.GESTION1, "a@test.example")
    client.post("/admin/forgot", data={"email": "a@test.example"})
    assert dispatch_due() == 1
    assert dispatch_due() == 0
    message = db.session.scalar(select(Message))
    assert message.status == "sent" and message.backend == "outbox" and message.attempts == 1


def test_changing_the_password_ends_other_sessions(app, client, auth):
    auth.login(Role.GESTION1)
    other = app.test_client()
    other.post("/admin/login", data={"email": "gestion1@test.example", "password": PASSWORD})
    assert other.get("/admin/profile").status_code == 200
    new = "Autre-Secret-99!"
    response = client.post("/admin/profile", data={
        "password-current": PASSWORD, "password-password": new, "password-confirm": new,
        "password-submit": "1"})
    assert response.status_code == 302
    assert client.get("/admin/profile").status_code == 200
    assert other.get("/admin/profile").status_code == 302


def test_password_change_needs_the_current_password_and_the_policy(client, auth):
    auth.login(Role.GESTION1)
    response = client.post("/admin/profile", data={
        "password-current": "wrong", "password-password": "Valid-Pass-12!",
        "password-confirm": "Valid-Pass-12!", "password-submit": "1"})
    assert ('<p class="error" id="password-current-error">Le mot de passe actuel est incorrect.'
            '</p>') in response.get_data(as_text=True)
    response = client.post("/admin/profile", data={
        "password-current": PASSWORD, "password-password": "Password123!",
        "password-confirm": "Password123!", "password-submit": "1"})
    assert ('<p class="error" id="password-password-error">Ne pas être un mot de passe courant '
            'ou facile à deviner</p>') in response.get_data(as_text=True)
    user = User.by_email("gestion1@test.example")
    assert user.check_password(PASSWORD)


def test_profile_details_are_saved(client, auth):
    auth.login(Role.GESTION2)
    response = client.post("/admin/profile", data={
        "profile-first_name": "Annie", "profile-last_name": "Roy", "profile-phone": "418 555 1234",
        "profile-cell_phone": "", "profile-language": "en", "profile-submit": "1"})
    assert response.status_code == 302
    user = User.by_email("gestion2@test.example")
    assert (user.first_name, user.language) == ("Annie", "en")
    assert "My profile" in client.get("/admin/profile").get_data(as_text=True)


def test_profile_refuses_empty_names(client, auth):
    auth.login(Role.GESTION2)
    response = client.post("/admin/profile", data={
        "profile-first_name": "", "profile-last_name": "", "profile-language": "fr_CA",
        "profile-submit": "1"})
    assert response.status_code == 200
    assert "Entrez votre prénom" in response.get_data(as_text=True)
    assert User.by_email("gestion2@test.example").first_name == "Test"
