"""Benchmark of `flask backup` / `restore` on a planner holding 100,000 appointments.

Fills a fresh database (SQLite, then PostgreSQL when a server is at hand) with a season of
schedules and 100,000 booked appointments (each with its patient), then times a backup and
a restore into an empty database of the same kind, and checks the count came back whole.
Prints figures; asserts nothing.

    .venv/bin/python bench/backup_restore.py [--appointments 100000] [--db sqlite|postgres|both]

PostgreSQL: BENCH_POSTGRES_URL, else TEST_POSTGRES_URL (./scripts/postgres.sh starts one).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time as clock
from datetime import time, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

from databases import drop_postgres, postgres_database  # noqa: E402  (bench/databases.py)

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Appointment, Location, Patient, Service, Slot, Team  # noqa: E402
from webapp.operations import backup, restore  # noqa: E402
from webapp.organization import ensure_organization  # noqa: E402
from webapp.scheduling.blocks import BlockData, create_block  # noqa: E402
from webapp.timeutil import local_today  # noqa: E402

PER_SLOT = 25  # 08:00-20:00 in 15-minute slots: 48 slots x 25 = 1,200 places a day


def settings(url: str, folder: Path) -> dict[str, object]:
    return {"TESTING": True, "SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(folder / "uploads")}


def fill(appointments: int) -> None:
    db.create_all()
    ensure_organization()
    service = Service(name_fr="Dose 1", name_en="Dose 1", duration_minutes=15)
    location = Location(name_fr="Pharmacie", name_en="Pharmacy", position=1)
    team = Team(name="Équipe", locations=[location], services=[service], position=1)
    db.session.add_all([service, location, team])
    db.session.commit()
    days = -(-appointments // (48 * PER_SLOT))
    for n in range(days):
        create_block(BlockData(location=location, team=team, services=[service],
                               day=local_today() - timedelta(days=days - n),
                               start=time(8), end=time(20), per_slot=PER_SLOT, online_open=True))
    db.session.commit()
    slots = db.session.execute(select(Slot.id, Slot.starts_at).order_by(Slot.starts_at)).all()
    made = 0
    while made < appointments:
        batch = min(5000, appointments - made)
        first = db.session.scalar(select(func.coalesce(func.max(Patient.id), 0))) + 1
        db.session.execute(insert(Patient), [
            {"id": first + i, "first_name": "Marie", "last_name": f"Tremblay {made + i}",
             "email": f"p{made + i}@example.org", "cell_phone": "+15145550000"}
            for i in range(batch)])
        rows = []
        for i in range(batch):
            slot_id, starts_at = slots[(made + i) // PER_SLOT]
            rows.append({"coupon": f"{made + i:06X}", "token": secrets.token_urlsafe(32),
                         "slot_id": slot_id, "service_id": service.id,
                         "location_id": location.id, "team_id": team.id,
                         "patient_id": first + i, "starts_at": starts_at})
        db.session.execute(insert(Appointment), rows)
        made += batch
    db.session.execute(update(Slot).values(booked=select(func.count()).where(
        Appointment.slot_id == Slot.id).scalar_subquery()))
    db.session.commit()


def run(kind: str, url: str, appointments: int, folder: Path, target: str) -> None:
    source = create_app(settings(url, folder / "source"))
    with source.app_context():
        started = clock.perf_counter()
        fill(appointments)
        filled = clock.perf_counter() - started
        started = clock.perf_counter()
        archive = backup(folder / "backup.tar.gz")
        took_backup = clock.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    fresh = create_app(settings(target, folder / "fresh"))
    with fresh.app_context():
        started = clock.perf_counter()
        restore(archive)
        took_restore = clock.perf_counter() - started
        count = db.session.scalar(select(func.count()).select_from(Appointment))
        db.session.remove()
        db.engine.dispose()
    size = archive.stat().st_size / 1e6
    print(f"{kind:10} {appointments:>9,} appointments (filled in {filled:.1f} s): "
          f"backup {took_backup:.1f} s, {size:.1f} MB; restore {took_restore:.1f} s; "
          f"restored {count:,} appointments")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.db in {"sqlite", "both"}:
        with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
            work = Path(folder)
            run("SQLite", f"sqlite:///{work / 'source.sqlite3'}", args.appointments, work,
                f"sqlite:///{work / 'restored.sqlite3'}")
    base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if args.db in {"postgres", "both"}:
        if not base:
            print("PostgreSQL   skipped: set BENCH_POSTGRES_URL or TEST_POSTGRES_URL")
            return
        source, target = postgres_database(base), postgres_database(base)
        try:
            with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
                run("PostgreSQL", source, args.appointments, Path(folder), target)
        finally:
            drop_postgres(base, source)
            drop_postgres(base, target)


if __name__ == "__main__":
    main()
