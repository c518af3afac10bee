"""Booking rush: a day of 2,000 places opens and many clients book at once.

    .venv/bin/python bench/booking_rush.py                 # SQLite, then PostgreSQL
    .venv/bin/python bench/booking_rush.py --db sqlite --models sync:2 gthread:2x4

For each database and gunicorn worker model: a fresh database (schema by the real
migrations) with one location, one service, one team, 20 past days already booked
(20,000 appointments, analysed) and one block tomorrow of 40 slots x 50 places. gunicorn
serves `bench/rush_app.py` on loopback: the real application plus a benchmark-only
`POST /bench/book` that calls the real engine (`booking.book`, online, consent, email
confirmation queued): the engine alone, kept apart from the citizen's real pages, which
bench/journey_rush.py measures. An asyncio
client measures `/healthz` first, then fires bookings from many concurrent clients (a
new connection per request, as many phones would) until the day is full, and beyond.
Prints figures; asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SLOTS, PER_SLOT = 40, 50  # 08:00-18:00 every 15 minutes: 2,000 places
HISTORY_DAYS, HISTORY_PER_SLOT = 20, 25  # 20,000 past appointments already in the tables
BEYOND = 500  # requests sent once the day is full: each must be refused cleanly
CORES = os.cpu_count() or 1


# -- the database ----------------------------------------------------------------------------

def _open_day(location: Any, team: Any, service: Any, day: date, per_slot: int,
              booked: int = 0) -> Any:
    from webapp.models import ScheduleBlock, Slot
    from webapp.timeutil import planner_zone

    block = ScheduleBlock(location_id=location.id, team_id=team.id, day=day,
                          start_time=dtime(8), end_time=dtime(18), per_slot_capacity=per_slot,
                          services=[service])
    for i in range(SLOTS):
        starts = datetime.combine(day, dtime(8), planner_zone()) + timedelta(minutes=15 * i)
        block.slots.append(Slot(location_id=location.id, team_id=team.id, day=day,
                                starts_at=starts, ends_at=starts + timedelta(minutes=15),
                                capacity=per_slot, booked=booked))
    return block


def _history(db: Any, location: Any, team: Any, service: Any) -> None:
    """Past days fully booked, as a planner in the middle of a campaign has (and so that
    the query planner works on tables of a realistic size, with statistics)."""
    from sqlalchemy import insert, select

    from webapp.booking import COUPON_ALPHABET
    from webapp.models import Appointment, Patient
    from webapp.timeutil import local_today

    for d in range(1, HISTORY_DAYS + 1):
        block = _open_day(location, team, service, local_today() - timedelta(days=d),
                          HISTORY_PER_SLOT, HISTORY_PER_SLOT)
        db.session.add(block)
        db.session.flush()
        first = d * 100_000
        people = [{"first_name": "Ancien", "last_name": "Usager",
                   "birth_date": date(1930, 1, 1) + timedelta(days=(first + i) % 30000),
                   "identity_key": f"usager|ancien|{first + i}", "language": "fr_CA"}
                  for i in range(SLOTS * HISTORY_PER_SLOT)]
        db.session.execute(insert(Patient), people)
        ids = db.session.scalars(select(Patient.id).where(
            Patient.identity_key.like(f"usager|ancien|{d}_____"))).all()
        rows = []
        for n, patient_id in enumerate(ids):
            slot = block.slots[n // HISTORY_PER_SLOT]
            number = first + n
            rows.append({"coupon": "".join(COUPON_ALPHABET[number // 20**k % 20] for k in range(6)),
                         "token": uuid.uuid4().hex, "slot_id": slot.id, "service_id": service.id,
                         "location_id": location.id, "team_id": team.id,
                         "patient_id": patient_id, "starts_at": slot.starts_at,
                         "status": "booked", "attendance": "present", "online": True,
                         "eligibility": {}, "language": "fr_CA"})
        db.session.execute(insert(Appointment), rows)
    db.session.commit()


def prepare_database(url: str) -> tuple[list[int], int]:
    """Migrate a fresh database, add past days, and open a day of SLOTS x PER_SLOT places."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Location, Service, Team
    from webapp.organization import ensure_organization
    from webapp.timeutil import local_today

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SCHEDULER_ENABLED": False, "TESTING": True})
    with app.app_context():
        upgrade()
        org = ensure_organization()
        org.online_booking_open = True
        location = Location(name_fr="Pharmacie A", name_en="Pharmacy A", address="1 rue Test",
                            city="Alma", postal_code="G8B 1M4")
        service = Service(name_fr="COVID-19 – 1re dose", name_en="COVID-19 – 1st dose",
                          duration_minutes=15, horizon_days=30)
        team = Team(name="Équipe A", locations=[location], services=[service])
        db.session.add_all([location, service, team])
        db.session.flush()
        _history(db, location, team, service)
        block = _open_day(location, team, service, local_today() + timedelta(days=1), PER_SLOT)
        db.session.add(block)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        slot_ids = [s.id for s in block.slots]
        service_id = service.id
        db.session.remove()
        db.engine.dispose()
    return slot_ids, service_id


def check_database(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        one = lambda sql: connection.execute(text(sql)).scalar() or 0  # noqa: E731
        figures = {
            # the day of the rush (the past days were booked by the set-up)
            "booked": one("SELECT SUM(booked) FROM slot WHERE day = (SELECT MAX(day) FROM slot)"),
            "appointments": one("SELECT COUNT(*) FROM appointment a JOIN slot s ON s.id = "
                                "a.slot_id WHERE s.day = (SELECT MAX(day) FROM slot) AND "
                                "a.status IN ('held', 'booked', 'confirmed')"),
            "over_capacity_slots": one("SELECT COUNT(*) FROM slot WHERE booked > capacity"),
            "mismatched_slots": one(
                "SELECT COUNT(*) FROM slot s WHERE s.booked != (SELECT COUNT(*) FROM "
                "appointment a WHERE a.slot_id = s.id AND a.status IN "
                "('held', 'booked', 'confirmed'))"),
            "messages": one("SELECT COUNT(*) FROM message"),
        }
    engine.dispose()
    return figures


@contextmanager
def private_postgres(port: int) -> Iterator[str]:
    """A PostgreSQL server of its own for the benchmark (scripts/postgres.sh on another port
    and directory), so that the test suites sharing the usual one do not skew the figures."""
    folder = tempfile.mkdtemp(prefix="rush-pg-")
    env = dict(os.environ, PG_TEST_PORT=str(port), PG_TEST_DIR=folder + "/data")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    url = subprocess.run([str(ROOT / "scripts" / "postgres.sh")], check=True, env=env,
                         capture_output=True, text=True).stdout.strip()
    try:
        yield url
    finally:
        pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        command = f"'{pg_ctl}' -D '{folder}/data' -m fast -w stop"
        if os.geteuid() == 0:
            subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=False,
                           capture_output=True)
        else:
            subprocess.run(["sh", "-c", command], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def run_sql_admin(base: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(sql))
    engine.dispose()


# -- gunicorn --------------------------------------------------------------------------------

def start_server(url: str, model: str, port: int, log: Path,
                 app: str = "bench.rush_app:app") -> subprocess.Popen[bytes]:
    kind, _, shape = model.partition(":")
    workers, _, threads = shape.partition("x")
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", workers,
               "--worker-class", kind, "--error-logfile", str(log), "--log-level", "warning",
               "--backlog", "2048", app]
    if threads:
        command += ["--threads", threads]
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", SCHEDULER_ENABLED="0",
               PUBLIC_URL="http://127.0.0.1",
               INSTANCE_PATH=str(log.parent))
    # gunicorn.conf.py (production's settings) writes the access log to stdout: to a file.
    with open(log.parent / "access.log", "ab") as access:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=access)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(request(port, "GET", "/healthz"))
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# -- CPU accounting: the machine may be shared, so say who used the CPU -----------------------

TICK = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def _postgres_cpu(url: str) -> float:
    """The PostgreSQL backends serving this benchmark's database (not the other users of a
    shared server)."""
    from sqlalchemy import create_engine, text

    base, name = url.rsplit("/", 1)
    engine = create_engine(base + "/postgres")
    with engine.connect() as connection:
        pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :n"),
                                  {"n": name}).scalars().all()
    engine.dispose()
    return sum(_process_cpu(pid) for pid in pids)


@dataclass
class Cpu:
    server: float
    database: float
    client: float
    busy: float
    total: float

    @classmethod
    def now(cls, server: subprocess.Popen[bytes], url: str) -> Cpu:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        busy, total = _machine()
        return cls(sum(_process_cpu(int(p)) for p in [server.pid, *children]),
                   _postgres_cpu(url) if url.startswith("postgresql") else 0.0,
                   time.process_time(), busy, total)

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.server - other.server, self.database - other.database,
                   self.client - other.client, self.busy - other.busy, self.total - other.total)

    def per_request(self, requests: int) -> float:
        """CPU seconds of this setup (app, database, client) per request."""
        return (self.server + self.database + self.client) / requests

    def describe(self, requests: int) -> str:
        others = max(0.0, self.busy - self.server - self.database - self.client)
        database = f", postgres {1000 * self.database / requests:.2f}" if self.database else ""
        return (f"CPU per request: app {1000 * self.server / requests:.2f} ms{database}, "
                f"load generator {1000 * self.client / requests:.2f}; other processes used "
                f"{100 * others / self.total:.0f}% of the machine, idle "
                f"{100 * (1 - self.busy / self.total):.0f}%")


# -- the client ----------------------------------------------------------------------------

async def request(port: int, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Length: {len(body)}\r\n")
    if body:
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data else 0
    return status, data.partition(b"\r\n\r\n")[2]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    booked_latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    coupons: list[str] = field(default_factory=list)
    locked: int = 0
    last_success: float = 0.0

    def count(self, status: int, body: bytes, latency: float) -> None:
        self.latencies.append(latency)
        if status == 201:
            self.booked_latencies.append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if b"database is locked" in body:
            self.locked += 1


async def healthz_rate(port: int, clients: int, total: int) -> tuple[float, Tally]:
    tally, queue = Tally(), iter(range(total))

    async def client() -> None:
        for _ in queue:
            started = time.perf_counter()
            status, body = await request(port, "GET", "/healthz")
            tally.count(status, body, time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return total / (time.perf_counter() - started), tally


async def rush(port: int, clients: int, slot_ids: list[int], service_id: int) -> tuple[float, Tally]:
    tally, open_slots, people = Tally(), list(slot_ids), iter(range(10**9))
    beyond = {"left": BEYOND}
    rng = random.Random(7)
    started = time.perf_counter()

    async def client() -> None:
        preferred: list[int] = []
        while True:
            if not open_slots:
                if beyond["left"] <= 0:
                    return
                beyond["left"] -= 1
                slot = rng.choice(slot_ids)
            else:  # most people want the first times of the day
                slot = preferred.pop(0) if preferred else open_slots[
                    min(int(rng.expovariate(1 / 4)), len(open_slots) - 1)]
            n = next(people)
            body = urlencode({"slot": slot, "service": service_id, "first_name": "Marie",
                              "last_name": f"Rush{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}",
                              "birth_date": (datetime(1930, 1, 1) + timedelta(days=n % 25000))
                              .date().isoformat(),
                              "email": f"person{n}@example.org"}).encode()
            t0 = time.perf_counter()
            status, answer = await request(port, "POST", "/bench/book", body)
            tally.count(status, answer, time.perf_counter() - t0)
            if status == 201:
                tally.coupons.append(json.loads(answer)["coupon"])
                tally.last_success = time.perf_counter()
            elif status == 409 and b'"full"' in answer:
                if slot in open_slots:
                    open_slots.remove(slot)
                preferred = [s for s in json.loads(answer)["alternatives"] if s in open_slots]

    await asyncio.gather(*(client() for _ in range(clients)))
    return len(tally.coupons) / (tally.last_success - started), tally


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def run_one(db_name: str, url: str, model: str, clients: int, port: int) -> dict[str, object]:
    slot_ids, service_id = prepare_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="rush-"))
    log = workdir / "gunicorn.log"
    server = start_server(url, model, port, log)
    try:
        before = Cpu.now(server, url)
        health_rps, health = asyncio.run(healthz_rate(port, clients, 3000))
        middle = Cpu.now(server, url)
        booking_rate, tally = asyncio.run(rush(port, clients, slot_ids, service_id))
        after = Cpu.now(server, url)
    finally:
        stop_server(server)
    text = log.read_text(errors="replace")
    shutil.rmtree(workdir, ignore_errors=True)
    figures = check_database(url)
    five_xx = sum(n for s, n in tally.statuses.items() if s >= 500) + \
        sum(n for s, n in health.statuses.items() if s >= 500)
    ok = tally.booked_latencies
    return {
        "db": db_name, "model": model, "clients": clients,
        "bookings_per_s": booking_rate, "p50_ms": percentile(ok, 50), "p95_ms": percentile(ok, 95),
        "healthz_per_s": health_rps, "ratio": booking_rate / health_rps,
        "confirmed": len(tally.coupons), "statuses": dict(sorted(tally.statuses.items())),
        "5xx": five_xx, "locked": tally.locked + text.count("database is locked"),
        "tracebacks": text.count("Traceback"),
        "overbooked": figures["over_capacity_slots"] + figures["mismatched_slots"]
        + abs(figures["booked"] - len(tally.coupons))
        + abs(figures["appointments"] - len(tally.coupons)),
        "db_figures": figures,
        "cpu_healthz": (middle - before).describe(3000),
        "cpu_booking": (after - middle).describe(len(tally.latencies)),
        # What the same work would reach with both cores to itself (an estimate).
        "idle_bookings_per_s": CORES * len(tally.coupons)
        / ((after - middle).per_request(len(tally.latencies)) * len(tally.latencies)),
        "idle_healthz_per_s": CORES / (middle - before).per_request(3000),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--models", nargs="+", default=["sync:2", "sync:4", "gthread:2x4", "gthread:3x4"],
                        help="gunicorn worker models: sync:N or gthread:NxT")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--port", type=int, default=5200)
    args = parser.parse_args()
    print("NOTE: POST /bench/book is a benchmark-only wrapper (bench/rush_app.py) calling the "
          "booking engine alone; bench/journey_rush.py measures the citizen's real pages.")
    print(f"{SLOTS * PER_SLOT} places ({SLOTS} slots x {PER_SLOT}), {args.clients} concurrent "
          f"clients, then {BEYOND} requests beyond full. CPUs: {os.cpu_count()}.\n")
    results = []
    with ExitStack() as stack:
        postgres = ""
        if args.db != "sqlite":
            postgres = os.environ.get("BENCH_POSTGRES_URL") or stack.enter_context(
                private_postgres(args.port + 99))
        run_all(args, postgres, results)


def run_all(args: argparse.Namespace, postgres: str, results: list[dict[str, object]]) -> None:
    for db_name in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        for i, model in enumerate(args.models):
            port = args.port + i
            if db_name == "sqlite":
                folder = tempfile.mkdtemp(prefix="rush-db-")
                try:
                    results.append(run_one(db_name, f"sqlite:///{folder}/rush.sqlite3", model,
                                           args.clients, port))
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
            else:
                base, name = postgres, f"bench_{uuid.uuid4().hex[:8]}"
                run_sql_admin(base, f"CREATE DATABASE {name}")
                try:
                    url = base.rsplit("/", 1)[0] + "/" + name
                    results.append(run_one(db_name, url, model, args.clients, port))
                finally:
                    run_sql_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            r = results[-1]
            print(f"{r['db']:8} {r['model']:12} bookings/s {r['bookings_per_s']:6.0f}  "
                  f"booking p50 {r['p50_ms']:5.1f} ms  p95 {r['p95_ms']:5.1f} ms  "
                  f"healthz/s {r['healthz_per_s']:6.0f}  ratio {r['ratio']:.2f}  "
                  f"confirmed {r['confirmed']}  5xx {r['5xx']}  locked {r['locked']}  "
                  f"overbooked {r['overbooked']}  statuses {r['statuses']}", flush=True)
            print(f"         healthz: {r['cpu_healthz']}\n         booking: {r['cpu_booking']}\n"
                  f"         with the {CORES} cores to itself (estimated from CPU used): "
                  f"{r['idle_bookings_per_s']:.0f} bookings/s, {r['idle_healthz_per_s']:.0f} "
                  f"healthz/s, ratio {r['idle_bookings_per_s'] / r['idle_healthz_per_s']:.2f}",
                  flush=True)
            if r["tracebacks"] or r["5xx"] or r["locked"] or r["overbooked"]:
                print(f"  !! problems: {r}", flush=True)


if __name__ == "__main__":
    main()
