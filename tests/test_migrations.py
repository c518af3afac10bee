"""The committed migrations build exactly the schema of the models, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from webapp import create_app
from webapp.extensions import db


def _app(url):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def _assert_migrated_schema_matches_models(url):
    app = _app(url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        runner = app.test_cli_runner()
        result = runner.invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        client = app.test_client()
        response = client.post("/admin/login", data={"email": "pilote@example.org",
                                                     "password": "Vaccin-Demo-2021!"})
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_sqlite_migrations(tmp_path):
    _assert_migrated_schema_matches_models(f"sqlite:///{tmp_path}/m.sqlite3")


@pytest.mark.postgres
def test_postgres_migrations(postgres_url):
    _assert_migrated_schema_matches_models(postgres_url)


def _assert_rollup_triggers_come_and_go(url):
    """The statistics rollup's migration makes the triggers that mark a rolled-up day dirty,
    and its downgrade takes them away with the tables."""
    from flask_migrate import downgrade
    from sqlalchemy import text

    from webapp.models.statistics import trigger_statements

    app = _app(url)
    with app.app_context():
        upgrade()
        dialect = db.engine.dialect.name
        listing = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if dialect == "sqlite"
                   else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")

        def triggers():
            with db.engine.connect() as connection:
                return {n for (n,) in connection.execute(text(listing))
                        if n.startswith("stats_dirty")}

        expected = {s.split()[2] for s in trigger_statements(dialect)
                    if s.startswith("CREATE TRIGGER")}
        assert len(expected) == (9 if dialect == "sqlite" else 3)
        assert triggers() == expected
        downgrade(revision="12e018d4dc51")
        assert triggers() == set()
        upgrade()
        assert triggers() == expected
        db.session.remove()
        db.engine.dispose()


def test_sqlite_rollup_triggers(tmp_path):
    _assert_rollup_triggers_come_and_go(f"sqlite:///{tmp_path}/t.sqlite3")


@pytest.mark.postgres
def test_postgres_rollup_triggers(postgres_url):
    _assert_rollup_triggers_come_and_go(postgres_url)
