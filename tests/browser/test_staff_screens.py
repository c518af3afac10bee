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
    # A block holding appointments (a booked place is a filled square in its slot's row) in
    # the coming days: the demo books about 40 places per location among those left.
    blocks = phone.locator(".cal-block", has=phone.locator(".sq b", has_text="■"))
    for ahead in range(1, 15):
        day = local_today() + timedelta(days=ahead)
        phone.goto(f"{live_server}/admin/schedules/?location=1&view=day&date={day}")
        if blocks.count():
            break
    block = blocks.first
    slots = block.locator("li.slot")
    booked = [n for n in range(slots.count()) if "■" in slots.nth(n).inner_text()]
    assert booked, "the demo has appointments in the coming days"
    block.locator(".blk-time").dblclick()
    dialog = phone.locator("#dialog")
    end = dialog.get_by_label("Heure de fin")
    end.wait_for()
    start = dialog.get_by_label("Heure de début")
    if booked[0] < slots.count() - 1:  # keep only the last slot: a booked one would go
        hours, minutes = map(int, end.input_value().split(":"))
        last = hours * 60 + minutes - 15
        start.fill(f"{last // 60:02d}:{last % 60:02d}")
        start.press("Tab")
    else:  # the only booked slot is the last one: keep only the first
        hours, minutes = map(int, start.input_value().split(":"))
        first_end = hours * 60 + minutes + 15
        end.fill(f"{first_end // 60:02d}:{first_end % 60:02d}")
        end.press("Tab")
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


@pytest.mark.parametrize("menu, row", [("appointments", ".apt-slot"), ("schedules", ".slot")])
def test_on_a_phone_the_day_views_block_heading_hides_no_slot(phone, live_server, menu, row):
    """The block's heading floated over the first slot rows of the day view at 360-390 px
    (their times and patients hidden): it now sits above them."""
    sign_in(phone, live_server, "gestion1")
    day = local_today() + timedelta(days=1)
    phone.goto(f"{live_server}/admin/{menu}/?location=1&view=day&date={day}")
    blocks = phone.locator(".cal-block")
    expect(blocks.first).to_be_visible()
    for n in range(min(blocks.count(), 4)):
        block = blocks.nth(n)
        block.scroll_into_view_if_needed()
        head = block.locator(".blk-head").bounding_box()
        first = block.locator(row).first.bounding_box()
        assert head and first
        assert first["y"] >= head["y"] + head["height"] - 1, (menu, n, head, first)


def test_consultation2_top_bar_fits_one_line_at_1280(page, live_server):
    """Issue 17, point 10."""
    sign_in(page, live_server, "consultation2")
    page.goto(f"{live_server}/admin/appointments/")
    bar = page.locator("header.topbar")
    expect(bar).to_be_visible()
    brand = page.locator(".topbar .brand").bounding_box()
    user = page.locator(".topbar details.user > summary").bounding_box()
    assert brand and user and abs(brand["y"] + brand["height"] / 2
                                  - (user["y"] + user["height"] / 2)) < 8
    assert bar.bounding_box()["height"] < 70


def test_week_view_block_hours_are_never_clipped_at_1280(page, live_server):
    """Issue 17, point 5: '09:00-12:0' in the narrow team columns."""
    sign_in(page, live_server, "gestion1")
    day = local_today() + timedelta(days=1)
    page.goto(f"{live_server}/admin/schedules/?location=1&view=week&date={day}")
    times = page.locator(".view-week .blk-time .nw")
    expect(times.first).to_be_visible()
    clipped = page.evaluate("""() => [...document.querySelectorAll('.view-week .blk-time .nw')]
        .filter(t => { const r = t.getBoundingClientRect(),
                             b = t.closest('.cal-block').getBoundingClientRect();
                       return r.right > b.right + 1 || r.left < b.left - 1; })
        .map(t => t.textContent)""")
    assert clipped == []


def test_phone_schedules_fold_the_filters_and_keep_the_day_label_on_one_line(phone, live_server):
    """Issue 17, point 5."""
    sign_in(phone, live_server, "gestion1")
    phone.goto(f"{live_server}/admin/schedules/?location=1&date={local_today() + timedelta(days=1)}")
    expect(phone.locator(".cal-grid.view-day")).to_be_visible()
    filters = phone.locator("details.sch-filters, details:has(> summary:has-text('Filtres'))").first
    expect(filters).not_to_have_attribute("open", re.compile(".*"))
    label = phone.locator(".view-day .blk-time").first
    expect(label).to_be_visible()
    line = phone.evaluate("parseFloat(getComputedStyle(document.querySelector("
                          "'.view-day .blk-time')).lineHeight) || 20")
    assert label.bounding_box()["height"] < line * 1.6


def test_time_picker_chips_line_up_in_columns(page, live_server):
    """Issue 17, point 6: one width for every time, staff-only ones included."""
    sign_in(page, live_server, "gestion1")
    day = local_today() + timedelta(days=1)
    page.goto(f"{live_server}/admin/appointments/book?location=1&service=1&date={day}")
    chips = page.locator(".apt-time-list li")
    expect(chips.first).to_be_visible()
    widths = {round(chips.nth(i).bounding_box()["width"]) for i in range(chips.count())}
    assert len(widths) == 1, widths


def test_saving_raises_no_content_security_policy_error(page, live_server):
    """Issue 17, point 9: the console stays clean on the saves a first day makes."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))")
    sign_in(page, live_server, "gestion1")
    day = local_today() + timedelta(days=1)
    page.goto(f"{live_server}/admin/schedules/?location=1&view=day&date={day}")
    page.locator(".blk-edit").first.click()
    page.locator("#dialog").get_by_role("button", name="Enregistrer").click()
    expect(page.locator("dialog#dialog")).not_to_have_attribute("open", re.compile(".*"))
    page.goto(f"{live_server}/admin/appointments/book?location=1&service=1&date={day}")
    page.locator(".apt-time-list a").first.click()
    page.locator("#p-first_name").fill("Zoé")
    page.locator("#p-last_name").fill("Gagnon")
    page.locator("#p-birth_date").fill("1980-02-03")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(r"/admin/appointments/\d+"))
    assert not [p for p in problems if "Content Security Policy" in p or p.startswith("CSP")]
