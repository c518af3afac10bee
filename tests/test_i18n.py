"""Every message of the code exists in French and English."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _i18n():
    spec = importlib.util.spec_from_file_location("i18n", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_french_translation():
    missing = _i18n().missing("fr_CA")
    assert missing == [], f"{len(missing)} messages lack French: {missing[:10]}"


def test_every_message_has_an_english_text():
    missing = _i18n().missing("en")
    assert missing == [], f"{len(missing)} messages lack English: {missing[:10]}"


def test_public_home_in_both_languages(client):
    assert "Politique de protection" in client.get("/").get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    assert "Privacy policy" in client.get("/").get_data(as_text=True)


def test_english_browser_gets_english_until_it_chooses(client):
    page = client.get("/admin/login", headers={"Accept-Language": "en-CA,en;q=0.8"})
    assert "Sign in" in page.get_data(as_text=True)
    client.post("/lang", data={"lang": "fr"})
    page = client.get("/admin/login", headers={"Accept-Language": "en-CA,en;q=0.8"})
    assert "Se connecter" in page.get_data(as_text=True)
