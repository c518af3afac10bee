"""Benchmark of the schedules calendar: does a view slow down as the year fills up?

Fills a temporary SQLite database with a year of schedules for 10 locations at the guide's
example-5 volume (480 appointments a day over 3 teams), then times the day, week and month
views of one location through the Flask test client; then the same on a database holding
one week only (the week shown: its day and week views draw the same blocks; its month
view draws one week of blocks instead of a month). Prints figures; asserts nothing.

    python bench/schedules.py [--requests 30]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time as clock
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

from timing import p50, p95, timed_gets  # noqa: E402  (bench/timing.py)

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Location, RoleAssignment, ScheduleBlock, Service, Slot, Team, User  # noqa: E402
from webapp.models import block_service as block_service_table  # noqa: E402
from webapp.organization import ensure_organization  # noqa: E402
from webapp.scheduling.slots import slot_starts  # noqa: E402
from webapp.timeutil import local_today, planner_zone  # noqa: E402

LOCATIONS, TEAMS, PER_SLOT = 10, 3, 5  # 3 teams x 32 slots x 5 = 480 appointments a day
PASSWORD = "Bench-Password-1!"


def fill(days: list[date]) -> int:
    """The planner, its locations and teams, and blocks with slots on every day given."""
    ensure_organization()
    services = [Service(name_fr=f"Dose {n}", name_en=f"Dose {n}", duration_minutes=15)
                for n in (1, 2)]
    locations = [Location(name_fr=f"Lieu {n}", name_en=f"Location {n}", position=n)
                 for n in range(LOCATIONS)]
    teams = [Team(name=f"Équipe {loc.position}-{n}", locations=[loc], services=services,
                  position=n) for loc in locations for n in range(TEAMS)]
    user = User(email="gestion1@bench.example", first_name="G", last_name="Un")
    user.set_password(PASSWORD)
    user.roles.append(RoleAssignment(role="gestion1"))
    db.session.add_all([*services, *locations, *teams, user])
    db.session.commit()
    zone = planner_zone()
    rng = random.Random(42)
    blocks = 0
    for day in days:
        times = slot_starts(day, time(7), time(15), 15, zone)
        rows = [dict(location_id=t.locations[0].id, team_id=t.id, day=day, start_time=time(7),
                     end_time=time(15), per_slot_capacity=PER_SLOT, online_open=rng.random() > .2,
                     version=1) for t in teams]
        ids = db.session.scalars(insert(ScheduleBlock).returning(
            ScheduleBlock.id, sort_by_parameter_order=True), rows).all()
        db.session.execute(insert(block_service_table), [
            {"block_id": i, "service_id": s.id} for i in ids for s in services])
        db.session.execute(insert(Slot), [
            dict(block_id=i, location_id=r["location_id"], team_id=r["team_id"], day=day,
                 starts_at=t.starts_at, ends_at=t.ends_at, capacity=PER_SLOT,
                 booked=rng.choice((0, 0, 1, 3, 5)), online_open=r["online_open"])
            for i, r in zip(ids, rows, strict=True) for t in times])
        blocks += len(ids)
    db.session.commit()
    return blocks


def measure(app: Any, requests: int) -> dict[str, dict[str, float]]:
    client = app.test_client()
    client.post("/admin/login", data={"email": "gestion1@bench.example", "password": PASSWORD})
    queries = [0]

    def count(*_args: Any) -> None:
        queries[0] += 1

    with app.app_context():
        engine = db.engine
        today = local_today()
    event.listen(engine, "before_cursor_execute", count)
    figures = {}
    for view in ("day", "week", "month"):
        url = f"/admin/schedules/?location=1&view={view}&date={today}"
        queries[0] = 0
        timings, response = timed_gets(client, url, requests)
        figures[view] = {
            "median_ms": p50(timings),
            "p95_ms": p95(timings),
            "html_kb": len(response.data) / 1024,
            "queries": queries[0] / (requests + 1),  # the warm-up asks the same
        }
    event.remove(engine, "before_cursor_execute", count)
    return figures


def run(label: str, days: list[date], requests: int, folder: Path) -> None:
    path = folder / f"{label}.sqlite3"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "PUBLIC_URL": "http://127.0.0.1",
                      "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        started = clock.perf_counter()
        blocks = fill(days)
        filled = clock.perf_counter() - started
        slots = db.session.query(Slot).count()
    figures = measure(app, requests)
    size = path.stat().st_size / 1024 / 1024
    print(f"\n{label}: {len(days)} days x {LOCATIONS} locations, {blocks} blocks, {slots} slots, "
          f"{size:.0f} MB, filled in {filled:.1f} s")
    print(f"  {'view':6} {'median ms':>10} {'p95 ms':>8} {'HTML KB':>8} {'queries':>8}")
    for view, f in figures.items():
        print(f"  {view:6} {f['median_ms']:10.1f} {f['p95_ms']:8.1f} {f['html_kb']:8.1f} "
              f"{f['queries']:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    today = date.today()
    year = [today - timedelta(days=182) + timedelta(days=i) for i in range(365)]
    sunday = today - timedelta(days=(today.weekday() + 1) % 7)
    week = [sunday + timedelta(days=i) for i in range(7)]  # the week the views show
    with tempfile.TemporaryDirectory() as folder:
        run("year", year, args.requests, Path(folder))
        run("week", week, args.requests, Path(folder))


if __name__ == "__main__":
    main()
