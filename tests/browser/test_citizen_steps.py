"""More of the citizen's booking at 360 px (issue 16): another time keeps the typed details
(with and without JavaScript, through a language switch), a birth date that could be read
two ways is said as read, the printed coupon, the end of the hold, the header's switch."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Appointment
from webapp.timeutil import local_today

from .conftest import serving
from .test_citizen import citizen_planner, phone_page
from .test_public_journey import check_accessibility, narrow

pytestmark = pytest.mark.browser
DAY = local_today() + timedelta(days=3)


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[tuple[str, Any, str]]:
    app, times = citizen_planner(tmp_path_factory.mktemp("citizen-steps"), DAY, "13:00",
                                 "16:00", phone="418 555-0199")
    with serving(app) as base:
        yield base, app, times


def _box(page: Any, name: str) -> Any:
    return page.get_by_role("textbox", name=name, exact=True)


def _fill(page: Any, first: str, birth: str = "1950-02-03", last: str = "Roy") -> None:
    """The details of a person (a person books a service once: each test its own)."""
    _box(page, "Prénom").fill(first)
    _box(page, "Nom").fill(last)
    _box(page, "Date de naissance").fill(birth)
    _box(page, "Courriel").fill("gaston@example.org")
    _box(page, "Téléphone cellulaire").fill("418 555-0123")
    page.get_by_label(re.compile("J'accepte")).check()


def _held(app: Any) -> int:
    with app.app_context():
        return len(list(db.session.scalars(select(Appointment).where(
            Appointment.status == "held"))))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_another_time_keeps_the_typed_details_through_a_language_switch(browser, server,
                                                                       javascript):
    base, app, times = server
    first, later = ("13 h 00", "13 h 30") if javascript else ("14 h 00", "14 h 30")
    page = phone_page(browser, javascript)
    page.goto(base + times)
    page.get_by_role("button", name=first, exact=True).click()
    _fill(page, "Rosalie", birth="12 mai 1948", last="Js" if javascript else "Nojs")
    held = _held(app)
    page.get_by_role("button", name="← Choisir une autre heure").click()
    expect(page.get_by_role("heading", name="Choisir une heure")).to_be_visible()
    expect(page.get_by_text("Vos renseignements sont conservés")).to_be_visible()
    assert _held(app) == held - 1  # the first time is given back at once
    narrow(page)
    if javascript:  # axe runs in the page: not without JavaScript
        check_accessibility(page)
    switch = page.get_by_role("button", name="English", exact=True)  # mid-form, to English
    expect(switch).to_have_attribute("lang", "en")
    switch.click()
    expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
    expect(page.get_by_text("Your details are kept")).to_be_visible()
    page.get_by_role("button", name="Français", exact=True).click()  # and back
    expect(page.get_by_text("Vos renseignements sont conservés")).to_be_visible()
    page.get_by_role("button", name=later, exact=True).click()
    expect(page.get_by_role("heading", name="Vos renseignements")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text(later)
    expect(_box(page, "Prénom")).to_have_value("Rosalie")
    expect(_box(page, "Date de naissance")).to_have_value("12 mai 1948")
    expect(_box(page, "Téléphone cellulaire")).to_have_value("418 555-0123")
    expect(page.get_by_label(re.compile("J'accepte"))).to_be_checked()
    page.get_by_role("button", name="English", exact=True).click()  # the details page too
    expect(_box(page, "First name")).to_have_value("Rosalie")
    page.get_by_role("button", name="← Choose another time").click()
    expect(page.get_by_text("Your details are kept")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^3:45" if javascript else r"^3:30")).click()
    expect(_box(page, "Email")).to_have_value("gaston@example.org")
    page.get_by_role("button", name="Book this appointment").click()
    expect(page.get_by_text("Confirmation sent to g…@example.org and to 418 ***-0123.")
           ).to_be_visible()
    page.context.close()


def test_enter_in_a_field_books_and_does_not_switch_language(browser, server):
    base, _app, times = server
    page = phone_page(browser)
    page.goto(base + times)
    page.get_by_role("button", name="15 h 00", exact=True).click()
    _box(page, "Prénom").fill("Gaston")
    _box(page, "Prénom").press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()  # the form was sent, in French
    expect(page.get_by_role("heading", name="Vos renseignements")).to_be_visible()
    page.context.close()


def test_a_birth_date_that_reads_two_ways_is_said_as_read(browser, server):
    base, app, times = server
    page = phone_page(browser)
    page.goto(base + times)
    page.get_by_role("button", name="13 h 15", exact=True).click()
    _fill(page, "Gaston", birth="05/12/1948", last="Lu")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Lu comme le 5 décembre 1948")
    expect(_box(page, "Date de naissance")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-birth_date")).to_contain_text("écrivez le mois en lettres")
    narrow(page)
    check_accessibility(page)
    page.get_by_role("button", name="Réserver ce rendez-vous").click()  # it was right
    coupon = page.locator(".coupon-number strong").inner_text()
    with app.app_context():
        booked = db.session.scalar(select(Appointment).where(Appointment.coupon == coupon))
        assert booked.patient.birth_date == date(1948, 12, 5)
    page.goto(base + times)  # said along with another error, then not asked again
    page.get_by_role("button", name="13 h 45", exact=True).click()
    _fill(page, "Rosalie", birth="12/05/1948", last="Lu")
    _box(page, "Nom").fill("")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.locator(".error-summary li")).to_have_count(2)
    expect(page.locator("#e-birth_date")).to_contain_text("Lu comme le 12 mai 1948.")
    _box(page, "Nom").fill("Lu")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.locator(".coupon-number")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_printed_coupon(browser, server, javascript):
    base, _app, times = server
    page = phone_page(browser, javascript)
    page.goto(base + times)
    page.get_by_role("button", name="14 h 15" if javascript else "14 h 45", exact=True).click()
    _fill(page, "Gaston", last="Js" if javascript else "Nojs")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.get_by_text("Votre rendez-vous est réservé.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer mon rendez-vous")).to_have_count(0)
    printing = page.get_by_role("button", name="Imprimer")
    if javascript:
        expect(printing).to_be_visible()
    else:  # without JS it could do nothing: not shown
        expect(printing).to_be_hidden()
    narrow(page)
    page.emulate_media(media="print")
    expect(page.locator(".public-bar")).to_be_hidden()  # no banner, no footer, no buttons
    expect(page.locator(".footer")).to_be_hidden()
    expect(page.locator(".flash")).to_be_hidden()
    expect(printing).to_be_hidden()
    expect(page.get_by_role("button", name="Annuler mon rendez-vous")).to_be_hidden()
    coupon = page.locator(".coupon")
    expect(coupon.get_by_text("Pharmacie Test")).to_be_visible()
    expect(coupon.get_by_text("418 555-0199")).to_be_visible()
    expect(coupon.get_by_role("img", name=re.compile("Code QR"))).to_be_visible()
    expect(coupon.locator(".coupon-number strong")).to_be_visible()
    page.emulate_media(media="screen")
    if not javascript:  # a cancelled appointment: no arrival advice, a way to book again
        page.get_by_text("Annuler mon rendez-vous").click()
        page.get_by_role("button", name="Oui, l'annuler").click()
        expect(page.get_by_text("Ce rendez-vous est annulé.")).to_be_visible()
        expect(page.get_by_role("link", name="Prendre un autre rendez-vous")).to_be_visible()
        expect(page.get_by_text("Présentez-vous")).to_have_count(0)
    page.context.close()


def test_the_end_of_the_hold_is_said_and_the_details_still_book(browser, server):
    base, app, times = server
    page = phone_page(browser)
    page.clock.install()
    page.goto(base + times)
    page.get_by_role("button", name="15 h 15", exact=True).click()
    hold = page.locator(".hold")
    expect(hold).to_contain_text(re.compile("il reste (9|10) minutes"))
    alert = page.locator(".hold-alert")
    expect(alert).to_have_attribute("role", "status")
    expect(alert).to_have_text("")
    assert page.locator(".countdown").get_attribute("role") is None  # no clock read aloud
    _fill(page, "Rosalie", last="Clock")
    page.clock.fast_forward("08:15")
    expect(alert).to_have_text("Il reste moins de 2 minutes pour réserver cette heure.")
    expect(hold).to_contain_text("il reste 1 minute")
    narrow(page)
    page.clock.fast_forward("02:00")
    expect(alert).to_have_text("Vos 10 minutes sont écoulées. En enregistrant, vous obtenez "
                               "quand même l'heure si elle est libre.")
    expect(hold).to_contain_text("il reste moins d'une minute")
    check_accessibility(page)
    narrow(page)
    page.get_by_role("button", name="Réserver ce rendez-vous").click()  # the time is free
    expect(page.get_by_text("Votre rendez-vous est réservé.")).to_be_visible()
    page.context.close()


def test_the_header_names_the_other_language_and_fits_aphone_page(browser, server):
    base, _app, _times = server
    page = phone_page(browser)
    page.goto(base + "/")
    switch = page.get_by_role("button", name="English", exact=True)
    expect(switch).to_have_attribute("lang", "en")
    expect(switch).to_have_attribute("title", "Show in English")
    brand = page.locator(".public-bar .brand").bounding_box()
    box = switch.bounding_box()
    assert box["x"] + box["width"] <= 360 and abs(box["y"] - brand["y"]) < 40  # one row
    expect(page.get_by_role("link", name="Annuler un rendez-vous")).to_be_visible()
    narrow(page)
    switch.click()
    french = page.get_by_role("button", name="Français", exact=True)
    expect(french).to_have_attribute("lang", "fr-CA")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    narrow(page)
    french.click()
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    page.context.close()


def test_a_wrong_birth_date_on_the_cancel_page_marks_the_fields(browser, server):
    base, _app, _times = server
    page = phone_page(browser)
    page.goto(base + "/cancel")
    page.get_by_role("textbox", name="Numéro de confirmation").fill("ABC479")
    page.get_by_role("textbox", name="Date de naissance ou courriel").fill("12/05/1948")
    page.get_by_role("button", name="Trouver mon rendez-vous").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Vérifiez le numéro de confirmation")
    for name in ("Numéro de confirmation", "Date de naissance ou courriel"):
        field = page.get_by_role("textbox", name=name)
        expect(field).to_have_attribute("aria-invalid", "true")
        assert field.get_attribute("aria-describedby")
    summary.get_by_role("link", name="Date de naissance ou courriel").click()
    expect(page.get_by_role("textbox", name="Date de naissance ou courriel")).to_be_focused()
    check_accessibility(page)
    narrow(page)
    page.context.close()
