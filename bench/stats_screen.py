"""Benchmark of the statistics page: the whole year against one week.

Fills a temporary SQLite database with a year of schedules at 3 locations (one team each,
8:00 to 19:00, 15-minute slots of 3 places) and about 100,000 appointments (booked,
confirmed, cancelled, some online, attendance marked on past days, a reminder sent before
each past one), rolls up the ended days as the hourly job does (timed), then times, through the
Flask test client as a Pilot, the page for the whole year, for one week and its Excel
export, beside `/healthz` in the same run. Prints p50/p95 and queries; asserts nothing.

    python bench/stats_screen.py [--requests 20] [--db sqlite|postgres|both]

PostgreSQL: BENCH_POSTGRES_URL, else TEST_POSTGRES_URL (./scripts/postgres.sh starts one).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time as clock
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

from databases import drop_postgres, postgres_database  # noqa: E402  (bench/databases.py)
from timing import p50, p95, timed_gets  # noqa: E402  (bench/timing.py)

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import (  # noqa: E402
    Appointment,
    Location,
    Message,
    Patient,
    RoleAssignment,
    ScheduleBlock,
    Service,
    Slot,
    Team,
    User,
)
from webapp.models import block_service as block_service_table  # noqa: E402
from webapp.organization import ensure_organization  # noqa: E402
from webapp.scheduling.slots import slot_starts  # noqa: E402
from webapp.statistics.rollup import DAYS_PER_TRANSACTION, roll  # noqa: E402
from webapp.timeutil import local_today, planner_zone  # noqa: E402

LOCATIONS, PER_SLOT = 3, 3
PASSWORD = "Bench-Password-1!"


def fill(days: list[date], today: date) -> int:
    """Locations, teams, a year of blocks and slots, and their appointments."""
    ensure_organization()
    services = [Service(name_fr=f"Dose {n}", name_en=f"Dose {n}", duration_minutes=15)
                for n in (1, 2)]
    locations = [Location(name_fr=f"Lieu {n}", name_en=f"Location {n}", position=n)
                 for n in range(LOCATIONS)]
    teams = [Team(name=f"Équipe {loc.position}", locations=[loc], services=services)
             for loc in locations]
    user = User(email="pilote@bench.example", first_name="P", last_name="Un")
    user.set_password(PASSWORD)
    user.roles.append(RoleAssignment(role="pilote"))
    patients = [Patient(first_name="P", last_name=str(n)) for n in range(1000)]
    db.session.add_all([*services, *locations, *teams, user, *patients])
    db.session.commit()
    zone, rng, n = planner_zone(), random.Random(42), 0
    for day in days:
        times = slot_starts(day, time(8), time(19), 15, zone)
        rows = [dict(location_id=t.locations[0].id, team_id=t.id, day=day, start_time=time(8),
                     end_time=time(19), per_slot_capacity=PER_SLOT, version=1) for t in teams]
        ids = db.session.scalars(insert(ScheduleBlock).returning(
            ScheduleBlock.id, sort_by_parameter_order=True), rows).all()
        db.session.execute(insert(block_service_table), [
            {"block_id": i, "service_id": s.id} for i in ids for s in services])
        slot_rows = [dict(block_id=i, location_id=r["location_id"], team_id=r["team_id"],
                          day=day, starts_at=t.starts_at, ends_at=t.ends_at, capacity=PER_SLOT,
                          booked=0) for i, r in zip(ids, rows, strict=True) for t in times]
        slot_ids = db.session.scalars(insert(Slot).returning(
            Slot.id, sort_by_parameter_order=True), slot_rows).all()
        appointments, booked = [], []
        for slot_id, s in zip(slot_ids, slot_rows, strict=True):
            taken = 0
            for _ in range(rng.choice((1, 2, 3, 3))):
                n += 1
                status = rng.choice(("booked", "booked", "confirmed", "cancelled"))
                taken += status != "cancelled"
                attendance = (rng.choice(("present", "present", "present", "absent",
                                          "not_eligible")) if day < today and status != "cancelled"
                              else "undefined")
                appointments.append(dict(
                    coupon=f"{n:06X}", token=f"bench-{n}", slot_id=slot_id,
                    service_id=services[n % 2].id, location_id=s["location_id"],
                    team_id=s["team_id"], patient_id=patients[n % 1000].id,
                    starts_at=s["starts_at"], status=status, attendance=attendance,
                    online=rng.random() < .4, cancelled_by_id=user.id if n % 5 == 0 else None,
                    created_at=s["starts_at"] - timedelta(hours=rng.randint(1, 900)),
                    confirmed_at=(s["starts_at"] - timedelta(hours=rng.randint(1, 40))
                                  if status == "confirmed" else None),
                    updated_at=s["starts_at"]))
            booked.append({"id": slot_id, "booked": taken})
        appointment_ids = db.session.scalars(insert(Appointment).returning(
            Appointment.id, sort_by_parameter_order=True), appointments).all()
        # A reminder by email two days before each past appointment (and tomorrow's).
        reminders = [
            dict(appointment_id=i, kind="reminder_1", occurrence=str(a["starts_at"]),
                 channel="email", recipient="x@bench.example", body="x", status="sent",
                 due_at=a["starts_at"] - timedelta(days=2),
                 sent_at=a["starts_at"] - timedelta(days=2))
            for i, a in zip(appointment_ids, appointments, strict=True)
            if day <= today + timedelta(days=1)]
        if reminders:
            db.session.execute(insert(Message), reminders)
        db.session.execute(Slot.__table__.update().where(Slot.id == db.bindparam("sid"))
                           .values(booked=db.bindparam("n")),
                           [{"sid": b["id"], "n": b["booked"]} for b in booked])
    db.session.commit()
    return n


def timed(client: Any, url: str, requests: int, queries: list[int]) -> dict[str, float]:
    queries[0] = 0
    timings, response = timed_gets(client, url, requests)
    return {"p50": p50(timings), "p95": p95(timings), "kb": len(response.data) / 1024,
            "queries": queries[0] / (requests + 1)}  # the warm-up asks the same


def run(url: str, requests: int) -> None:
    """Fill the database at `url`, then time the pages and print the figures."""
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "PUBLIC_URL": "http://localhost"})
    with app.app_context():
        db.create_all()
        today = local_today()
        start = today - timedelta(days=300)
        days = [start + timedelta(days=i) for i in range(365)]
        began = clock.perf_counter()
        made = fill(days, today)
        filled = clock.perf_counter() - began
        counted = db.session.scalar(select(func.count()).select_from(Appointment))
        engine = db.engine
        began = clock.perf_counter()
        passed, rolled = roll()  # what the hourly job does: the ended days, stored once
        rolled_in = clock.perf_counter() - began
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:  # fresh statistics, as autovacuum would
                connection.execute(text("ANALYZE"))
                connection.commit()
    print(f"{engine.dialect.name}: {counted} appointments ({made} made), {LOCATIONS} locations, "
          f"365 days, filled in {filled:.0f} s; rollup of {rolled} ended days in {rolled_in:.1f} s "
          f"({rolled_in / max(1, rolled) * 1000 * DAYS_PER_TRANSACTION:.0f} ms per transaction "
          f"of {DAYS_PER_TRANSACTION} days)")
    client = app.test_client()
    client.post("/admin/login", data={"email": "pilote@bench.example", "password": PASSWORD})
    queries = [0]

    def count(*_args: Any) -> None:
        queries[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    monday = today - timedelta(days=today.weekday() + 7)
    week = f"start={monday}&end={monday + timedelta(days=6)}"
    year = f"start={days[0]}&end={days[-1]}"
    pages = {"/healthz": "/healthz",
             "week page": f"/admin/statistics/?{week}",
             "year page": f"/admin/statistics/?{year}",
             "week excel": f"/admin/statistics/export.xlsx?{week}",
             "year excel": f"/admin/statistics/export.xlsx?{year}"}
    print(f"  {'what':11} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7} {'queries':>8}")
    figures = {}
    for label, path in pages.items():
        f = figures[label] = timed(client, path, requests, queries)
        print(f"  {label:11} {f['p50']:8.1f} {f['p95']:8.1f} {f['kb']:7.1f} "
              f"{f['queries']:8.1f}")
    print(f"  year / week (p50): {figures['year page']['p50'] / figures['week page']['p50']:.1f}x"
          f"; week / healthz: {figures['week page']['p50'] / figures['/healthz']['p50']:.0f}x")
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    if args.db in {"sqlite", "both"}:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'stats.sqlite3'}", args.requests)
    if args.db in {"postgres", "both"}:
        base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
        if not base:
            sys.exit("Set BENCH_POSTGRES_URL or TEST_POSTGRES_URL (./scripts/postgres.sh).")
        url = postgres_database(base, "bench_stats_")
        try:
            run(url, args.requests)
        finally:
            drop_postgres(base, url)


if __name__ == "__main__":
    main()
