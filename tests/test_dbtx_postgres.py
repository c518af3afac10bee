"""On PostgreSQL a transaction that only read ends with COMMIT, so that psycopg keeps its
prepared statements from one page to the next (dbtx._end_reads, issue 15); a transaction
that wrote is still rolled back."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from webapp.extensions import db
from webapp.models import Organization
from webapp.organization import ensure_organization

from .conftest import make_app


def _prepared() -> int:
    return int(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")) or 0)


@pytest.mark.postgres
def test_reads_keep_prepared_statements_and_writes_still_roll_back(tmp_path, postgres_url):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_url,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        db.create_all()
        ensure_organization().name_fr = "Avant"
        db.session.commit()
        for _ in range(8):  # psycopg prepares a query from its 5th run on a connection
            db.session.execute(select(Organization.name_fr).where(Organization.id == 1)).one()
            db.session.rollback()  # as every page ends (the session closes)
        assert _prepared() >= 1
        db.session.rollback()

        db.session.execute(update(Organization).values(name_fr="Jamais"))
        db.session.rollback()  # a write, then a rollback: nothing kept
        assert db.session.scalar(select(Organization.name_fr)) == "Avant"
        db.session.rollback()

        with pytest.raises(Exception, match="division"):  # a failed transaction
            db.session.execute(text("SELECT 1 / 0"))
        db.session.rollback()
        assert db.session.scalar(select(Organization.name_fr)) == "Avant"
        db.session.remove()
        db.engine.dispose()


def test_sqlite_is_left_alone(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        assert not db.engine.dispatch.rollback  # no listener: SQLite has no such cache
