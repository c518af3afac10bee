"""Benchmark of the follow-up list: does the day list stay flat as a year fills up, and does
the Excel export keep memory flat?

Fills a temporary SQLite database with `--appointments` over a year at one location (bulk
inserts, no slots: the list reads appointments only), then times through the Flask test
client the day list, the month list with filters and a name search, and /healthz (ratio);
the same day list on a database holding one week only; then the export of 10,000 and
50,000 rows (time and peak Python memory, tracemalloc). Prints figures; asserts nothing.
Requests are sequential (the 20-concurrent-client run of the issue is not built yet).

    python bench/followup.py [--appointments 100000] [--requests 30]
"""
from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time as clock
import tracemalloc
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from werkzeug.datastructures import MultiDict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

from webapp import create_app, followup, followup_export  # noqa: E402
from webapp.booking.patients import identity_key  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import (  # noqa: E402
    Appointment,
    Location,
    Patient,
    RoleAssignment,
    Service,
    Team,
    User,
)
from webapp.organization import ensure_organization  # noqa: E402
from webapp.timeutil import local_today  # noqa: E402

PASSWORD = "Bench-Password-1!"
NAMES = ["Côté", "Tremblay", "Gagnon", "Roy", "Bouchard", "Gauthier", "Morin", "Lavoie"]
FIRST = ["Jean", "Marie", "Léa", "Luc", "Élise", "Paul", "Anne", "Réjean"]


def fill(count: int, days: int) -> None:
    ensure_organization()
    service = Service(name_fr="Dose 1", name_en="Dose 1", duration_minutes=15)
    location = Location(name_fr="Lieu", name_en="Location", position=1)
    team = Team(name="Équipe", locations=[location], services=[service])
    user = User(email="gestion1@bench.example", first_name="G", last_name="Un")
    user.set_password(PASSWORD)
    user.roles.append(RoleAssignment(role="gestion1"))
    db.session.add_all([service, location, team, user])
    db.session.commit()
    rng = random.Random(7)
    start = datetime.combine(local_today() - timedelta(days=days // 2), time(13), tzinfo=UTC)
    for first in range(0, count, 5000):
        batch = range(first, min(count, first + 5000))
        patients = []
        for n in batch:
            last, given = rng.choice(NAMES), rng.choice(FIRST)
            born = date(1940, 1, 1) + timedelta(days=n % 20000)
            patients.append(dict(first_name=given, last_name=last, birth_date=born,
                                 cell_phone=f"418 555-{n % 10000:04d}",
                                 identity_key=identity_key(last, given, born)))
        db.session.execute(insert(Patient), patients)
        ids = db.session.scalars(select(Patient.id).order_by(Patient.id.desc())
                                 .limit(len(patients))).all()
        db.session.execute(insert(Appointment), [dict(
            coupon=f"{n:06X}", token=secrets.token_urlsafe(32),
            service_id=service.id, location_id=location.id, team_id=team.id, patient_id=pid,
            starts_at=start + timedelta(days=(n * days) // count, minutes=15 * (n % 32)),
            status="booked") for n, pid in zip(batch, ids, strict=True)])
        db.session.commit()


def timed(client: Any, path: str, requests: int) -> tuple[float, float]:
    times = []
    for _ in range(requests):
        began = clock.perf_counter()
        response = client.get(path)
        times.append((clock.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * .95) - 1]


def run(label: str, count: int, days: int, requests: int, folder: Path) -> dict[str, float]:
    app = create_app({"SECRET_KEY": "bench", "SCHEDULER_ENABLED": False, "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / (label + '.db')}",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        fill(count, days)
        client = app.test_client()
        client.post("/admin/login", data={"email": "gestion1@bench.example",
                                          "password": PASSWORD})
        health = timed(client, "/healthz", requests)
        day = timed(client, "/admin/followup/", requests)
        month = timed(client, "/admin/followup/?period=month&service=1&last_name=cote", requests)
    print(f"{label:>10}: {count:>7} appointments | /healthz p50 {health[0]:6.1f} ms | "
          f"day list p50 {day[0]:6.1f} p95 {day[1]:6.1f} ms ({day[0] / health[0]:4.1f}x) | "
          f"month+search p50 {month[0]:6.1f} p95 {month[1]:6.1f} ms")
    return {"day": day[0]}


def export(rows: int, folder: Path) -> tuple[float, float]:
    app = create_app({"SECRET_KEY": "bench", "SCHEDULER_ENABLED": False, "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / f'export{rows}.db'}"})
    with app.app_context(), app.test_request_context():
        db.create_all()
        fill(rows, 28)
        query = followup.parse(MultiDict({"period": "3months",
                                          "day": (local_today() - timedelta(days=14)).isoformat()}))
        tracemalloc.start()
        began = clock.perf_counter()
        output, count = followup_export.write(query, None, None, {})
        seconds = clock.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        output.close()
    print(f"    export: {count:>7} rows in {seconds:5.1f} s, peak Python memory {peak:6.1f} MB")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        year = run("year", args.appointments, 365, args.requests, path)
        week = run("week", max(1, args.appointments * 7 // 365), 7, args.requests, path)
        print(f"day list, a year vs a week: {year['day'] / week['day']:.2f}x (flat below 1.5x)")
        _, small = export(10_000, path)
        _, large = export(50_000, path)
        print(f"export peak memory, 50k vs 10k rows: {large / small:.2f}x (flat below 1.3x)")


if __name__ == "__main__":
    main()
