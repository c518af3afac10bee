"""Configuration of services, eligibility questions, locations, communications and the public
page in a real browser, as the Pilot: created and edited in place without leaving the page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..config_helpers import PNG
from .conftest import sign_in

pytestmark = pytest.mark.browser


def mark_page(page):
    """Tag the loaded document: the tag survives htmx swaps, not a full page load."""
    page.evaluate("document.body.dataset.sameDocument = 'yes'")


def settled(page) -> None:
    """Wait until htmx has swapped and processed new content (its listeners are attached)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, "
                           ".htmx-settling, .htmx-added')")


def open_form(page, link, form: str, within=None, **where):
    """Click the link that opens an in-place form: the form, once htmx has swapped it in."""
    (within or page).get_by_role("link", name=link).click()
    opened = page.locator(form, **where)
    opened.wait_for()
    settled(page)
    return opened


def same_document(page) -> bool:
    return page.evaluate("document.body.dataset.sameDocument") == "yes"


def test_pilot_creates_a_service_then_its_eligibility_question(page, live_server):
    sign_in(page, live_server, "pilote")
    page.goto(live_server + "/admin/config/services")
    mark_page(page)
    form = open_form(page, "Ajouter un service", "#service-new form")
    form.get_by_label("Nom en français").fill("Grippe saisonnière")
    form.get_by_label("Nom en anglais").fill("Seasonal flu")
    form.get_by_label("Durée du service (minutes)").fill("7.5")
    form.get_by_label("Consignes sur le coupon, en français").fill("Apportez votre carte.")
    form.get_by_label("Courriel", exact=True).select_option("required")
    form.get_by_role("button", name="Enregistrer le service").click()
    expect(page.locator("#duration_minutes-error")).to_contain_text("nombre entier de minutes")
    settled(page)
    form = page.locator("#service-new form")
    form.get_by_label("Durée du service (minutes)").fill("10")
    form.get_by_role("button", name="Enregistrer le service").click()
    row = page.locator("#services-list li", has_text="Grippe saisonnière")
    expect(row).to_contain_text("10 min")
    expect(page.locator("#service-new form")).to_have_count(0)
    assert same_document(page)

    row.get_by_role("link", name=re.compile("Questions d'admissibilité")).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Aucune question")).to_be_visible()
    mark_page(page)
    form = open_form(page, "Ajouter une question", "#question-new form")
    form.get_by_label("Question en français").fill("Avez-vous eu la grippe cette année?")
    form.get_by_label("Question en anglais").fill("Have you had the flu this year?")
    expect(form.get_by_label("Réponse en français").first).to_have_value("Oui")
    form.get_by_role("button", name="Ajouter une réponse").click()
    form = page.locator("#question-new form")
    form.get_by_label("Réponse en français").nth(2).wait_for()
    settled(page)
    form.get_by_label("Réponse en français").nth(2).fill("Je ne sais pas")
    form.get_by_label("Réponse en anglais").nth(2).fill("I don't know")
    form.get_by_label("Admissible").nth(2).check()
    form.get_by_role("button", name="Enregistrer la question").click()
    question = page.locator("#questions-list > li", has_text="Avez-vous eu la grippe")
    expect(question).to_contain_text("Je ne sais pas")
    expect(question).to_contain_text("Non admissible")
    assert same_document(page)


def test_pilot_creates_then_edits_a_location(page, live_server):
    sign_in(page, live_server, "pilote")
    page.goto(live_server + "/admin/config/locations")
    mark_page(page)
    form = open_form(page, "Ajouter un lieu", "#location-new form")
    form.get_by_label("Nom en français").fill("Pharmacie du Lac")
    form.get_by_label("Nom en anglais").fill("Lake Pharmacy")
    form.get_by_label("Adresse").fill("600 avenue du Pont Nord")
    form.get_by_label("Ville").fill("Alma")
    form.get_by_label("Code postal").fill("X0X 0X0")
    form.get_by_role("button", name="Enregistrer le lieu").click()
    error = page.locator("#postal_code-error")
    expect(error).to_contain_text("X0X")
    expect(error).to_contain_text("inconnue")
    settled(page)
    page.locator("#location-new form").get_by_label("Code postal").fill("g8b 5v2")
    page.locator("#location-new form").get_by_role("button", name="Enregistrer le lieu").click()
    row = page.locator("#locations-list > li", has_text="Pharmacie du Lac")
    expect(row).to_contain_text("G8B 5V2")
    expect(row).to_contain_text("région G8B")

    form = open_form(page, "Modifier « Pharmacie du Lac »", "#locations-list form", within=row,
                     has_text="Message du lieu")
    form.get_by_label("Message du lieu, en français").fill("Entrée par la porte de côté.")
    form.get_by_role("button", name="Enregistrer le lieu").click()
    row = page.locator("#locations-list > li", has_text="Pharmacie du Lac")
    row.get_by_text("Enregistré.").wait_for()
    settled(page)
    expect(row).to_contain_text("Entrée par la porte de côté.")
    row.get_by_role("switch", name="Actif : Pharmacie du Lac").click()
    page.locator("#locations-list > li.inactive", has_text="Pharmacie du Lac").wait_for()
    assert same_document(page)


def test_communication_hint_follows_the_delay_being_typed(page, live_server):
    sign_in(page, live_server, "pilote")
    page.goto(live_server + "/admin/config/communications")
    row = page.locator("#communication-reminder_2")
    row.get_by_role("link", name=re.compile("Modifier")).click()
    page.locator("#communication-reminder_2.editing").wait_for()
    settled(page)
    delay = page.locator("#communication-reminder_2").get_by_label("Délai (heures)")
    delay.fill("12")
    page.locator("#hint-reminder_2 .hint-warn").wait_for()
    expect(page.locator("#hint-reminder_2")).to_contain_text("3 h 00")
    delay.fill("24")
    page.locator("#hint-reminder_2 .hint-ok").wait_for()


def test_configuration_pages_fit_a_phone(phone, live_server):
    sign_in(phone, live_server, "pilote")
    for path in ("/admin/config/services", "/admin/config/services/1/edit",
                 "/admin/config/locations", "/admin/config/communications",
                 "/admin/config/public-page", "/admin/config/questions/1/edit"):
        phone.goto(live_server + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_public_page_preview_follows_the_typing_and_a_logo_is_uploaded(page, live_server,
                                                                       tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    sign_in(page, live_server, "pilote")
    page.goto(live_server + "/admin/config/public-page")
    mark_page(page)
    page.get_by_label("Message d'accueil en français").fill("Bonjour <b>Alma</b>!")
    preview = page.locator("#public-preview")
    preview.get_by_text("Bonjour <b>Alma</b>!").wait_for()
    page.get_by_label("Logo (image)").set_input_files(str(logo))
    page.get_by_role("button", name="Enregistrer la page publique").click()
    page.locator("#public-page-editor .saved").wait_for()
    expect(page.locator("img.logo-current")).to_have_count(1)
    expect(page.locator("#public-preview img.brand-logo")).to_have_count(2)
    assert same_document(page)
    page.goto(live_server + "/")
    expect(page.locator("header img.brand-logo")).to_have_count(1)
    expect(page.get_by_text("Bonjour <b>Alma</b>!")).to_be_visible()
