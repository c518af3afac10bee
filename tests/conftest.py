"""Fixtures: app, client, runner, and signing in as any role."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from webapp import create_app
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import User

from .factories import PASSWORD, make_user


def make_app(tmp_path: Any, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SCHEDULER_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    settings.update(config)
    app = create_app(settings)

    def fresh_request_globals() -> None:
        # The fixtures keep one app context open, which Flask reuses for every test request;
        # in production each request has its own. Start each request as production does.
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, fresh_request_globals)
    with app.app_context():
        db.create_all()
        from webapp.organization import ensure_organization

        ensure_organization()
        db.session.commit()
    return app


@pytest.fixture
def app(tmp_path: Any) -> Iterator[Flask]:
    app = make_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, role: Role | None = Role.GESTION1, email: str | None = None,
              password: str = PASSWORD) -> Any:
        email = email or f"{role.value if role else 'norole'}@test.example"
        if User.by_email(email) is None:
            make_user(role, email, password)
        return self.client.post("/admin/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/admin/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The tests read French and English text: build the catalogs from the .po files."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "scripts" / "i18n.py"), "compile"], check=True)


POSTGRES = os.environ.get("TEST_POSTGRES_URL")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test only (dropped afterwards)."""
    if not POSTGRES:
        pytest.skip("TEST_POSTGRES_URL is not set (test.sh starts a PostgreSQL server)")
    name = "t_" + uuid.uuid4().hex[:10]
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_app(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Flask]:
    """The app on SQLite (a file) and, as a second run, on PostgreSQL."""
    config = {}
    if request.param == "postgres":
        config["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
    app = make_app(tmp_path, **config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
