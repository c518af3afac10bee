"""Schedules in a real browser, as Management #1: drag to create, edit, clone, padlock."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import sign_in

pytestmark = pytest.mark.browser

TODAY = datetime.now(ZoneInfo("America/Toronto")).date()


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
    dialog.get_by_label("Heure de début").wait_for()
    assert dialog.get_by_label("Heure de début").input_value() == "09:00"
    assert dialog.get_by_label("Heure de fin").input_value() == "10:00"
    assert dialog.get_by_text("4 rendez-vous", exact=True).is_visible()
    dialog.get_by_role("button", name="Enregistrer").click()
    block = page.locator(".cal-block", has_text="09:00 – 10:00")
    block.wait_for()
    assert not dialog.is_visible()
    assert "4/4" in block.inner_text()
    assert page.get_by_text("Plage horaire enregistrée : 4 rendez-vous.").is_visible()
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
    block.wait_for()
    assert "18/18" in block.inner_text()

    block.locator(".padlock-btn").click()
    page.locator(".cal-block.is-locked", has_text="09:00 – 10:30").wait_for()
    assert page.locator(".cal-dayhead .padlock-btn.locked").count() == 1
    page.reload()
    assert page.locator(".cal-block.is-locked", has_text="09:00 – 10:30").count() == 1


def test_the_bubble_shows_on_hover(page, live_server):
    sign_in(page, live_server, "gestion1")
    day_view(page, live_server, TODAY + timedelta(days=1))
    block = page.locator(".cal-block").first
    bubble = block.locator(".bubble")
    assert not bubble.is_visible()
    block.hover()
    assert bubble.is_visible()
    assert "Capacité" in bubble.inner_text() and "Restants" in bubble.inner_text()


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
    assert "plages horaires créées : 12" in dialog.inner_text()
    dialog.get_by_role("link", name="Fermer").click()
    assert not dialog.is_visible()
    cell = page.locator(f"#monthday-{later}")
    cell.locator(".md-left").wait_for()
    assert "84" in cell.inner_text()


def test_a_day_padlock_locks_the_whole_day(page, live_server):
    sign_in(page, live_server, "gestion1")
    day = TODAY + timedelta(days=2)
    if day.weekday() == 6:
        day += timedelta(days=1)
    page.goto(f"{live_server}/admin/schedules/?location=1&view=week&date={day}")
    button = page.locator(f"#daylock-{day}")
    assert re.search(r"\bmixed\b", button.get_attribute("class"))
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
