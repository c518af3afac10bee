"""Schedules in a real browser, as Management #1: drag to create, edit, clone, padlock."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from webapp.timeutil import local_today

from .conftest import sign_in

pytestmark = pytest.mark.browser

TODAY = local_today()


def day_view(page, base, day, team_index=0):
    page.goto(f"{base}/admin/schedules/?location=1&view=day&date={day}&from=8&to=18&step=15")
    return page.locator(".cal-lane").nth(team_index)


def drag(page, lane, first_row, last_row, rows=40):
    box = lane.bounding_box()
    height = box["height"] / rows
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + first_row * height + height / 2)
    page.mouse.down()
    page.mouse.move(x, box["y"] + (first_row + 1) * height + height / 2, steps=3)
    page.mouse.move(x, box["y"] + last_row * height + height / 2, steps=5)
    page.mouse.up()


def test_drag_to_create_then_edit_then_lock_a_block(page, live_server):
    sign_in(page, live_server, "gestion1")
    day = TODAY + timedelta(days=20)
    lane = day_view(page, live_server, day)
    drag(page, lane, 4, 7)  # 09:00 to 10:00
    dialog = page.locator("#dialog")
    expect(dialog.get_by_label("Heure de début")).to_have_value("09:00")
    expect(dialog.get_by_label("Heure de fin")).to_have_value("10:00")
    expect(dialog.get_by_text("4 rendez-vous", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Enregistrer").click()
    block = page.locator(".cal-block", has_text="09:00 – 10:00")
    expect(block).to_be_visible()
    expect(dialog).to_be_hidden()
    expect(block).to_contain_text("4 restants sur 4")
    expect(page.get_by_text("Plage horaire enregistrée : 4 rendez-vous.")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the calendar's refresh after the save is done

    block.locator(".blk-time").dblclick()
    dialog.get_by_role("heading", name=re.compile("Édition d'une plage horaire")).wait_for()
    page.wait_for_load_state("networkidle")
    per_slot = dialog.get_by_label("Nombre de rendez-vous par plage")
    per_slot.wait_for()
    per_slot.fill("3")
    per_slot.press("Tab")  # a change event too, as a person leaving the field
    dialog.get_by_text("12 rendez-vous", exact=True).wait_for()  # the live calculator
    end = dialog.get_by_label("Heure de fin")
    end.fill("10:30")
    end.press("Tab")
    dialog.get_by_text("18 rendez-vous", exact=True).wait_for()
    dialog.get_by_role("button", name="Enregistrer").click()
    block = page.locator(".cal-block", has_text="09:00 – 10:30")
    expect(block).to_contain_text("18 restants sur 18")

    block.locator(".padlock-btn").click()
    expect(page.locator(".cal-block.is-locked", has_text="09:00 – 10:30")).to_have_count(1)
    expect(page.locator(".cal-dayhead .padlock-btn.locked")).to_have_count(1)
    page.reload()
    expect(page.locator(".cal-block.is-locked", has_text="09:00 – 10:30")).to_have_count(1)


def test_the_bubble_shows_on_hover(page, live_server):
    sign_in(page, live_server, "gestion1")
    day_view(page, live_server, TODAY + timedelta(days=1))
    block = page.locator(".cal-block").first
    bubble = block.locator(".bubble")
    expect(bubble).to_be_hidden()
    block.hover()
    expect(bubble).to_be_visible()
    expect(bubble).to_contain_text("Capacité")
    expect(bubble).to_contain_text(re.compile(r"\d+ restants sur \d+"))  # words, not 29/32


def test_clone_a_day_onto_the_next_days(page, live_server):
    sign_in(page, live_server, "gestion1")
    later = (TODAY.replace(day=1) + timedelta(days=70)).replace(day=10)
    page.goto(f"{live_server}/admin/schedules/?location=1&view=month&date={later}")
    targets = [later, later + timedelta(days=1), later + timedelta(days=2)]
    for day in targets:
        page.locator(f'input[name="target"][value="{day}"]').check()
    page.get_by_role("button", name="Cloner vers les journées cochées").click()
    dialog = page.locator("#dialog")
    source = dialog.get_by_label("Journée à cloner")
    source.wait_for()
    source.fill(str(TODAY - timedelta(days=1)))  # the typical day of the demo
    source.dispatch_event("change")
    dialog.get_by_text("Équipe B").first.wait_for()
    dialog.get_by_role("button", name="Cloner", exact=True).click()
    dialog.get_by_text("Clonage terminé").wait_for()
    expect(dialog).to_contain_text("plages horaires créées : 12")
    dialog.get_by_role("link", name="Fermer").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#monthday-{later} .md-left")).to_have_text(re.compile(r"^\s*84\b"))


def test_a_day_padlock_locks_the_whole_day(page, live_server):
    sign_in(page, live_server, "gestion1")
    day = TODAY + timedelta(days=2)
    if day.weekday() == 6:
        day += timedelta(days=1)
    page.goto(f"{live_server}/admin/schedules/?location=1&view=week&date={day}")
    button = page.locator(f"#daylock-{day}")
    expect(button).to_have_class(re.compile(r"\bmixed\b"))
    button.click()
    page.locator(f"#daylock-{day}.open").wait_for()  # orange -> green: every block opened
    page.locator(f"#daylock-{day}").click()
    page.locator(f"#daylock-{day}.locked").wait_for()


def test_the_day_view_fits_a_phone(phone, live_server):
    sign_in(phone, live_server, "gestion1")
    for view in ("day", "week", "month"):
        phone.goto(f"{live_server}/admin/schedules/?location=1&view={view}&date={TODAY}")
        wide = phone.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > 362 && !e.closest('.cal-scroll'))
                 .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, (view, wide)
    phone.goto(f"{live_server}/admin/schedules/?location=1&view=week&date={TODAY}")
    scroller = phone.locator(".cal-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls inside only
