"""Staff screens on a first day, in a real browser (issue 17): refusals in view."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from webapp.timeutil import local_today

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_refused_block_edit_shows_its_error_in_view_on_a_phone(phone, live_server):
    sign_in(phone, live_server, "gestion1")
    day = local_today() + timedelta(days=1)
    phone.goto(f"{live_server}/admin/schedules/?location=1&view=day&date={day}")
    booked = phone.locator(".cal-block", has=phone.locator(".slot-row.has-booked, .booked"))
    block = booked.first if booked.count() else phone.locator(".cal-block").first
    block.locator(".blk-time").dblclick()
    dialog = phone.locator("#dialog")
    end = dialog.get_by_label("Heure de fin")
    end.wait_for()
    hours, minutes = map(int, end.input_value().split(":"))
    start = dialog.get_by_label("Heure de début")
    last = hours * 60 + minutes - 15  # only the last slot left: the booked ones would go
    start.fill(f"{last // 60:02d}:{last % 60:02d}")
    start.press("Tab")
    dialog.get_by_role("button", name="Enregistrer").click()
    alert = dialog.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_be_in_viewport()
    expect(alert).to_be_focused()


def test_schedules_open_on_the_day_view_on_a_phone(phone, live_server):
    sign_in(phone, live_server, "gestion1")
    phone.goto(f"{live_server}/admin/schedules/")
    expect(phone.locator(".cal-grid.view-day")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"view=day"))
    phone.goto(f"{live_server}/admin/schedules/?view=week")  # a chosen view stays
    expect(phone.locator(".cal-grid.view-week")).to_be_visible()
