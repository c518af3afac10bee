"""Text enlarged in the browser's settings (Chromium's "font size") enlarges the planner's
text, and no page runs past the window's edge at 1280 and 390 px."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, FLAGS, sign_in

pytestmark = pytest.mark.browser

ENLARGED = 24  # px: "very large" in Chromium's settings (16 by default)


@pytest.fixture(scope="module")
def enlarged(tmp_path_factory: Any, live_server: str, playwright_driver: Any) -> Iterator[Any]:
    """A Chromium profile whose default text size the person set to 24 px, signed in."""
    profile = tmp_path_factory.mktemp("profile")
    (Path(profile) / "Default").mkdir()
    (Path(profile) / "Default" / "Preferences").write_text(json.dumps(
        {"webkit": {"webprefs": {"default_font_size": ENLARGED}}}))
    context = playwright_driver.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=FLAGS, locale="fr-CA",
        viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "gestion1")
    page.close()
    yield context
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_enlarged_text_is_followed_and_fits(enlarged, live_server, width):
    page = enlarged.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        page.goto(live_server + "/")
        assert page.evaluate("getComputedStyle(document.body).fontSize") == f"{ENLARGED}px"
        for path in ("/", "/admin/appointments/", "/admin/followup/", "/admin/schedules/"):
            page.goto(live_server + path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (path, wide)
    finally:
        page.close()
