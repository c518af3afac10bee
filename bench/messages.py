"""Benchmark of communications (COM-2, COM-4): planning reminders for many upcoming
appointments, sending due messages through a real SMTP server on loopback (aiosmtpd, as the
tests use), and whether the scheduler's work slows a staff page.

1. Fills a fresh SQLite database (or `--database-url`) with `--appointments` upcoming
   appointments over the next 13 days (each patient with an email and a cell phone), switches
   on a 14-day reminder by email and SMS, and times `communications.plan` (one scheduler
   tick that queues every reminder), then a second tick that finds nothing new.
2. Makes `--send` of those messages due and sends them with `dispatch_due` (the scheduler's
   pass) through aiosmtpd: messages per second and SQL statements per message.
3. Times a staff page (the Messages screen) from another thread: idle, then during a send
   burst in the same process (as APScheduler runs, the sending thread niced as the
   scheduler's are unless `--same-priority`), p50 and p95 of each.

Peak memory is the process's peak resident size (ru_maxrss) after each phase. Prints
figures; asserts nothing.

    python bench/messages.py [--appointments 100000] [--send 10000] [--requests 40]
"""
from __future__ import annotations

import argparse
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

from bench.timing import p50, p95  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.booking.patients import identity_key  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.messaging import communications, dispatch_due  # noqa: E402
from webapp.models import (  # noqa: E402
    Appointment,
    CommunicationSetting,
    Location,
    Message,
    Patient,
    RoleAssignment,
    Service,
    Team,
    User,
)
from webapp.organization import ensure_organization  # noqa: E402
from webapp.priority import lower_this_thread  # noqa: E402
from webapp.timeutil import local_today, planner_zone  # noqa: E402

PASSWORD = "Bench-Password-1!"
DAYS = 13


# The SMTP server runs in a process of its own, as a real one would (not competing with
# the planner for its interpreter); it notes when each message arrived in a file.
SERVER = """
import sys
import time
from pathlib import Path
from aiosmtpd.controller import Controller

class Inbox:
    arrivals = []
    async def handle_DATA(self, server, session, envelope):
        Inbox.arrivals.append(time.time())
        return "250 Message accepted"

controller = Controller(Inbox(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    Path(sys.argv[2]).write_text("".join(f"{t}\\n" for t in Inbox.arrivals))
    controller.stop()
"""


class SmtpServer:
    def __init__(self, folder: Path) -> None:
        self.port, self.tally = free_port(), folder / "received"
        self.process = subprocess.Popen([sys.executable, "-c", SERVER, str(self.port),
                                         str(self.tally)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def stop_times(self) -> list[float]:
        """Stop the server; when each message it accepted arrived (time.time())."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        return [float(moment) for moment in self.tally.read_text().split()]

    def stop(self) -> int:
        """Stop the server; how many messages it accepted."""
        return len(self.stop_times())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Statements:
    """Counts the SQL statements the app's engine runs."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def fill(count: int) -> None:
    ensure_organization()
    service = Service(name_fr="Vaccin grippe", name_en="Flu shot", duration_minutes=10)
    location = Location(name_fr="Pharmacie", name_en="Pharmacy", address="1 rue Principale",
                        city="Alma", postal_code="G8B 1M4", email="alma@bench.example")
    team = Team(name="Équipe", locations=[location], services=[service])
    user = User(email="pilote@bench.example", first_name="P", last_name="Un")
    user.set_password(PASSWORD)
    user.roles.append(RoleAssignment(role="pilote"))
    db.session.add_all([service, location, team, user])
    setting = db.session.scalar(select(CommunicationSetting).where(
        CommunicationSetting.kind == "reminder_1"))
    if setting is None:
        setting = CommunicationSetting(kind="reminder_1")
        db.session.add(setting)
    setting.active, setting.hours, setting.by_email, setting.by_sms = True, 336, True, True
    db.session.commit()
    zone, first_day = planner_zone(), local_today() + timedelta(days=1)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    per_day = -(-count // DAYS)
    for first in range(0, count, 5000):
        batch = range(first, min(count, first + 5000))
        db.session.execute(insert(Patient), [dict(
            first_name="Marie", last_name=f"Tremblay{n}", email=f"p{n}@bench.example",
            cell_phone=f"418 555-{n % 10000:04d}", birth_date=datetime(1950, 1, 1).date(),
            identity_key=identity_key(f"Tremblay{n}", "Marie", datetime(1950, 1, 1).date()))
            for n in batch])
        ids = db.session.scalars(select(Patient.id).order_by(Patient.id.desc())
                                 .limit(len(batch))).all()[::-1]
        db.session.execute(insert(Appointment), [dict(
            coupon=f"{n:06X}", token=secrets.token_urlsafe(32), service_id=service.id,
            location_id=location.id, team_id=team.id, patient_id=pid, status="booked",
            send_email=True, send_sms=True, language="fr_CA" if n % 4 else "en",
            created_at=long_ago, updated_at=long_ago,
            starts_at=datetime.combine(first_day + timedelta(days=n // per_day),
                                       time(9), tzinfo=zone).astimezone(UTC)
            + timedelta(minutes=(n % per_day) * 10 % 600))
            for n, pid in zip(batch, ids, strict=True)])
        db.session.commit()


def plan_phase(statements: Statements) -> None:
    # Noon in the planner's zone: inside the daytime window, so everything is due at once.
    now = datetime.combine(local_today(), time(12), tzinfo=planner_zone()).astimezone(UTC)
    for label in ("first tick", "next tick"):
        before, began = statements.count, clock.perf_counter()
        queued = communications.plan(now=now)
        seconds = clock.perf_counter() - began
        print(f"plan, {label}: {queued:>7} messages queued in {seconds:6.2f} s "
              f"({queued / seconds if queued else 0:7.0f}/s), "
              f"{statements.count - before} SQL statements, peak RSS {peak_mb():6.0f} MB")
        now += timedelta(seconds=30)


def due_only(count: int) -> None:
    """Leave `count` email reminders due now; the others wait far ahead."""
    far = datetime.now(UTC) + timedelta(days=400)
    db.session.execute(update(Message).values(due_at=far))
    keep = select(Message.id).where(Message.channel == "email", Message.status == "pending") \
        .order_by(Message.id).limit(count).scalar_subquery()
    db.session.execute(update(Message).where(Message.id.in_(keep))
                       .values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
    db.session.commit()


def send_phase(count: int, statements: Statements) -> None:
    due_only(count)
    before, began, sent = statements.count, clock.perf_counter(), 0
    while sent < count:
        done = dispatch_due()
        if not done:
            break
        sent += done
    seconds = clock.perf_counter() - began
    print(f"send: {sent:>7} emails through SMTP in {seconds:6.2f} s ({sent / seconds:6.0f}/s), "
          f"{(statements.count - before) / max(sent, 1):5.1f} SQL statements per message, "
          f"peak RSS {peak_mb():6.0f} MB")


def page_times(client: Any, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        began = clock.perf_counter()
        response = client.get("/admin/messages/")
        times.append((clock.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return sorted(times)


def burst_phase(app: Any, count: int, requests: int, niced: bool) -> None:
    client = app.test_client()
    response = client.post("/admin/login", data={"email": "pilote@bench.example",
                                                 "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    page_times(client, 3)
    idle = page_times(client, requests)
    with app.app_context():
        due_only(count)
    done = threading.Event()

    def sender() -> None:
        if niced:  # as the scheduler's threads are (webapp/priority.py)
            lower_this_thread()
        with app.app_context():
            while dispatch_due():
                pass
            db.session.remove()
        done.set()

    thread = threading.Thread(target=sender)
    thread.start()
    busy: list[float] = []
    while not done.is_set() or not busy:
        busy += page_times(client, 1)
    thread.join()
    busy.sort()
    print(f"Messages screen idle: p50 {p50(idle):6.1f} ms, p95 {p95(idle):6.1f} ms "
          f"({len(idle)} requests)")
    print(f"Messages screen during a send burst of {count}: p50 {p50(busy):6.1f} ms, "
          f"p95 {p95(busy):6.1f} ms ({len(busy)} requests), p95 ratio "
          f"{p95(busy) / p95(idle):4.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--same-priority", action="store_true",
                        help="the sending thread at the page's CPU priority (not niced)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        smtp = SmtpServer(Path(folder))
        url = args.database_url or f"sqlite:///{Path(folder) / 'messages.db'}"
        app = create_app({"SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "PUBLIC_URL": "https://rdv.example.org",
                          "ALLOWED_HOSTS": "localhost",
                          "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                          "MAIL_PORT": smtp.port, "MAIL_FROM": "rdv@bench.example",
                          "UPLOAD_FOLDER": folder})
        with app.app_context():
            db.create_all()
            began = clock.perf_counter()
            fill(args.appointments)
            print(f"filled {args.appointments} appointments in "
                  f"{clock.perf_counter() - began:5.1f} s ({db.engine.dialect.name})")
            statements = Statements(db.engine)
            plan_phase(statements)
            send_phase(args.send, statements)
            total = db.session.scalar(select(func.count()).select_from(Message))
            print(f"messages in the outbox: {total}")
            db.session.remove()
        burst_phase(app, args.burst, args.requests, not args.same_priority)
        print(f"the SMTP server accepted {smtp.stop()} messages")


if __name__ == "__main__":
    main()
