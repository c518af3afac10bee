"""Configuration > Public page (CFG-7, §2.6): contact details, logo, messages, preview."""
from __future__ import annotations

from pathlib import Path

import pytest

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Organization

from .config_helpers import PDF, PNG, audit_entries, public_page_data, upload
from .helpers import HX, text


@pytest.fixture
def pilot(auth):
    auth.login(Role.PILOTE)
    return auth


def org() -> Organization:
    db.session.expire_all()
    return db.session.get(Organization, 1)


def test_save_contact_details_and_texts(client, pilot):
    response = client.post("/admin/config/public-page", data=public_page_data())
    assert response.status_code == 302
    saved = org()
    assert saved.name_fr == "Pharmacie Tremblay" and saved.name_en == "Tremblay Pharmacy"
    assert saved.phone == "418 662-7777" and saved.website == "https://www.example.org"
    assert saved.email == "info@example.org" and saved.popup_en == "One appointment"
    assert saved.transitional_fr == "Fermé" and saved.welcome_en == "Welcome"
    [entry] = audit_entries("organization.public_page")
    assert entry.details["changes"]["name_fr"] == ["Planificateur de rendez-vous",
                                                   "Pharmacie Tremblay"]
    page = client.get("/admin/config/public-page").get_data(as_text=True)
    assert "La page publique a été enregistrée." in page and 'value="418 662-7777"' in page
    public = client.get("/").get_data(as_text=True)
    assert "Pharmacie Tremblay" in public and "Bienvenue" in public


def test_save_with_htmx_answers_the_editor_and_preview(client, pilot):
    response = client.post("/admin/config/public-page", headers=HX,
                           data=public_page_data(welcome_en="Hello\nthere"))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert 'id="public-page-editor"' in text and 'id="public-preview"' in text
    assert "Enregistré" in text and "Hello<br>there" in text


def test_preview_shows_unsaved_texts_escaped(client, pilot):
    response = client.post("/admin/config/public-page/preview", headers=HX, data=public_page_data(
        popup_fr="<script>alert(1)</script>Attention", welcome_fr="Ligne 1\nLigne 2"))
    text = response.get_data(as_text=True)
    assert 'id="public-preview"' in text and "Ligne 1<br>Ligne 2" in text
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;Attention" in text
    assert org().popup_fr == ""  # nothing saved


def test_the_preview_says_which_message_citizens_see(client, pilot):
    client.post("/admin/config/public-page", data=public_page_data())
    page = client.get("/admin/config/public-page").get_data(as_text=True)
    assert "La prise de rendez-vous en ligne est fermée en ce moment" in page


@pytest.mark.parametrize("field, value, message", [
    ("name_fr", "", "Entrez le nom en français."),
    ("name_en", "n" * 201, "Au plus 200 caractères"),
    ("email", "pas-un-courriel", "Entrez une adresse courriel valide"),
    ("email", "a@b", "Entrez une adresse courriel valide"),
    ("phone", "1234", "Entrez un numéro de téléphone valide"),
    ("phone", "418 555 01001", "Entrez un numéro de téléphone valide"),
    ("website", "javascript:alert(1)", "Entrez une adresse web"),
    ("website", "ftp://example.org", "Entrez une adresse web"),
    ("website", "pas un site", "Entrez une adresse web"),
    ("welcome_fr", "w" * 4001, "Au plus 4000 caractères"),
])
def test_bad_input_is_refused_next_to_the_field_and_saves_nothing(client, pilot, field, value,
                                                                  message):
    for headers in ({}, HX):
        response = client.post("/admin/config/public-page", headers=headers,
                               data=public_page_data(**{field: value}))
        text_ = text(response)
        assert message in text_ and "has-error" in text_
        assert response.status_code == (200 if headers else 422)
    assert org().name_fr == "Planificateur de rendez-vous"
    assert audit_entries("organization.public_page") == []


def test_logo_upload_served_publicly_replaced_and_removed(app, client, pilot):
    client.post("/admin/config/public-page", data=public_page_data(logo=upload(PNG, "logo.png")))
    path = org().logo_path
    assert path and path.startswith("logo/") and path.endswith(".png")
    stored = Path(app.config["UPLOAD_FOLDER"]) / path
    assert stored.read_bytes() == PNG
    public = client.get("/").get_data(as_text=True)
    assert '<img class="brand-logo" src="/logo?v=' in public
    client.post("/admin/logout")
    served = client.get("/logo")
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"
    pilot.login(Role.PILOTE)
    client.post("/admin/config/public-page", data=public_page_data(logo=upload(PNG, "new.png")))
    assert not stored.exists() and org().logo_path != path
    newer = Path(app.config["UPLOAD_FOLDER"]) / org().logo_path
    client.post("/admin/config/public-page", data=public_page_data(remove_logo="y"))
    assert org().logo_path is None and not newer.exists()
    assert client.get("/logo").status_code == 404


@pytest.mark.parametrize("content, name, message", [
    (PDF, "logo.png", "n'est pas une image"),
    (b"<svg onload=alert(1)></svg>", "logo.svg", "n'est pas une image"),
    (b"GIF89a" + b"0" * (1024 * 1024), "logo.gif", "trop volumineux"),
    (PNG, "images/logo.png", "chemin de dossier"),
])
def test_bad_logo_is_refused(app, client, pilot, content, name, message):
    response = client.post("/admin/config/public-page",
                           data=public_page_data(name_fr="Changé", logo=upload(content, name)))
    assert message in text(response)
    assert org().logo_path is None and org().name_fr == "Planificateur de rendez-vous"
    folder = Path(app.config["UPLOAD_FOLDER"]) / "logo"
    assert not folder.exists() or not any(folder.iterdir())


def test_an_upload_bigger_than_the_whole_request_limit_changes_nothing(app, client, pilot):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/admin/config/public-page", data=public_page_data(
        name_fr="Changé", logo=upload(PNG + b"0" * 4096, "logo.png")))
    assert response.status_code == 413 and "Fichier trop volumineux" in response.get_data(
        as_text=True)
    assert org().name_fr == "Planificateur de rendez-vous"
