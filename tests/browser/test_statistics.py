"""Statistics as a Pilot in a real browser, in French and English, on a desk and a phone:
change the period, see the plots and tables follow, download the Excel and read it back."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import planner_app, serving, sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {"title": "Statistiques", "week": "Cette semaine", "quarter": "3 derniers mois",
           "excel": "Télécharger en Excel", "last": "Dernier jour", "sheets": ["Sommaire", "Par jour"],
           "week_of": "semaine du", "per_week": "Rendez-vous et capacité par semaine",
           "per_day": "Rendez-vous et capacité par jour"},
    "en": {"title": "Statistics", "week": "This week", "quarter": "Last 3 months",
           "excel": "Download in Excel", "last": "Last day", "sheets": ["Summary", "By day"],
           "week_of": "week of", "per_week": "Appointments and capacity per week",
           "per_day": "Appointments and capacity per day"},
}


@pytest.fixture(scope="module")
def planner(tmp_path_factory):
    """A demo planner of its own: the shared one's Pilot may be left in another role."""
    with serving(planner_app(tmp_path_factory.mktemp("stats"))) as base:
        yield base


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_pilot_reads_statistics_and_downloads_them(browser, planner, lang, width):
    words = WORDS[lang]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-CA",
                                  accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, planner, "pilote")
        page.goto(planner + "/admin/statistics/?preset=week")
        # The language is the account's (the other runs may have switched it).
        if (page.locator("html").get_attribute("lang") == "en") != (lang == "en"):
            page.get_by_role("button", name="EN" if lang == "en" else "FR").click()
            page.wait_for_load_state()
        expect(page.get_by_role("heading", name=words["title"], exact=True)).to_be_visible()
        bars = page.locator("svg.stats-bars rect.bar")
        days = page.locator("#table-days tbody tr")
        expect(bars).to_have_count(7)
        expect(days).to_have_count(7)

        page.get_by_role("link", name=words["quarter"]).click()
        expect(page).to_have_url(re.compile("preset=last3months"))
        start = page.locator("#stats-start").input_value()
        end = page.locator("#stats-end").input_value()
        # Three months are drawn by week: one bar and one row per week, named by its
        # first day in the period.
        span = (_day(end) - _day(start)).days + 1
        weeks = len({(_day(start) + timedelta(days=n)).isocalendar()[:2] for n in range(span)})
        expect(bars).to_have_count(weeks)
        expect(days).to_have_count(weeks)
        expect(days.first.locator("th")).to_contain_text(words["week_of"])
        expect(page.get_by_role("heading", name=words["per_week"])).to_be_visible()
        expect(page.locator("svg.stats-heat rect")).not_to_have_count(0)
        expect(page.locator("#table-attendance")).to_be_attached()

        # A custom period: the last day moved by hand, six days after the first.
        last = str(_day(start) + timedelta(days=5))
        page.get_by_label(words["last"]).fill(last)
        expect(bars).to_have_count(6)
        expect(days).to_have_count(6)
        expect(page.get_by_role("heading", name=words["per_day"])).to_be_visible()
        expect(page).to_have_url(re.compile(f"end={last}"))
        expect(page.get_by_role("link", name=words["quarter"])).not_to_have_attribute(
            "aria-current", "true")

        with page.expect_download() as download:
            page.get_by_role("link", name=words["excel"]).click()
        assert download.value.suggested_filename.endswith(".xlsx")
        with open(download.value.path(), "rb") as data:
            book = load_workbook(data)
        assert book.sheetnames[:2] == words["sheets"]
        sheet = book[words["sheets"][1]]
        assert sheet.max_row == 6 + 2  # headers, six days, total
        assert sheet["A2"].value.date() == _day(start)
        assert isinstance(sheet["B8"].value, int)
    finally:
        context.close()


def _day(text):
    return date.fromisoformat(text)
