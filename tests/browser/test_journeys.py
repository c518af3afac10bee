"""Key journeys in a real browser (Playwright + Debian's Chromium)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def menu(page):
    return page.get_by_role("navigation", name=re.compile("menu principal|main menu", re.I))


def test_pilot_switches_to_management_and_the_menus_change(page, live_server):
    sign_in(page, live_server, "pilote")
    nav = menu(page)
    expect(nav.get_by_role("link", name="Configuration")).to_be_visible()
    expect(nav.get_by_role("link", name="Statistiques")).to_be_visible()
    expect(nav.get_by_role("link", name="Horaires")).to_have_count(0)
    page.locator("details.user > summary").click()
    page.get_by_role("button", name="Gestion #1").click()
    page.wait_for_load_state()
    nav = menu(page)
    for label in ("Suivi", "Rendez-vous", "Horaires"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="Configuration")).to_have_count(0)
    expect(page.get_by_text("Rôle actif : Gestion #1")).to_be_visible()


def test_switch_to_english_and_back(page, live_server):
    sign_in(page, live_server, "gestion1")
    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_load_state()
    expect(menu(page).get_by_role("link", name="Follow-up")).to_be_visible()
    page.get_by_role("button", name="FR", exact=True).click()
    page.wait_for_load_state()
    expect(menu(page).get_by_role("link", name="Suivi")).to_be_visible()


def test_weak_password_is_refused_with_the_rules_listed(page, live_server):
    sign_in(page, live_server, "gestion2")
    page.goto(live_server + "/admin/profile")
    page.get_by_label("Mot de passe actuel").fill("Vaccin-Demo-2021!")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("abc")
    page.get_by_label("Confirmer le nouveau mot de passe").fill("abc")
    page.get_by_role("button", name="Modifier mon mot de passe").click()
    page.wait_for_load_state()
    expect(page.locator("#password-password-error")).to_have_text(
        "Au moins 8 caractères · Une lettre majuscule · Un chiffre · "
        "Un caractère spécial (par exemple ! $ % &)")


def test_about_opens_in_a_dialog(page, live_server):
    sign_in(page, live_server, "consultation1")
    page.locator("details.help > summary").click()
    page.get_by_role("link", name="À propos").click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("version")
    dialog.get_by_role("button", name="Fermer").click()
    expect(dialog).to_be_hidden()


def test_wrong_password_message(page, live_server):
    page.goto(live_server + "/admin/login")
    page.get_by_label("Courriel").fill("gestion1@example.org")
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile("mot de passe est incorrect"))).to_be_visible()


@pytest.mark.parametrize("role", ["pilote", "gestion3", "consultation2"])
def test_phone_width_layout(phone, live_server, role):
    sign_in(phone, live_server, role)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    expect(menu(phone)).to_be_visible()
    phone.locator("details.user > summary").click()
    expect(phone.get_by_role("link", name="Mon profil")).to_be_visible()
    expect(phone.get_by_role("button", name="Me déconnecter")).to_be_visible()
    phone.goto(live_server + "/admin/profile")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_public_page_on_a_phone(phone, live_server):
    phone.goto(live_server + "/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="EN").click()
    phone.wait_for_load_state()
    expect(phone.get_by_role("link", name="Privacy policy")).to_be_visible()
