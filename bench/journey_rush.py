"""The opening rush through the real public pages: many phones book the same day at once.

    .venv/bin/python bench/journey_rush.py                       # SQLite, then PostgreSQL
    .venv/bin/python bench/journey_rush.py --db sqlite --phones 16
    .venv/bin/python bench/journey_rush.py --no-staff    # the journeys' CPU with no staff page

Same database as bench/booking_rush.py (the real migrations, 20 past days fully booked,
20,000 appointments), with tomorrow opened as 40 slots of PLACES places. gunicorn (2
workers x 32 threads, `--model`) serves bench/journey_app.py: the product unchanged, behind
one trusted proxy, its admission gate as configured (`--admission 0` turns it off). Each
journey is one citizen on one phone with its own address (X-Forwarded-For) and its own
cookies, through the pages a citizen uses:

    times    GET  /book/<location>/<service>/<day>   the day's times, a CSRF token
    hold     POST /book/hold                          -> 302 to the details form (or 409 race page)
    details  GET  /hold/<token>                       the form
    submit   POST /hold/<token>                       -> 302 to the confirmation
    confirm  GET  /appointment/<token>?new=1          the confirmation number

Phones prefer the first times of the day, so several race for the same place; a phone
given the "you are in line" page (503) waits its Retry-After and asks again, as the page's
refresh does. Meanwhile a manager, in a process of its own, reloads the day's Appointments
view every STAFF_PAUSE seconds (its p95 is compared with the same view when idle). Server CPU
comes from /proc of the gunicorn processes (and of the PostgreSQL backends), so the load
generator, which shares the machine, does not blur it. Then the database is checked: no
slot over capacity, `booked` equal to the active appointments, every confirmation number a
phone saw stored. The last line compares the journeys/s of the heaviest load (64 phones,
4x) with the lightest (16 phones, which already saturate 2 cores). Prints figures;
asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

# The repository, not bench/ (run as a script, bench/statistics.py would hide the standard one).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.booking_rush import (  # noqa: E402
    Cpu,
    percentile,
    prepare_database,
    private_postgres,
    run_sql_admin,
    start_server,
    stop_server,
)

PLACES = 12  # per slot: 40 x 12 = 480 places, so that phones race for the first times
STEPS = ("times", "hold", "details", "submit", "confirm")
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
SLOT_BUTTON = re.compile(rb'name="slot" value="(\d+)"')
COUPON = re.compile(rb'class="coupon-number">[^<]*<strong>([A-Z0-9-]+)</strong>')
ANY_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
HEALTHZ = 2000
TIMES_PAGES = 400
STAFF = ("gestion1@bench.example", "Banc-Essai-2026!")
STAFF_IDLE_VIEWS = 30
STAFF_PAUSE = 0.25  # seconds between two reloads of the day view during the rush


# -- HTTP, as a phone does it: a connection per request, cookies, its own address ----------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes


async def http(port: int, method: str, path: str, *, address: str = "127.0.0.1",
               cookies: dict[str, str] | None = None, form: dict[str, str] | None = None,
               timeout: float = 60.0) -> Answer:
    body = urlencode(form).encode() if form is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            f"X-Forwarded-For: {address}", f"Content-Length: {len(body)}",
            "Accept-Language: fr-CA,fr;q=0.9"]
    if form is not None:
        head.append("Content-Type: application/x-www-form-urlencoded")
    if cookies:
        head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    raw_head, _, content = data.partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1]) if lines and lines[0] else 0
    headers: dict[str, str] = {}
    jar: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            jar[key] = rest.split(";", 1)[0]
        headers[name.lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        content = _unchunk(content)
    return Answer(status, headers, jar, content)


def _unchunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- the journeys ---------------------------------------------------------------------------

@dataclass
class Tally:
    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    journeys: list[float] = field(default_factory=list)
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: {s: {} for s in STEPS})
    coupons: list[str] = field(default_factory=list)
    races: int = 0
    line_pages: int = 0
    line_bytes: int = 0
    failures: list[str] = field(default_factory=list)
    first: float = 0.0
    last: float = 0.0
    longest: float = 0.0  # the longest any request waited for an answer (line pages too)

    def step(self, name: str, answer: Answer, seconds: float) -> None:
        if answer.status != 503:  # a step's time: until its page came (line pages apart)
            self.steps[name].append(seconds)
        self.longest = max(self.longest, seconds)
        self.statuses[name][answer.status] = self.statuses[name].get(answer.status, 0) + 1

    def five_xx(self) -> int:
        """Errors 5xx other than the deliberate line page."""
        return sum(n for s in self.statuses.values() for code, n in s.items()
                   if code >= 500) - self.line_pages


async def journey(port: int, times_path: str, service_id: int, n: int, rng: random.Random,
                  tally: Tally) -> bool:
    """One citizen from the day's times to the confirmation number; False once the day is
    full (the times page offers nothing)."""
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    jar: dict[str, str] = {}
    started = time.perf_counter()

    async def step(name: str, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        while True:
            t0 = time.perf_counter()
            answer = await http(port, method, path, address=address, cookies=jar, form=form)
            tally.step(name, answer, time.perf_counter() - t0)
            jar.update(answer.cookies)
            if answer.status != 503 or b'http-equiv="refresh"' not in answer.body:
                return answer
            # The "you are in line" page: the phone waits as its refresh says, then asks again.
            tally.line_pages += 1
            tally.line_bytes = max(tally.line_bytes, len(answer.body))
            await asyncio.sleep(float(answer.headers.get("retry-after", "2")))

    page = await step("times", "GET", times_path)
    slots = SLOT_BUTTON.findall(page.body)
    token = CSRF.search(page.body)
    if page.status != 200 or not slots or token is None:
        return False
    while True:  # most people want the first times of the day
        slot = slots[min(int(rng.expovariate(1 / 3)), len(slots) - 1)].decode()
        held = await step("hold", "POST", "/book/hold", {
            "csrf_token": token.group(1).decode(), "service": str(service_id), "slot": slot})
        if held.status == 409:  # the race page: another phone took the last place
            tally.races += 1
            slots = SLOT_BUTTON.findall(held.body)
            token = CSRF.search(held.body) or token
            if not slots:
                return False
            continue
        break
    if held.status != 302:
        tally.failures.append(f"hold {held.status}")
        return True
    details_path = _path(held.headers["location"])
    form = await step("details", "GET", details_path)
    token = CSRF.search(form.body)
    if form.status != 200 or token is None:
        tally.failures.append(f"details {form.status}")
        return True
    done = await step("submit", "POST", details_path, {
        "csrf_token": token.group(1).decode(), "for_whom": "me", "first_name": "Marie",
        "last_name": "Rush" + "".join(chr(97 + n // 26**k % 26) for k in range(5)),
        "birth_date": f"{1930 + n % 70}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "email": f"person{n}@example.org", "send_email": "1", "consent": "1"})
    if done.status != 302:
        errors = re.findall(rb'class="error" id="e-[^"]+">([^<]+)<', done.body)
        tally.failures.append(f"submit {done.status}: {errors!r}")
        return True
    shown = await step("confirm", "GET", _path(done.headers["location"]))
    coupon = COUPON.search(shown.body)
    if shown.status != 200 or coupon is None:
        tally.failures.append(f"confirm {shown.status}")
        return True
    tally.coupons.append(coupon.group(1).decode())
    tally.journeys.append(time.perf_counter() - started)
    tally.last = time.perf_counter()
    return True


async def rush(port: int, phones: int, times_path: str, service_id: int, seconds: float) -> Tally:
    tally, people, rng = Tally(), iter(range(1, 10**7)), random.Random(7)
    tally.first = time.perf_counter()
    deadline = tally.first + seconds

    async def phone() -> None:
        while time.perf_counter() < deadline:
            if not await journey(port, times_path, service_id, next(people), rng, tally):
                return

    await asyncio.gather(*(phone() for _ in range(phones)))
    return tally


async def hammer(port: int, clients: int, path: str, total: int) -> dict[int, int]:
    statuses: dict[int, int] = {}
    queue = iter(range(total))

    async def client() -> None:
        for i in queue:
            answer = await http(port, "GET", path, address=f"10.200.{i // 256 % 256}.{i % 256}")
            statuses[answer.status] = statuses.get(answer.status, 0) + 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return statuses


# -- the server and the database ------------------------------------------------------------

def open_rush_day(url: str) -> tuple[str, int, str, str]:
    """The database of booking_rush.py, with tomorrow's slots cut to PLACES places; the path
    of tomorrow's times page, the service id, and the day views of tomorrow and of the last
    day booked before it (its appointments do not change during the rush)."""
    from sqlalchemy import create_engine, text

    prepare_database(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        day = connection.execute(text("SELECT MAX(day) FROM slot")).scalar()
        connection.execute(text("UPDATE slot SET capacity = :n WHERE day = :d"),
                           {"n": PLACES, "d": day})
        connection.execute(text("UPDATE schedule_block SET per_slot_capacity = :n WHERE day = :d"),
                           {"n": PLACES, "d": day})
        location = connection.execute(text("SELECT id FROM location")).scalar()
        past = connection.execute(text("SELECT MAX(day) FROM slot WHERE day < :d AND booked > 0"),
                                  {"d": day}).scalar()
        service = connection.execute(text("SELECT id FROM service")).scalar()
    engine.dispose()
    day_text = day if isinstance(day, str) else day.isoformat()
    _add_staff(url)
    past_text = past if isinstance(past, str) else past.isoformat()
    return (f"/book/{location}/{service}/{day_text}", int(service),
            f"/admin/appointments/?view=day&date={day_text}&location={location}",
            f"/admin/appointments/?view=day&date={past_text}&location={location}")


def _add_staff(url: str) -> None:
    """A manager (gestion1) who watches the day's Appointments view while the phones book."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import RoleAssignment, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SCHEDULER_ENABLED": False, "TESTING": True})
    with app.app_context():
        user = User(email=STAFF[0], first_name="Banc", last_name="Essai")
        user.set_password(STAFF[1])
        user.roles.append(RoleAssignment(role="gestion1"))
        db.session.add(user)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


async def staff_session(port: int) -> dict[str, str]:
    jar: dict[str, str] = {}
    page = await http(port, "GET", "/admin/login")
    jar.update(page.cookies)
    token = ANY_CSRF.search(page.body)
    assert token is not None, page.body[:500]
    signed = await http(port, "POST", "/admin/login", cookies=jar, form={
        "csrf_token": token.group(1).decode(), "email": STAFF[0], "password": STAFF[1]})
    assert signed.status == 302, signed.status
    jar.update(signed.cookies)
    return jar


async def staff_views(port: int, jar: dict[str, str], *paths: str, count: int = 0,
                      stop: Callable[[], bool] | None = None,
                      pause: float = 0.0) -> list[list[float]]:
    """The day views `paths` in turn, again and again: `count` rounds, or until `stop()`
    says so; each view's times."""
    seconds: list[list[float]] = [[] for _ in paths]
    rounds = 0
    while (stop is None and rounds < count) or (stop is not None and not stop()):
        which = rounds % len(paths) if stop is not None else 0
        for n, path in enumerate(paths):
            if stop is not None and n != which:
                continue  # in the rush, one view at a time between pauses
            t0 = time.perf_counter()
            answer = await http(port, "GET", path, cookies=jar)
            if answer.status != 200:
                raise RuntimeError(f"the day view answered {answer.status}")
            seconds[n].append(time.perf_counter() - t0)
        rounds += 1
        await asyncio.sleep(pause)
    return seconds


def _staff_process(port: int, jar: dict[str, str], paths: tuple[str, ...], stop: Any,
                   out: Any) -> None:
    out.put(asyncio.run(staff_views(port, jar, *paths, stop=stop.is_set, pause=STAFF_PAUSE)))


def rush_watched(port: int, phones: int, times_path: str, service_id: int, seconds: float,
                 jar: dict[str, str], day_view: str,
                 steady_view: str) -> tuple[Tally, list[float], list[float]]:
    """The rush, while a staff member reloads the day view every STAFF_PAUSE seconds. The
    manager's screen is timed from a process of its own: in the phones' event loop, which
    keeps a core busy making 64 phones' requests, a reply would wait for the loop's turn
    and the figure would be the load generator's, not the server's."""
    context = multiprocessing.get_context("fork")
    stop, out = context.Event(), context.Queue()
    manager = context.Process(target=_staff_process,
                              args=(port, jar, (day_view, steady_view), stop, out))
    manager.start()
    try:
        tally = asyncio.run(rush(port, phones, times_path, service_id, seconds))
    finally:
        stop.set()
    views, steady = out.get(timeout=120)
    manager.join(timeout=10)
    return tally, views, steady


def check_database(url: str, coupons: list[str]) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        one = lambda sql: connection.execute(text(sql)).scalar() or 0  # noqa: E731
        stored = set(connection.execute(text(
            "SELECT coupon FROM appointment a JOIN slot s ON s.id = a.slot_id WHERE s.day = "
            "(SELECT MAX(day) FROM slot) AND a.status IN ('booked', 'confirmed')")).scalars())
        figures = {
            "over_capacity_slots": one("SELECT COUNT(*) FROM slot WHERE booked > capacity"),
            "mismatched_slots": one(
                "SELECT COUNT(*) FROM slot s WHERE s.booked != (SELECT COUNT(*) FROM "
                "appointment a WHERE a.slot_id = s.id AND a.status IN "
                "('held', 'booked', 'confirmed'))"),
            "coupons_not_stored": len(set(coupons) - stored),
            "booked_not_seen": len(stored - set(coupons)),
        }
    engine.dispose()
    return figures


# -- one run ----------------------------------------------------------------------------------

def run_one(db_name: str, url: str, phones: int, port: int, seconds: float,
            model: str = "gthread:2x32", staff: bool = True) -> dict[str, float]:
    times_path, service_id, day_view, steady_view = open_rush_day(url)
    workdir = Path(tempfile.mkdtemp(prefix="journey-"))
    log = workdir / "gunicorn.log"
    server = start_server(url, model, port, log, app="bench.journey_app:app")
    try:
        asyncio.run(hammer(port, 4, times_path, 20))  # warm both workers
        jar = asyncio.run(staff_session(port))
        asyncio.run(staff_views(port, jar, day_view, count=4))
        t0 = Cpu.now(server, url)
        health = asyncio.run(hammer(port, phones, "/healthz", HEALTHZ))
        t1 = Cpu.now(server, url)
        # As many at once as the admission gate lets work (2 workers x ADMISSION_ACTIVE):
        # the CPU of a page, not of the line page.
        pages = asyncio.run(hammer(port, 4, times_path, TIMES_PAGES))
        t2 = Cpu.now(server, url)
        steady_idle, = asyncio.run(staff_views(port, jar, steady_view, count=STAFF_IDLE_VIEWS))
        t2b = Cpu.now(server, url)
        idle, = asyncio.run(staff_views(port, jar, day_view, count=STAFF_IDLE_VIEWS))
        t3 = Cpu.now(server, url)
        if staff:
            tally, busy, steady_busy = rush_watched(port, phones, times_path, service_id,
                                                    seconds, jar, day_view, steady_view)
        else:  # the journeys' CPU alone, nothing to subtract
            tally = asyncio.run(rush(port, phones, times_path, service_id, seconds))
            busy, steady_busy = [], []
        t4 = Cpu.now(server, url)
        # The same view once the day is full: during the rush it lists more and more
        # appointments, so its cost there lies between the two.
        full, = asyncio.run(staff_views(port, jar, day_view, count=STAFF_IDLE_VIEWS))
        t5 = Cpu.now(server, url)
    finally:
        stop_server(server)
    text = log.read_text(errors="replace")
    shutil.rmtree(workdir, ignore_errors=True)
    figures = check_database(url, tally.coupons)

    def app_ms(cpu: Cpu, count: int) -> float:
        return 1000 * (cpu.server + cpu.database) / max(count, 1)

    healthz_ms = app_ms(t1 - t0, HEALTHZ)
    times_ms = app_ms(t2 - t1, TIMES_PAGES)
    steady_ms = app_ms(t2b - t2, STAFF_IDLE_VIEWS)
    staff_ms = app_ms(t3 - t2b, STAFF_IDLE_VIEWS)
    staff_full_ms = app_ms(t5 - t4, STAFF_IDLE_VIEWS)
    done = len(tally.coupons)
    # The rush's CPU less the staff member's reloads, each of the rush day's costing between
    # the empty day's view and the full day's (the day fills during the rush): their mean.
    staff_cpu = (staff_ms + staff_full_ms) / 2 * len(busy) + steady_ms * len(steady_busy)
    journey_ms = (app_ms(t4 - t3, 1) - staff_cpu) / max(done, 1)
    elapsed = max(tally.last - tally.first, 1e-9)
    rate = done / elapsed
    print(f"{db_name:8} {phones:3} phones: {rate:5.1f} journeys/s ({done} booked, "
          f"{tally.races} race pages, {tally.line_pages} line pages, {len(tally.failures)} "
          f"failed)  journey p50 {percentile(tally.journeys, 50):.0f} ms p95 "
          f"{percentile(tally.journeys, 95):.0f} ms", flush=True)
    print("         " + "  ".join(
        f"{s} p50/p95 {percentile(tally.steps[s], 50):.0f}/{percentile(tally.steps[s], 95):.0f}"
        for s in STEPS) + " ms", flush=True)
    print(f"         longest wait for an answer {tally.longest:.1f} s; largest line page "
          f"{tally.line_bytes} bytes", flush=True)
    print(f"         server CPU (app{' + postgres' if t4.database else ''}): /healthz "
          f"{healthz_ms:.2f} ms, times page {times_ms:.2f} ms ({times_ms / healthz_ms:.1f}x), "
          f"journey {journey_ms:.2f} ms ({journey_ms / healthz_ms:.1f}x)"
          f"{'' if staff else ', no staff page during the rush'}", flush=True)
    idle_p95, busy_p95, full_p95 = (percentile(idle, 95), percentile(busy, 95),
                                    percentile(full, 95))
    # During the rush the view lists more and more appointments: compared with the same
    # view idle both on the empty day (before) and on the full day (after the rush).
    print(f"         staff day view p50/p95: idle {percentile(idle, 50):.0f}/{idle_p95:.0f} ms "
          f"(day empty), {percentile(full, 50):.0f}/{full_p95:.0f} ms (day full); during the "
          f"rush {percentile(busy, 50):.0f}/{busy_p95:.0f} ms ({busy_p95 / max(idle_p95, 1e-9):.1f}x"
          f" empty, {busy_p95 / max(full_p95, 1e-9):.1f}x full, {len(busy)} views); CPU "
          f"{staff_ms:.1f} ms (empty), {staff_full_ms:.1f} ms (full)", flush=True)
    # The same appointments idle and in the rush: the fair comparison.
    steady_p95, steady_busy_p95 = percentile(steady_idle, 95), percentile(steady_busy, 95)
    print(f"         staff day view of a past full day p50/p95: idle {percentile(steady_idle, 50):.0f}"
          f"/{steady_p95:.0f} ms, during the rush {percentile(steady_busy, 50):.0f}/"
          f"{steady_busy_p95:.0f} ms ({steady_busy_p95 / max(steady_p95, 1e-9):.1f}x, "
          f"{len(steady_busy)} views); CPU {steady_ms:.1f} ms", flush=True)
    print(f"         rush: {(t4 - t3).describe(max(done, 1))}", flush=True)
    problems = {k: v for k, v in figures.items() if v}
    five_xx = tally.five_xx() + sum(n for c, n in {**health, **pages}.items() if c >= 500)
    print(f"         check: {figures}  5xx (not the line page) {five_xx}  tracebacks "
          f"{text.count('Traceback')}  statuses {tally.statuses}", flush=True)
    if problems or five_xx or tally.failures or "Traceback" in text:
        print(f"  !! problems: {problems} failures {tally.failures[:5]}", flush=True)
        if "Traceback" in text:
            print(text[-3000:], flush=True)
    return {"phones": phones, "rate": rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--phones", type=int, nargs="+", default=[16, 64],
                        help="the first saturates the server; the last is the heavier load")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="how long the phones keep coming (or until the day is full)")
    parser.add_argument("--port", type=int, default=5300)
    parser.add_argument("--model", default="gthread:2x32",
                        help="gunicorn worker class:workers x threads")
    parser.add_argument("--no-staff", action="store_true",
                        help="no staff reloads during the rush: the journey's CPU with nothing "
                             "subtracted (the day view costs 20x more once the day is full)")
    parser.add_argument("--admission", type=int, default=None,
                        help="ADMISSION_ACTIVE for the server (0: no gate; default: the product's)")
    args = parser.parse_args()
    if args.admission is not None:
        os.environ["ADMISSION_ACTIVE"] = str(args.admission)
    print(f"gunicorn {args.model} (class:workers x threads); 40 slots x {PLACES} places; CPUs: "
          f"{os.cpu_count()}; each figure's ratio is measured in the same run.\n", flush=True)
    with ExitStack() as stack:
        postgres = ""
        if args.db != "sqlite":
            postgres = os.environ.get("BENCH_POSTGRES_URL") or stack.enter_context(
                private_postgres(args.port + 99))
        for db_name in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
            results = []
            for phones in args.phones:
                if db_name == "sqlite":
                    folder = tempfile.mkdtemp(prefix="journey-db-")
                    try:
                        results.append(run_one(db_name, f"sqlite:///{folder}/rush.sqlite3",
                                               phones, args.port, args.seconds, args.model,
                                               not args.no_staff))
                    finally:
                        shutil.rmtree(folder, ignore_errors=True)
                else:
                    name = f"journey_{uuid.uuid4().hex[:8]}"
                    run_sql_admin(postgres, f"CREATE DATABASE {name}")
                    try:
                        results.append(run_one(db_name, postgres.rsplit("/", 1)[0] + "/" + name,
                                               phones, args.port, args.seconds, args.model,
                                               not args.no_staff))
                    finally:
                        run_sql_admin(postgres, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            if len(results) > 1:  # the heaviest load against the lightest (the saturation)
                low, high = results[0], results[-1]
                print(f"{db_name:8} {high['phones'] / low['phones']:.0f}x the phones: "
                      f"{high['rate'] / max(low['rate'], 1e-9):.2f} of the journeys/s "
                      f"({low['rate']:.1f} -> {high['rate']:.1f})\n", flush=True)


if __name__ == "__main__":
    main()

