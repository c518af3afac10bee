"""The citizen's booking at 360 px, as issue 16 asks: a double tap is one hold, a booking
without JavaScript confirms to both contacts, details survive an expired hold."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp import booking
from webapp.extensions import db
from webapp.models import Appointment, EligibilityAnswer, EligibilityQuestion, Message, Slot
from webapp.timeutil import local_today

from ..factories import make_block, make_location, make_service, make_team
from .conftest import planner_app, serving
from .test_public_journey import check_accessibility, narrow

pytestmark = pytest.mark.browser
DAY = local_today() + timedelta(days=2)


def citizen_planner(folder: Any, day: Any, start: str, end: str,
                    phone: str = "") -> tuple[Any, str]:
    """A planner with one vaccine, one question and one location open online on `day`;
    the app and the day's times URL (the question answered)."""
    app = planner_app(folder, demo=False)
    with app.app_context():
        from webapp.organization import ensure_organization

        org = ensure_organization()
        org.name_fr = org.name_en = "Pharmacie Test"
        if phone:
            org.phone = phone
        org.online_booking_open = True
        service = make_service(name="Vaccin", name_en="Vaccine")
        question = EligibilityQuestion(text_fr="18 ans ou plus?", text_en="18 or older?", answers=[
            EligibilityAnswer(text_fr="Oui", text_en="Yes", eligible=True, position=1)])
        service.questions.append(question)
        alma = make_location("Pharmacie Alma", "G8B 1M4")
        team = make_team(locations=[alma], services=[service])
        make_block(alma, team, [service], day, start, end, per_slot=1)
        db.session.commit()
        times = (f"/book/{alma.id}/{service.id}/{day.isoformat()}"
                 f"?q{question.id}={question.answers[0].id}")
    return app, times


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[tuple[str, Any, str]]:
    app, times = citizen_planner(tmp_path_factory.mktemp("citizen"), DAY, "09:00", "12:00")
    with serving(app) as base:
        yield base, app, times


def phone_page(browser: Any, javascript: bool = True) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-CA",
                                  is_mobile=True, has_touch=True, java_script_enabled=javascript)
    return context.new_page()


def _holds(app: Any) -> list[Appointment]:
    with app.app_context():
        return list(db.session.scalars(select(Appointment).where(Appointment.status == "held")))


def _fill(page: Any, first: str = "Gaston") -> None:
    page.get_by_role("textbox", name="Prénom", exact=True).fill(first)
    page.get_by_role("textbox", name="Nom", exact=True).fill("Roy")
    page.get_by_role("textbox", name="Date de naissance", exact=True).fill("1950-02-03")
    page.get_by_role("textbox", name="Courriel", exact=True).fill("gaston@example.org")
    page.get_by_role("textbox", name="Téléphone cellulaire", exact=True).fill("418 555-0123")
    page.get_by_label(re.compile("J'accepte")).check()


def test_a_double_tap_on_a_time_holds_one_place(browser, server):
    base, app, times = server
    page = phone_page(browser)
    page.goto(base + times)
    before = len(_holds(app))
    sent = []

    def twice(route: Any) -> None:  # a slow phone: the tap reaches the server twice
        sent.append(route.request.post_data)
        if len(sent) == 1:
            route.fetch(max_redirects=0)
        route.continue_()

    page.route("**/book/hold", twice)
    page.get_by_role("button", name="9 h 00", exact=True).click()
    expect(page.get_by_role("heading", name="Vos renseignements")).to_be_visible()
    expect(page.get_by_text(re.compile("il reste (9|10) minutes"))).to_be_visible()
    assert len(_holds(app)) == before + 1  # the last place of 9 h 00, held once
    check_accessibility(page)
    narrow(page)
    page.context.close()


def test_without_javascript_the_confirmation_goes_to_both_contacts(browser, server):
    base, app, times = server
    page = phone_page(browser, javascript=False)
    page.goto(base + times)
    page.get_by_role("button", name="10 h 00", exact=True).click()
    _fill(page)
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.get_by_text(
        "Confirmation envoyée à g…@example.org et au 418 ***-0123.")).to_be_visible()
    coupon = page.locator(".coupon-number strong").inner_text()
    with app.app_context():
        appointment = db.session.scalar(select(Appointment).where(Appointment.coupon == coupon))
        channels = sorted(db.session.scalars(select(Message.channel).where(
            Message.appointment_id == appointment.id)))
    assert channels == ["email", "sms"]
    narrow(page)
    page.context.close()


def test_after_the_ten_minutes_someone_took_the_place_and_the_details_are_kept(browser,
                                                                               server):
    base, app, times = server
    page = phone_page(browser)
    page.goto(base + times)
    page.get_by_role("button", name="11 h 00", exact=True).click()
    expect(page.get_by_role("heading", name="Vos renseignements")).to_be_visible()
    _fill(page, first="Rosalie")
    token = page.url.rsplit("/", 1)[-1]
    with app.app_context():  # the 10 minutes pass, someone else takes the place
        held = db.session.scalar(select(Appointment).where(Appointment.token == token))
        booking.release_hold(held)
        slot = db.session.get(Slot, held.slot_id)
        booking.hold(booking.BookingRequest(slot, held.service, online=True,
                                            eligibility=held.eligibility))
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.get_by_role("heading", name="Vos 10 minutes sont écoulées")).to_be_visible()
    expect(page.get_by_text(re.compile("L'heure choisie, le .* 11 h 00"))).to_be_visible()
    check_accessibility(page)
    narrow(page)
    page.get_by_role("button", name=re.compile("11 h 15")).click()
    expect(page.get_by_role("textbox", name="Prénom", exact=True)).to_have_value("Rosalie")
    expect(page.get_by_role("textbox", name="Téléphone cellulaire", exact=True)).to_have_value(
        "418 555-0123")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.get_by_text(
        "Confirmation envoyée à g…@example.org et au 418 ***-0123.")).to_be_visible()
    page.context.close()


def test_errors_lead_to_the_fields_and_a_typed_birth_date_books(browser, server):
    base, _app, times = server
    page = phone_page(browser)
    page.goto(base + times)
    page.get_by_role("button", name="9 h 30", exact=True).click()
    page.get_by_role("textbox", name="Prénom", exact=True).fill("Gaston")
    page.get_by_role("textbox", name="Date de naissance", exact=True).fill("31 smarch 1948")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(3)
    check_accessibility(page)
    narrow(page)
    summary.get_by_role("link", name=re.compile("^Date de naissance")).click()
    birth = page.get_by_role("textbox", name="Date de naissance", exact=True)
    expect(birth).to_be_focused()
    birth.fill("12 mai 1948")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Roy")
    page.get_by_label(re.compile("J'accepte")).check()
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.get_by_text("Aucune confirmation n'a été envoyée", exact=False)).to_be_visible()
    page.context.close()


def test_the_pop_up_is_a_modal_closed_by_esc_and_shown_once(browser, server):
    base, app, times = server
    with app.app_context():
        from webapp.organization import ensure_organization

        ensure_organization().popup_fr = "Apportez votre carte."
        db.session.commit()
    location = re.sub(r"^/book/(\d+)/(\d+)/.*$", r"/location/\1/\2", times)
    page = phone_page(browser)
    page.goto(base + location)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="J'ai compris")).to_be_focused()
    assert page.evaluate("document.querySelector('#popup').matches(':modal')")
    for _ in range(3):  # the page behind is inert: Tab stays in the pop-up
        page.keyboard.press("Tab")
        assert page.evaluate("!document.activeElement || document.activeElement === document.body"
                             " || !!document.activeElement.closest('dialog')")
    check_accessibility(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Pharmacie Alma")).to_be_visible()
    expect(page.locator("dialog")).to_have_count(0)  # once per session
    page.get_by_role("button", name="Choisir une date").click()  # no answer: the error page
    expect(page.get_by_text("Veuillez répondre à toutes les questions.")).to_be_visible()
    expect(page.locator("dialog")).to_have_count(0)
    page.context.close()


def test_postal_code_messages_and_area_names_in_french(browser, server):
    base, _app, _times = server
    page = phone_page(browser)
    page.goto(base + "/")
    code = page.get_by_label("Code postal")
    for typed, said in (("123", "Un code postal a 6 caractères"),
                        ("Z9Z 9Z9", "Aucun code postal canadien ne commence par Z9Z"),
                        ("H0H 0H0", "Aucun secteur ne correspond à ce code postal")):
        code.fill(typed)
        page.get_by_role("button", name="Rechercher").click()
        expect(page.get_by_text(said)).to_be_visible()
        expect(code).to_have_attribute("aria-invalid", "true")
        narrow(page)
    check_accessibility(page)
    code.fill("G8B-1M4")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text(re.compile(r"Résultats près d'Alma Sud-Est \(G8B\)"))).to_be_visible()
    expect(page).to_have_title(re.compile("près de G8B"))
    expect(page.get_by_text("Dans votre secteur")).to_be_visible()
    narrow(page)
    page.context.close()


@pytest.mark.parametrize("zoom", ["text", "page"])
def test_every_step_reads_at_200_percent_without_sideways_scroll(browser, server, zoom):
    base, _app, times = server
    width = 360 if zoom == "text" else 180  # page zoom 200 % on a 360 px phone: 180 css px
    context = browser.new_context(viewport={"width": width, "height": 740}, locale="fr-CA")
    page = context.new_page()

    def fits() -> None:
        if zoom == "text":
            page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    location = re.sub(r"^/book/(\d+)/(\d+)/.*$", r"/location/\1/\2", times)
    for path in ("/", "/find?postal_code=G8B+1M4", location, "/cancel",
                 times.replace(DAY.isoformat(), "dates"), times):
        page.goto(base + path)
        fits()
    page.get_by_role("button", name="11 h 45" if zoom == "text" else "11 h 30").click()
    expect(page.get_by_role("heading", name="Vos renseignements")).to_be_visible()
    fits()
    page.get_by_role("button", name="Réserver ce rendez-vous").click()
    expect(page.locator(".error-summary")).to_be_visible()
    fits()
    context.close()


def test_the_language_switch_keeps_what_was_typed(browser, server):
    base, _app, times = server
    page = phone_page(browser, javascript=False)
    page.goto(base + times)
    page.get_by_role("button", name="10 h 45", exact=True).click()
    page.get_by_role("textbox", name="Prénom", exact=True).fill("Rosalie")
    page.get_by_role("textbox", name="Date de naissance", exact=True).fill("12 mai 1948")
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    expect(page.get_by_role("textbox", name="First name", exact=True)).to_have_value("Rosalie")
    expect(page.get_by_role("textbox", name="Birth date", exact=True)).to_have_value(
        "12 mai 1948")
    narrow(page)
    page.context.close()
