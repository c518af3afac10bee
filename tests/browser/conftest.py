"""A live planner with demo data, and Playwright driving Debian's Chromium."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from webapp import create_app
from webapp.demo import create_demo
from webapp.extensions import db

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
DEMO_PASSWORD = "Vaccin-Demo-2021!"


def planner_app(folder: Path, demo: bool = True) -> Flask:
    """A planner whose database and uploads live in `folder`, with the demo data or empty."""
    app = create_app({"SECRET_KEY": "browser-tests", "SCHEDULER_ENABLED": False,
                      "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'planner.sqlite3'}",
                      "UPLOAD_FOLDER": str(folder / "uploads"), "RATELIMIT_ENABLED": False,
                      # Every test phone shares 127.0.0.1: the per-address caps would add up
                      # across tests (tests/test_public_limits.py tests them).
                      "PUBLIC_HOLDS_PER_ADDRESS": 1000,
                      "PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY": 1000,
                      "PUBLIC_BOOKINGS_ALERT_PER_ADDRESS": 1000})
    with app.app_context():
        db.create_all()
        if demo:
            create_demo(DEMO_PASSWORD)
    return app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app served on a free local port while inside; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: Any) -> Iterator[str]:
    """The demo planner, shared by the tests that only read it or add to it."""
    with serving(planner_app(tmp_path_factory.mktemp("live"))) as base:
        yield base


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright, started once: a second `sync_playwright()` while one runs is refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-CA",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Any, base: str, role: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label(re.compile("courriel|email", re.I)).fill(f"{role}@example.org")
    page.get_by_label(re.compile("mot de passe|password", re.I)).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("se connecter|sign in", re.I)).click()
    page.wait_for_load_state()
