"""Backups taken during a booking rush restore every booking acknowledged before them."""
from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from webapp import booking, create_app
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.models import Appointment, Service, Slot
from webapp.operations import BackupError, backup, restore

from .conftest import POSTGRES, make_app
from .factories import assert_consistent, make_world, patient_data


def fresh_database(kind: str, tmp_path: Path) -> str:
    """The URL of an empty database of the same kind (a new instance, before `db upgrade`)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    assert POSTGRES
    name = "r_" + uuid.uuid4().hex[:10]
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    if url.startswith("postgresql") and POSTGRES:
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)"))
        admin.dispose()


def test_a_backup_during_a_rush_restores_every_acknowledged_booking(any_db_app, tmp_path):
    world = make_world(days_ahead=1, per_slot=40)
    slot_ids, service_id = [slot.id for slot in world.slots], world.service.id
    sheet = Path(any_db_app.config["UPLOAD_FOLDER"]) / "services" / "sheet.pdf"
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_bytes(b"%PDF-1.4 information sheet")
    acknowledged: list[tuple[float, str]] = []
    stop = threading.Event()
    errors: list[str] = []

    def rush(worker: int) -> None:
        with any_db_app.app_context():
            n = 0
            while not stop.is_set() and n < 200:
                person = worker * 1000 + n
                slot = db.session.get(Slot, slot_ids[person % len(slot_ids)])
                try:
                    coupon = booking.book(BookingRequest(
                        slot, db.session.get(Service, service_id), patient_data(person))).coupon
                    acknowledged.append((time.monotonic(), coupon))  # answered: committed
                except booking.BookingError as error:
                    errors.append(type(error).__name__)
                finally:
                    db.session.remove()
                n += 1

    threads = [threading.Thread(target=rush, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    archive = backup(tmp_path / "backups" / "during-rush.tar.gz")
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    before = {coupon for at, coupon in acknowledged if at < started}
    assert len(before) >= 20 and errors == []
    kind = db.engine.url.get_backend_name()
    db.session.remove()

    target = fresh_database("sqlite" if kind == "sqlite" else "postgres", tmp_path)
    fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                        "SQLALCHEMY_DATABASE_URI": target,
                        "UPLOAD_FOLDER": str(tmp_path / "fresh-uploads")})
    try:
        with fresh.app_context():
            manifest = restore(archive)
            assert manifest["database"] == kind
            restored = set(db.session.scalars(select(Appointment.coupon)))
            assert before <= restored
            assert restored <= {coupon for _, coupon in acknowledged}
            assert_consistent()
            assert (tmp_path / "fresh-uploads" / "services" / "sheet.pdf").read_bytes() \
                == b"%PDF-1.4 information sheet"
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(target)


def test_restore_refuses_a_planner_that_holds_data_and_a_file_that_is_no_backup(app, tmp_path):
    from .factories import make_user

    make_user()
    db.session.commit()
    archive = backup(tmp_path / "b.tar.gz")
    with pytest.raises(BackupError, match="already holds a planner"):
        restore(archive)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    with pytest.raises(BackupError, match="not a planner backup"):
        restore(junk, force=True)


def test_the_backup_and_restore_commands(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "nightly.tar.gz")])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    assert (tmp_path / "nightly.tar.gz").stat().st_mode & 0o077 == 0  # personal data: owner only
    result = runner.invoke(args=["restore", str(tmp_path / "nightly.tar.gz"), "--force"])
    assert result.exit_code == 0, result.output
    assert "Restored the backup" in result.output
    result = runner.invoke(args=["restore", str(tmp_path / "missing.tar.gz")])
    assert result.exit_code != 0 and "does not exist" in result.output
