"""Security defaults: CSRF, cookies, headers, error pages in both languages."""
from __future__ import annotations

import re

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Organization, User

from .conftest import PASSWORD, make_app, make_user


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_post_without_or_with_a_tampered_csrf_token_changes_nothing(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        make_user(Role.PILOTE, "p@test.example")
    page = client.get("/admin/login").get_data(as_text=True)
    token = _token(page)
    refused = client.post("/admin/login", data={"email": "p@test.example", "password": PASSWORD,
                                                "csrf_token": token + "x"})
    assert refused.status_code == 400
    assert "formulaire" in refused.get_data(as_text=True).lower()
    ok = client.post("/admin/login", data={"email": "p@test.example", "password": PASSWORD,
                                           "csrf_token": token})
    assert ok.status_code == 302
    # An htmx-style request carries the token in a header; without it, nothing changes.
    assert client.post("/admin/config/online-booking", data={"open": "1"}).status_code == 400
    with app.app_context():
        assert db.session.get(Organization, 1).online_booking_open is False
    page = client.get("/admin/config/").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/admin/config/online-booking", data={"open": "1"},
                           headers={"X-CSRFToken": header_token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organization, 1).online_booking_open is True


def test_session_cookie_flags(client, auth):
    response = auth.login(Role.GESTION1)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app):
    client = app.test_client()
    make_user(Role.GESTION1, "s@test.example")
    response = client.post("/admin/login", base_url="https://localhost",
                           data={"email": "s@test.example", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_hold_no_inline_script_and_configure_htmx_safely(client, auth):
    auth.login(Role.PILOTE)
    for path in ("/", "/admin/config/", "/admin/profile"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " on" + "click=" not in page
        assert '"selfRequestsOnly": true' in page and '"allowEval": false' in page
        assert 'hx-headers=\'{"X-CSRFToken"' in page


def test_htmx_fragment_and_vary_header(client, auth):
    auth.login(Role.GESTION1)
    page = client.get("/admin/about")
    fragment = client.get("/admin/about", headers={"HX-Request": "true"})
    assert "<html" in page.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "version" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in page.headers["Vary"]


def test_404_in_both_languages(client):
    french = client.get("/no-such-page")
    assert french.status_code == 404 and "Page introuvable" in french.get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    english = client.get("/no-such-page")
    assert english.status_code == 404 and "Page not found" in english.get_data(as_text=True)


def test_403_page_explains(client, auth):
    auth.login(Role.CONSULTATION1)
    response = client.get("/admin/config/")
    assert response.status_code == 403
    assert "rôle actif" in response.get_data(as_text=True)


def test_500_page_in_both_languages(tmp_path):
    app = make_app(tmp_path)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Une erreur inattendue" in response.get_data(as_text=True)
    response = client.get("/boom", headers={"Accept-Language": "en-CA,en;q=0.9"})
    assert "An unexpected error" in response.get_data(as_text=True)


def test_wrong_method_is_405_not_500(client):
    assert client.get("/admin/logout").status_code == 405
    assert client.get("/lang").status_code == 405


def test_bad_language_value_changes_nothing(client):
    response = client.post("/lang", data={"lang": "de", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_language_is_remembered_by_the_browser_and_the_account(client, auth):
    response = client.post("/lang", data={"lang": "en", "next": "/admin/login"})
    assert response.headers["Location"] == "/admin/login"
    assert "Sign in" in client.get("/admin/login").get_data(as_text=True)
    auth.login(Role.GESTION1)
    client.post("/lang", data={"lang": "fr"})
    assert User.by_email("gestion1@test.example").ui_language == "fr_CA"
    other = client.application.test_client()
    other.post("/admin/login", data={"email": "gestion1@test.example", "password": PASSWORD})
    assert "Mon profil" in other.get("/admin/profile").get_data(as_text=True)


def test_staff_pages_are_not_cached(client, auth):
    auth.login(Role.GESTION1)
    assert client.get("/admin/profile").headers["Cache-Control"] == "no-store"
