"""The clinic day in a real browser, as Management #1: search, tick and mark present with
the dialog, export to Excel, check in by number, cancel from the detail."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import planner_app, serving, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def clinic_server(tmp_path_factory: Any) -> Iterator[str]:
    """A demo planner of its own: these tests change attendance and cancel."""
    with serving(planner_app(tmp_path_factory.mktemp("followup"))) as base:
        yield base


def test_follow_up_day_in_french(page: Any, clinic_server: str, tmp_path: Path) -> None:
    sign_in(page, clinic_server, "gestion1")
    expect(page).to_have_url(re.compile(r"/admin/followup/$"))
    page.get_by_role("link", name="Mois", exact=True).click()
    expect(page).to_have_url(re.compile(r"period=month"))
    rows = page.locator("#followup-results tbody tr")
    # active search: typing "cote" keeps only the Côté, without pressing a button
    page.get_by_label("Nom", exact=True).fill("cote")
    expect(rows.first).to_contain_text("Côté")
    expect(page).to_have_url(re.compile(r"last_name=cote"))
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text("Côté")
    # tick three rows, mark them present after the dialog naming the count
    page.get_by_role("link", name="Effacer").click()  # keeps the month
    expect(page).not_to_have_url(re.compile(r"last_name"))
    expect(page.get_by_label("Nom", exact=True)).to_have_value("")
    for i in range(3):
        rows.nth(i).get_by_role("checkbox").check()
    page.get_by_label("Action").select_option("present")
    page.get_by_role("button", name="Appliquer aux rendez-vous cochés").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_contain_text("« Indiquer présent » : 3 rendez-vous. Continuer?")
    dialog.get_by_role("button", name="Oui, continuer").click()
    expect(page.get_by_text("3 traité(s).")).to_be_visible()
    for i in range(3):
        expect(rows.nth(i)).to_contain_text("Présent")
    # the whole filtered list as an Excel file
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter vers Excel").click()
    path = tmp_path / "list.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("Date", "Heure", "Numéro de confirmation")
    assert len(lines) > 3
    # cancel one appointment from its detail, then see it "with cancellations"
    last = rows.last
    number = last.locator(".fu-coupon").inner_text()
    last.get_by_role("link", name=re.compile("Ouvrir le rendez-vous")).click()
    page.get_by_role("link", name="Annuler le rendez-vous").click()
    page.get_by_label("Motif de l’annulation").fill("Pharmacienne absente")
    page.locator("#dialog").get_by_role("button", name="Annuler le rendez-vous").click()
    expect(page.get_by_text(f"Le rendez-vous {number} est annulé")).to_be_visible()
    page.goto(clinic_server + "/admin/followup/?period=month&report=all&number=" + number)
    expect(page.locator("#followup-results tbody tr")).to_contain_text("Annulé")


def test_check_in_by_number_on_a_phone_in_english(phone: Any, clinic_server: str) -> None:
    sign_in(phone, clinic_server, "gestion1")
    phone.get_by_role("button", name="EN", exact=True).click()
    phone.wait_for_load_state()
    rows = phone.locator("#followup-results tbody tr")
    number = rows.first.locator(".fu-coupon").inner_text()
    field = phone.get_by_label("Check in (confirmation number)")
    field.fill(number.lower())
    field.press("Enter")
    expect(phone.get_by_text(f"({number}) is marked present.")).to_be_visible()
    phone.goto(clinic_server + "/admin/followup/")
    field = phone.get_by_label("Check in (confirmation number)")
    field.fill("XXXXXX")
    field.press("Enter")
    expect(phone.get_by_text("No appointment has the number “XXXXXX”.")).to_be_visible()
