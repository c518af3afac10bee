"""A citizen books on a phone (360 px), in French and in English, with axe-core checking
every step; a second browser racing for the last place gets the race message (PUB-1..9)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Appointment,
    EligibilityAnswer,
    EligibilityQuestion,
    Message,
)
from webapp.timeutil import local_today

from ..factories import make_block, make_location, make_service, make_team
from .conftest import planner_app, serving

pytestmark = pytest.mark.browser
DAY = local_today() + timedelta(days=2)
# After 9 h 00 is taken, the five nearest other times of the 9 h 00 - 11 h 00 block.
NEAREST = [re.compile(rf"{DAY.year} · {hour}$")
           for hour in ("9 h 15", "9 h 30", "9 h 45", "10 h 00", "10 h 15")]


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: Any) -> Iterator[tuple[str, Any]]:
    app = planner_app(tmp_path_factory.mktemp("public"), demo=False)
    with app.app_context():
        from webapp.organization import ensure_organization

        org = ensure_organization()
        org.name_fr = org.name_en = "Pharmacie Test"
        org.online_booking_open = True
        org.popup_fr, org.popup_en = "Apportez votre carte.", "Bring your card."
        service = make_service(name="Vaccin", name_en="Vaccine", instructions_fr="Portez un chandail.",
                               instructions_en="Wear a t-shirt.")
        service.questions.append(EligibilityQuestion(
            text_fr="Avez-vous 18 ans ou plus?", text_en="Are you 18 or older?", answers=[
                EligibilityAnswer(text_fr="Oui", text_en="Yes", eligible=True, position=1),
                EligibilityAnswer(text_fr="Non", text_en="No", eligible=False, position=2)]))
        alma = make_location("Pharmacie Alma", "G8B 1M4")
        team = make_team(locations=[alma], services=[service])
        make_block(alma, team, [service], DAY, "09:00", "11:00", per_slot=1)
        db.session.commit()
    with serving(app) as base:
        yield base, app


def check_accessibility(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v.get("impact") in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                           for v in serious]


def narrow(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def citizen(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-CA",
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def find_and_answer(page: Any, base: str, labels: dict[str, str], answer: str) -> None:
    page.goto(base + "/")
    check_accessibility(page)
    page.get_by_label(labels["postal"]).fill("g8b1m4")
    page.get_by_role("button", name=labels["search"]).click()
    expect(page.get_by_text(labels["area"])).to_be_visible()
    narrow(page)
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(labels["book"])).first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    check_accessibility(page)
    dialog.get_by_role("button").click()
    page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name=labels["dates"]).click()


FR = {"postal": "Code postal", "search": "Rechercher", "area": "près d'Alma Sud-Est (G8B)",
      "book": "Prendre rendez-vous", "dates": "Choisir une date"}
EN = {"postal": "Postal code", "search": "Search", "area": "Alma Southeast (G8B)",
      "book": "Book at", "dates": "Choose a date"}


def test_not_eligible_answer_stops(citizen, public_server):
    base, _app = public_server
    find_and_answer(citizen, base, FR, "Non")
    expect(citizen.get_by_text("pas admissible")).to_be_visible()
    expect(citizen.get_by_role("button", name=re.compile(r"\d h \d"))).to_have_count(0)
    check_accessibility(citizen)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_book_confirm_and_cancel_on_a_phone(citizen, public_server, lang):
    base, app = public_server
    labels = FR if lang == "fr" else EN
    if lang == "en":
        citizen.goto(base + "/")
        citizen.get_by_role("button", name="EN").click()
    find_and_answer(citizen, base, labels, "Oui" if lang == "fr" else "Yes")
    check_accessibility(citizen)
    citizen.locator(".day-list a").first.click()
    check_accessibility(citizen)
    narrow(citizen)
    citizen.locator("button.time").first.click()
    check_accessibility(citizen)
    narrow(citizen)
    names = ("Marie", "Côté") if lang == "fr" else ("Mary", "Smith")
    if lang == "fr":
        citizen.get_by_role("textbox", name="Prénom", exact=True).fill(names[0])
        citizen.get_by_role("textbox", name="Nom", exact=True).fill(names[1])
        citizen.get_by_role("textbox", name="Date de naissance", exact=True).fill("1950-02-03")
        citizen.get_by_role("textbox", name="Courriel", exact=True).fill("marie@example.org")
        citizen.get_by_label(re.compile("J'accepte")).check()
        citizen.get_by_role("button", name="Réserver ce rendez-vous").click()
    else:
        citizen.get_by_role("textbox", name="First name", exact=True).fill(names[0])
        citizen.get_by_role("textbox", name="Last name", exact=True).fill(names[1])
        citizen.get_by_role("textbox", name="Birth date", exact=True).fill("1951-02-03")
        citizen.get_by_role("textbox", name="Email", exact=True).fill("mary@example.org")
        citizen.get_by_label(re.compile("I accept")).check()
        citizen.get_by_role("button", name="Book this appointment").click()
    number = citizen.locator(".coupon-number strong")
    expect(number).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    coupon = number.inner_text()
    check_accessibility(citizen)
    narrow(citizen)
    with app.app_context():
        appointment = db.session.scalar(select(Appointment).where(Appointment.coupon == coupon))
        message = db.session.scalar(select(Message).where(
            Message.appointment_id == appointment.id, Message.channel == "email"))
        assert coupon in message.body  # the ticked "by email" box followed the typing
        assert message.language == ("fr_CA" if lang == "fr" else "en")
        token = appointment.token
    # the link of the message: confirm, then cancel with the number and birth date
    citizen.goto(f"{base}/r/{token}")
    citizen.get_by_role("button", name=re.compile("Confirmer mon|Confirm my")).click()
    expect(citizen.get_by_text(re.compile("est confirmé|is confirmed")).first).to_be_visible()
    citizen.goto(base + "/cancel")
    check_accessibility(citizen)
    citizen.get_by_label(re.compile("Numéro de confirmation|Confirmation number")).fill(coupon)
    citizen.get_by_label(re.compile("Date de naissance|Birth date")).fill(
        "1950-02-03" if lang == "fr" else "1951-02-03")
    citizen.get_by_role("button", name=re.compile("Trouver|Find")).click()
    citizen.get_by_text(re.compile("Annuler mon rendez-vous|Cancel my appointment")).click()
    citizen.get_by_role("button", name=re.compile("Oui, l'annuler|Yes, cancel it")).click()
    expect(citizen.get_by_text(re.compile("est annulé|is cancelled")).first).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(Appointment).where(
            Appointment.coupon == coupon)).status == "cancelled"


def test_second_browser_racing_for_the_last_place_gets_the_race_message(browser,
                                                                          public_server):
    base, app = public_server
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-CA")
        page = context.new_page()
        find_and_answer(page, base, FR, "Oui")
        page.locator(".day-list a").first.click()
        pages.append(page)
    for page in pages:  # both see the first time, 9 h 00
        expect(page.locator("button.time").first).to_have_text("9 h 00")
    pages[0].locator("button.time").first.click()   # holds the place
    pages[0].wait_for_url(re.compile(r"/hold/"))
    pages[1].locator("button.time").first.click()   # too late
    expect(pages[1].get_by_role("heading", name="Cette heure vient d'être prise")).to_be_visible()
    expect(pages[1].locator("button.time")).to_have_text(NEAREST)  # the nearest other times
    check_accessibility(pages[1])
    for page in pages:
        page.context.close()
