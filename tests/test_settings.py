"""Every setting the README documents is read from the environment and reaches the app."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import request

from webapp import create_app

README = Path(__file__).resolve().parent.parent / "README.md"

# Environment names whose config key differs from the name.
CONFIG_KEY = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "MAX_UPLOAD_BYTES": "MAX_CONTENT_LENGTH"}
# A value to set, and what the config must then hold (by default: the value itself).
SAMPLES: dict[str, tuple[str, Any]] = {
    "DATABASE_URL": ("postgresql://u:p@db.example/planner",
                     "postgresql+psycopg://u:p@db.example/planner"),
    "MAIL_PORT": ("2525", 2525),
    "MAX_UPLOAD_BYTES": ("1234", 1234),
    "SEND_WINDOW_START": ("7", 7),
    "SEND_WINDOW_END": ("22", 22),
    "TRUSTED_PROXIES": ("2", 2),
    "MAIL_USE_TLS": ("1", True),
    "MAIL_USE_SSL": ("1", True),
    "SESSION_COOKIE_SECURE": ("1", True),
    "SCHEDULER_ENABLED": ("0", False),
    "RATELIMIT_STORAGE_URI": ("memory://planner", "memory://planner"),
    "MAIL_TLS_VERIFY": ("0", False),
    "MAIL_TIMEOUT": ("30", 30),
    "PUBLIC_URL": ("https://rdv.example.org", "https://rdv.example.org"),
    "SESSION_IDLE_MINUTES": ("30", 30),
    "LOGIN_MAX_FAILURES": ("7", 7),
    "LOGIN_ADDRESS_MAX_FAILURES": ("40", 40),
    "LOGIN_FIRST_WAIT_SECONDS": ("10", 10),
    "LOGIN_MAX_WAIT_MINUTES": ("20", 20),
    "PUBLIC_HOLDS_PER_ADDRESS": ("2", 2),
    "PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY": ("8", 8),
    "PUBLIC_BOOKINGS_PER_PERSON_PER_DAY": ("4", 4),
    "PUBLIC_BOOKINGS_ALERT_PER_ADDRESS": ("5", 5),
    "ADMISSION_ACTIVE": ("3", 3),
    "ADMISSION_QUEUE": ("40", 40),
    "ADMISSION_WAIT": ("2.5", 2.5),
    "ADMISSION_PRIORITY_WAIT": ("9", 9.0),
}


def documented_settings() -> list[str]:
    """The variables named in the first column of the README's settings table."""
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: list[str] = []
    for line in section.splitlines():
        if line.startswith("| `"):
            names += re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])
    return names


def test_the_readme_documents_the_settings() -> None:
    names = documented_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXIES", "INSTANCE_PATH"} <= set(names)


@pytest.mark.parametrize("name", documented_settings())
def test_each_documented_setting_reaches_the_config(name: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    value, expected = SAMPLES.get(name, (f"value-of-{name.lower()}", None))
    if name == "INSTANCE_PATH":
        value = expected = str(tmp_path / "elsewhere")
    elif name == "UPLOAD_FOLDER":
        value = str(tmp_path / "documents")
    monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True})
    if name == "INSTANCE_PATH":
        assert app.instance_path == expected
        return
    assert app.config[CONFIG_KEY.get(name, name)] == (value if expected is None else expected)


def test_a_whole_number_setting_that_is_not_one_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    from webapp.config import ConfigError

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        create_app({"TESTING": True, "SECRET_KEY": "x"})


def probed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, proxies: str | None
           ) -> tuple[dict[str, Any], Any]:
    """What the app sees of a request forwarded by a proxy (address, HTTPS), and the answer."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    if proxies is None:
        monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXIES", proxies)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    seen: dict[str, Any] = {}

    @app.get("/_probe")
    def probe() -> str:
        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    response = app.test_client().get("/_probe", headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    return seen, response


def test_behind_one_trusted_proxy_the_citizen_address_and_https_are_seen(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen, response = probed(monkeypatch, tmp_path, "1")
    assert seen == {"addr": "203.0.113.7", "secure": True}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_without_trusted_proxies_forwarded_headers_are_ignored(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen, response = probed(monkeypatch, tmp_path, None)
    assert seen == {"addr": "127.0.0.1", "secure": False}
    assert "Strict-Transport-Security" not in response.headers
