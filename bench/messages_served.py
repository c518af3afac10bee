"""Whether the scheduler's sending slows staff pages, measured as deployed (COM-4).

bench/messages.py times a page from a thread of the sending process; in production the
scheduler runs in one gunicorn worker only (webapp/leader.py) and most pages are served by
the others. This bench serves the planner as ./run.sh does: gunicorn with gunicorn.conf.py
(3 workers x 32 threads), the scheduler on in the one worker holding the lock, SMTP to an
aiosmtpd server in a process of its own (which notes when each email arrives), the send
window open all day. A few clients signed in as gestion1 through the real sign-in form
reload the Messages screen and the Appointments day view, each request on a new connection
(so gunicorn spreads them over its workers):

1. idle: nothing is due (the 30-s tick still runs and finds nothing), `--idle` seconds;
2. burst: `--burst` due emails are queued, and the clients go on for `--seconds` seconds,
   while the scheduler sends them tick after tick.

A request counts as "during a send" when it overlaps a tick's sending, from its first email
to its last as the SMTP server received them. Prints p50/p95 of each page idle, during a
send, and over the whole burst period, and the ratios; asserts nothing.

    python bench/messages_served.py [--appointments 2600] [--burst 2000] [--clients 3]
                                    [--idle 35] [--seconds 150] [--database-url URL]
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

from bench.booking_rush import stop_server  # noqa: E402
from bench.databases import drop_postgres, postgres_database  # noqa: E402
from bench.messages import SmtpServer, fill, free_port  # noqa: E402
from bench.timing import p50, p95  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.messaging import communications  # noqa: E402
from webapp.models import Location, Message, RoleAssignment, User  # noqa: E402
from webapp.timeutil import local_today  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STAFF = ("gestion1@bench.example", "Banc-Essai-2026!")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def prepare(url: str, appointments: int, burst: int) -> tuple[str, str]:
    """The bench database: appointments, their reminders queued (due far ahead but `burst`
    emails due in an hour, so that the Messages screen lists the same day's messages idle and
    during the burst), a gestion1; the paths of the two staff pages."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SCHEDULER_ENABLED": False, "TESTING": True})
    with app.app_context():
        db.create_all()
        fill(appointments)
        communications.plan()
        db.session.execute(update(Message).values(due_at=datetime.now(UTC)
                                                  + timedelta(days=400)))
        db.session.commit()
        move_burst(burst, datetime.now(UTC) + timedelta(hours=1))
        user = User(email=STAFF[0], first_name="Banc", last_name="Essai")
        user.set_password(STAFF[1])
        user.roles.append(RoleAssignment(role="gestion1"))
        db.session.add(user)
        db.session.commit()
        location = db.session.scalar(select(Location.id))
        db.session.remove()
        db.engine.dispose()
    day = (local_today() + timedelta(days=1)).isoformat()
    return "/admin/messages/", f"/admin/appointments/?view=day&date={day}&location={location}"


def start_gunicorn(url: str, port: int, folder: Path, smtp_port: int) -> subprocess.Popen[bytes]:
    """gunicorn as ./run.sh starts it (gunicorn.conf.py), the scheduler on."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", PORT=str(port),
               PUBLIC_URL=f"http://127.0.0.1:{port}", INSTANCE_PATH=str(folder),
               UPLOAD_FOLDER=str(folder), SCHEDULER_ENABLED="1", LOG_LEVEL="warning",
               MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port),
               MAIL_FROM="rdv@bench.example", SEND_WINDOW_START="0", SEND_WINDOW_END="23")
    with open(folder / "gunicorn.log", "ab") as log:
        server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py",
                                   "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz", {})[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {folder / 'gunicorn.log'}")


def get(port: int, path: str, jar: dict[str, str], form: dict[str, str] | None = None
        ) -> tuple[int, str]:
    """One request on a new connection, as a browser's new tab does; cookies kept in `jar`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Connection": "close", "Accept-Language": "fr-CA,fr;q=0.9"}
    if jar:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request("POST" if form is not None else "GET", path, body, headers)
        response = connection.getresponse()
        content = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key.strip()] = rest.split(";", 1)[0]
        return response.status, content
    finally:
        connection.close()


def sign_in(port: int) -> dict[str, str]:
    """gestion1 through the real sign-in form (CSRF token and all)."""
    jar: dict[str, str] = {}
    status, page = get(port, "/admin/login", jar)
    token = CSRF.search(page)
    assert status == 200 and token is not None, (status, page[:300])
    status, _ = get(port, "/admin/login", jar, {"csrf_token": token.group(1),
                                                 "email": STAFF[0], "password": STAFF[1]})
    assert status == 302, status
    return jar


@dataclass
class Hit:
    page: str
    began: float  # time.time(), to compare with the SMTP server's clock (same machine)
    ended: float

    @property
    def ms(self) -> float:
        return (self.ended - self.began) * 1000


def clients(port: int, jars: list[dict[str, str]], pages: dict[str, str],
            seconds: float) -> list[Hit]:
    """Each client reloads the pages in turn for `seconds`."""
    hits: list[Hit] = []
    stop = time.time() + seconds

    def client(jar: dict[str, str]) -> None:
        while time.time() < stop:
            for name, path in pages.items():
                began = time.time()
                status, _ = get(port, path, jar)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                hits.append(Hit(name, began, time.time()))

    threads = [threading.Thread(target=client, args=(jar,)) for jar in jars]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return hits


def sending_spans(arrivals: list[float], gap: float = 2.0) -> list[tuple[float, float]]:
    """The ticks' sending, from the first email of a tick to its last."""
    spans: list[tuple[float, float]] = []
    for moment in sorted(arrivals):
        if spans and moment - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], moment)
        else:
            spans.append((moment, moment))
    return spans


def move_burst(count: int, due_at: datetime) -> None:
    """The burst's emails (the first `count` email reminders) fall due at `due_at`."""
    keep = select(Message.id).where(Message.channel == "email", Message.status == "pending") \
        .order_by(Message.id).limit(count).scalar_subquery()
    db.session.execute(update(Message).where(Message.id.in_(keep)).values(due_at=due_at))
    db.session.commit()


def queue_burst(url: str, count: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SCHEDULER_ENABLED": False, "TESTING": True})
    with app.app_context():
        move_burst(count, datetime.now(UTC) - timedelta(minutes=1))
        db.session.remove()
        db.engine.dispose()


def sent_count(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        sent = connection.scalar(select(func.count()).select_from(Message)
                                 .where(Message.status == "sent")) or 0
        pending = connection.scalar(text(
            "SELECT COUNT(*) FROM message WHERE status = 'pending' AND due_at <= :now"),
            {"now": datetime.now(UTC).replace(tzinfo=None)}) or 0
    engine.dispose()
    return int(sent), int(pending)


def line(label: str, times: list[float], idle: list[float] | None = None) -> str:
    times = sorted(times)
    if not times:
        return f"  {label:26} no request"
    text_ = f"  {label:26} p50 {p50(times):6.1f} ms, p95 {p95(times):6.1f} ms ({len(times)} requests)"
    if idle:
        text_ += f", p95 ratio {p95(times) / p95(sorted(idle)):4.2f}x"
    return text_


def report(hits_idle: list[Hit], hits_busy: list[Hit], spans: list[tuple[float, float]]) -> None:
    def overlaps(hit: Hit) -> bool:
        return any(hit.began <= end and hit.ended >= start for start, end in spans)

    for page in sorted({hit.page for hit in hits_idle}):
        idle = [h.ms for h in hits_idle if h.page == page]
        during = [h.ms for h in hits_busy if h.page == page and overlaps(h)]
        whole = [h.ms for h in hits_busy if h.page == page]
        print(f"{page}:")
        print(line("idle", idle))
        print(line("during a send", during, idle))
        print(line("whole burst period", whole, idle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appointments", type=int, default=2600)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--idle", type=float, default=35.0)
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server's URL: a throwaway database is made on it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, ExitStack() as cleanup:
        folder = Path(name)
        url = f"sqlite:///{folder / 'served.db'}"
        if args.database_url:
            url = postgres_database(args.database_url, "bench_served_")
            cleanup.callback(drop_postgres, args.database_url, url)
        pages_paths = prepare(url, args.appointments, args.burst)
        pages = {"Messages screen": pages_paths[0], "Appointments day view": pages_paths[1]}
        smtp = SmtpServer(folder)
        port = free_port()
        server = start_gunicorn(url, port, folder, smtp.port)
        try:
            jars = [sign_in(port) for _ in range(args.clients)]
            clients(port, jars, pages, 3)  # warm every worker; the scheduler starts
            lock = folder / "scheduler.lock"  # SQLite; PostgreSQL: an advisory lock
            leader = lock.read_text().strip() if lock.exists() else "holding the lock"
            idle = clients(port, jars, pages, args.idle)
            queue_burst(url, args.burst)
            began = time.time()
            busy = clients(port, jars, pages, args.seconds)
            seconds = time.time() - began
            sent, left = sent_count(url)
        finally:
            stop_server(server)
        arrivals = smtp.stop_times()
        log = (folder / "gunicorn.log").read_text(errors="replace")
    spans = sending_spans([a for a in arrivals if a >= began])
    sending = sum(end - start for start, end in spans)
    print(f"gunicorn (gunicorn.conf.py, scheduler in worker {leader}), {db_name(url)}, "
          f"{args.clients} clients, {args.appointments} appointments")
    print(f"burst of {args.burst} due emails: {sent} sent in {seconds:.0f} s over {len(spans)} "
          f"ticks ({sending:.1f} s of sending, {sent / max(sending, 1e-9):.0f}/s while "
          f"sending), {left} still due")
    report(idle, busy, spans)
    if "Traceback" in log:
        print("!! tracebacks in the gunicorn log:\n" + log[-3000:])


def db_name(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


if __name__ == "__main__":
    main()
