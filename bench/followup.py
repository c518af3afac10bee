"""Benchmark of the follow-up list: is it fast under a crowd, does the day list stay flat as
a year fills up, and does the Excel export keep memory flat?

Fills a temporary SQLite database with `--appointments` over a year at one location (bulk
inserts; the slots hold the free places the "availability" view reads), serves it with
gunicorn, signs in as Gestion #1, then `--clients` concurrent clients ask in turn for
/healthz, the day list, the month list with filters, and a name search ("cote"), each for
`--seconds`: p50/p95 and the ratio to /healthz measured in the same run. The same day list
on a database holding one week only says whether it stays flat. Then the export of 10,000
and 50,000 rows: time (without tracing), and peak Python memory (tracemalloc, a second run).
Prints figures; asserts nothing.

    python bench/followup.py [--appointments 100000] [--clients 20] [--seconds 8]
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time as clock
import tracemalloc
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's webapp

from webapp import create_app, followup, followup_export  # noqa: E402
from webapp.booking.patients import identity_key  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import (  # noqa: E402
    Appointment,
    Location,
    Patient,
    RoleAssignment,
    ScheduleBlock,
    Service,
    Slot,
    Team,
    User,
)
from webapp.organization import ensure_organization  # noqa: E402
from webapp.timeutil import local_today, planner_zone  # noqa: E402

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
    slots(count, days, start, service, location, team)


def slots(count: int, days: int, start: datetime, service: Service, location: Location,
          team: Team) -> None:
    """One block a day of 32 slots, each with a place or two left after the appointments."""
    per_slot = -(-count // (days * 32)) + 2
    zone = planner_zone()
    blocks = [ScheduleBlock(location=location, team=team, services=[service],
                            day=(start + timedelta(days=d)).astimezone(zone).date(),
                            start_time=start.astimezone(zone).time(),
                            end_time=(start + timedelta(hours=8)).astimezone(zone).time(),
                            per_slot_capacity=per_slot) for d in range(days)]
    db.session.add_all(blocks)
    db.session.flush()
    db.session.execute(insert(Slot), [dict(
        block_id=block.id, location_id=location.id, team_id=team.id, day=block.day,
        starts_at=start + timedelta(days=d, minutes=15 * m),
        ends_at=start + timedelta(days=d, minutes=15 * m + 15), capacity=per_slot,
        booked=per_slot - 1 - m % 2) for d, block in enumerate(blocks) for m in range(32)])
    db.session.commit()


def serve(database: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=database, SECRET_KEY="bench", SCHEDULER_ENABLED="0",
               PUBLIC_URL="http://127.0.0.1", RATELIMIT_ENABLED="0", INSTANCE_PATH=str(folder))
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-k", "gthread",
         "--threads", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--access-logfile", os.devnull, "wsgi:app"],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz").read()
            return server, base
        except OSError:
            clock.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def sign_in(base: str) -> str:
    """The session cookie of Gestion #1, signed in through the real form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/admin/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore
    data = urllib.parse.urlencode({"csrf_token": token, "email": "gestion1@bench.example",
                                   "password": PASSWORD}).encode()
    opener.open(base + "/admin/login", data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def load(base: str, path: str, cookie: str, clients: int, seconds: float
         ) -> tuple[float, float, int]:
    """p50 and p95 in ms of `path` asked by `clients` concurrent clients for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = clock.monotonic() + seconds
    host, port = base.split("//")[1].split(":")

    def worker() -> None:
        nonlocal errors
        mine = []
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        while clock.monotonic() < stop:
            began = clock.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(response.status)
            except Exception:
                with lock:
                    errors += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=60)
                continue
            mine.append((clock.perf_counter() - began) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    if not latencies:
        return 0.0, 0.0, errors
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * .95) - 1], errors


PATHS = {"/healthz": "/healthz",
         "day list": "/admin/followup/",
         "month + filters": "/admin/followup/?period=month&service=1&location=1&team=1",
         "name search": "/admin/followup/?period=month&last_name=cote&first_name=jean"}


def run(label: str, count: int, days: int, clients: int, seconds: float, folder: Path,
        paths: dict[str, str]) -> dict[str, float]:
    database = f"sqlite:///{folder / (label + '.db')}"
    app = create_app({"SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                      "PUBLIC_URL": "http://127.0.0.1", "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        db.create_all()
        fill(count, days)
        db.engine.dispose()
    server, base = serve(database, folder)
    figures = {}
    try:
        cookie = sign_in(base)
        print(f"{label}: {count} appointments over {days} days, {clients} concurrent clients, "
              f"{seconds:.0f} s per page")
        for name, path in paths.items():
            load(base, path, cookie, 2, 1)  # warm-up
            p50, p95, errors = load(base, path, cookie, clients, seconds)
            figures[name] = p50
            ratio = f"{p50 / figures['/healthz']:6.1f}x /healthz" if name != "/healthz" else ""
            print(f"  {name:16} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {ratio}"
                  + (f"  ({errors} errors)" if errors else ""))
    finally:
        server.terminate()
        server.wait()
    return figures


def export(rows: int, folder: Path) -> tuple[float, float]:
    app = create_app({"SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                      "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / f'export{rows}.db'}"})
    with app.app_context(), app.test_request_context():
        db.create_all()
        fill(rows, 28)
        query = followup.parse(MultiDict({"period": "3months",
                                          "day": (local_today() - timedelta(days=14)).isoformat()}))
        began = clock.perf_counter()
        output, count = followup_export.write(query, None, None, {})
        seconds = clock.perf_counter() - began
        size = output.seek(0, 2) / 2**20
        output.close()
        db.session.expunge_all()
        tracemalloc.start()
        output, _ = followup_export.write(query, None, None, {})
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        output.close()
    print(f"  export: {count:>6} rows in {seconds:5.1f} s ({count / seconds:5.0f} rows/s, "
          f"{size:.1f} MB file), peak Python memory {peak:5.1f} MB")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        year = run("a year", args.appointments, 365, args.clients, args.seconds, path, PATHS)
        week = run("a week", max(1, args.appointments * 7 // 365), 7, args.clients,
                   args.seconds, path, {k: PATHS[k] for k in ("/healthz", "day list")})
        # each run's own /healthz takes out the machine's load of the moment
        flat = (year["day list"] / year["/healthz"]) / (week["day list"] / week["/healthz"])
        print(f"day list, a year vs a week: {year['day list'] / week['day list']:.2f}x raw, "
              f"{flat:.2f}x relative to /healthz (flat below 1.5x)")
        _, small = export(10_000, path)
        _, large = export(50_000, path)
        print(f"export peak memory, 50k vs 10k rows: {large / small:.2f}x (flat below 1.3x)")


if __name__ == "__main__":
    main()
