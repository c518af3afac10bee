"""Several app servers: two gunicorn instances (two ports, two instance folders) sharing one
PostgreSQL database and one Redis, behind nginx round-robin with deploy/nginx-planner.conf
(its second `server` line uncommented). A booking rush through both: nothing overbooked,
each confirmation sent once (a real SMTP server counts them), holds seen by both servers,
rate limits counted once per address across servers, and one process of all runs the jobs.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from webapp.extensions import db
from webapp.models import Organization
from webapp.timeutil import local_today

from .conftest import POSTGRES, make_app
from .factories import make_block, make_location, make_service, make_team
from .test_email_smtp import Inbox
from .test_nginx import NGINX, request, site
from .test_run_sh import free_port

ROOT = Path(__file__).resolve().parent.parent
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
SERVERS_NEEDED = (  # the two servers' test; the fallback test below needs none of them
    pytest.mark.postgres,
    pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (test.sh)"),
    pytest.mark.skipif(not os.path.exists(REDIS), reason="redis-server is not installed (test.sh)"),
    pytest.mark.skipif(not POSTGRES, reason="TEST_POSTGRES_URL is not set (test.sh)"),
)


def needs_servers(test: Any) -> Any:
    for mark in SERVERS_NEEDED:
        test = mark(test)
    return test
DAY = local_today() + timedelta(days=2)
SLOTS, PER_SLOT, CITIZENS = 4, 3, 24


@dataclass
class Cluster:
    port: int
    database: str
    inbox: Inbox
    apps: list[int]
    logs: list[Path]
    access_log: Path
    location_id: int
    service_id: int


def wait_until(ready: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{what} within {seconds} s")


def planner(tmp: Path, database: str) -> tuple[int, int]:
    """A planner on the shared database: one place, one service, SLOTS times of PER_SLOT."""
    app = make_app(tmp, SQLALCHEMY_DATABASE_URI=database)
    with app.app_context():
        db.session.get(Organization, 1).online_booking_open = True
        service = make_service(horizon_days=30)
        location = make_location()
        team = make_team(locations=[location], services=[service])
        end = 9 * 60 + 15 * SLOTS  # 15-minute times from 09:00
        make_block(location, team, [service], DAY, "09:00", f"{end // 60:02d}:{end % 60:02d}",
                   per_slot=PER_SLOT)
        db.session.commit()
        ids = (location.id, service.id)
        db.session.remove()
        db.engine.dispose()
    return ids


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[Cluster]:
    os.chmod(tmp_path, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    location_id, service_id = planner(tmp_path, postgres_url)
    https_port, http_port, redis_port = free_port(), free_port(), free_port()
    apps = [free_port(), free_port()]
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    processes: list[subprocess.Popen[bytes]] = [subprocess.Popen(
        [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL, start_new_session=True)]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PUBLIC_URL"}}
    env.update(SECRET_KEY="two-servers", DATABASE_URL=postgres_url, TRUSTED_PROXIES="1",
               PUBLIC_URL=f"https://localhost:{https_port}", ALLOWED_HOSTS="127.0.0.1",
               RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0",
               MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port),
               SEND_WINDOW_START="0", SEND_WINDOW_END="24", WEB_CONCURRENCY="2",
               SCHEDULER_ENABLED="1", LOG_LEVEL="info")
    logs = []
    for n, port in enumerate(apps):  # two instance folders: no file lock is shared
        log = tmp_path / f"server{n}.log"
        logs.append(log)
        with log.open("wb") as output:
            processes.append(subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py",
                 "wsgi:app"], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                env={**env, "BIND": f"127.0.0.1:{port}",
                     "INSTANCE_PATH": str(tmp_path / f"instance{n}")},
                start_new_session=True))
    conf = site(tmp_path, https_port, http_port, apps[0], apps[1])
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"],
                             stderr=subprocess.DEVNULL, start_new_session=True)
    processes.append(nginx)
    try:
        # Each server up on its own port first: a request through nginx to a server still
        # booting would mark it failed, and nginx would send everything to the other one.
        wait_until(lambda: all(_direct_health(port) == 200 for port in apps), 90,
                   "both servers did not answer /healthz")
        wait_until(lambda: all(request(https_port, "GET", "/healthz")[0] == 200
                               for _ in range(4)), 30, "nginx did not pass /healthz on")
        yield Cluster(https_port, postgres_url, inbox, apps, logs, tmp_path / "access.log",
                      location_id, service_id)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        smtp.stop()


class Citizen:
    """One person's browser: their own address and cookies."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address, self.cookies = port, address, {}

    def go(self, method: str, path: str, form: dict[str, Any] | None = None
           ) -> tuple[int, dict[str, str], str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, headers, page = request(self.port, method, path, self.address,
                                        urlencode(form) if form is not None else None, cookie)
        for pair in filter(None, headers["cookies"].split("; ")):
            name, _, value = pair.partition("=")
            self.cookies[name] = value
        assert status != 500 and "Traceback" not in page, page[:500]
        return status, headers, page


def _direct_health(port: int) -> int:
    """The status of one server's /healthz, asked on its own port (0 while it is down)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


def token_in(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:800]
    return found.group(1)


def book(cluster: Cluster, n: int, outcome: dict[int, str]) -> None:
    """Choose a time (the (n % SLOTS)th while all are offered), hold it, type the details:
    booked, or the place is gone."""
    person = Citizen(cluster.port, f"127.0.1.{n + 1}")
    _, _, page = person.go("GET", f"/book/{cluster.location_id}/{cluster.service_id}/"
                                  f"{DAY.isoformat()}")
    slots = re.findall(r'name="slot" value="(\d+)"', page)
    attempt = re.search(r'name="attempt" value="([^"]*)"', page)
    if not slots:  # every place already held by the others: no time left to choose
        outcome[n] = "full"
        return
    assert attempt, page[:800]
    # A time whose places the others hold already is not offered: choose among the rest.
    status, headers, page = person.go("POST", "/book/hold", {
        "csrf_token": token_in(page), "service": cluster.service_id, "attempt": attempt.group(1),
        "slot": slots[n % len(slots)]})
    if status == 409:
        outcome[n] = "full"
        return
    assert status == 302, page[:800]
    hold = headers["location"].split("localhost", 1)[-1].split(f":{cluster.port}", 1)[-1]
    _, _, page = person.go("GET", hold)
    status, headers, page = person.go("POST", hold, {
        "csrf_token": token_in(page), "first_name": "Marie", "last_name": f"Rush{chr(65 + n)}",
        "birth_date": f"1950-01-{n + 1:02d}", "email": f"person{n}@example.org",
        "send_email": "1", "consent": "1"})
    assert status == 302 and "/appointment/" in headers["location"], page[:800]
    outcome[n] = "booked"


@needs_servers
def test_two_servers_share_bookings_holds_limits_and_jobs(cluster: Cluster) -> None:
    outcome: dict[int, str] = {}
    started = time.monotonic()
    threads = [threading.Thread(target=book, args=(cluster, n, outcome))
               for n in range(CITIZENS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    rush_seconds = time.monotonic() - started
    assert len(outcome) == CITIZENS, "a citizen's journey failed (see above)"
    assert Counter(outcome.values()) == {"booked": SLOTS * PER_SLOT,
                                         "full": CITIZENS - SLOTS * PER_SLOT}

    engine = create_engine(cluster.database)
    with engine.connect() as connection:
        per_slot = connection.execute(text(
            "SELECT s.capacity, s.booked, count(a.id) FROM slot s LEFT JOIN appointment a "
            "ON a.slot_id = s.id AND a.status IN ('held', 'booked', 'confirmed') "
            "GROUP BY s.id, s.capacity, s.booked")).all()
        assert [(c, b) for c, b, _ in per_slot] == [(PER_SLOT, PER_SLOT)] * SLOTS
        assert all(booked == active for _, booked, active in per_slot)  # nothing overbooked

    # Both servers answered, in turn; a hold taken on one is typed into on either.
    lines = [line.split() for line in cluster.access_log.read_text().splitlines()]
    upstreams = Counter(line[-1] for line in lines if line[2].startswith(("/book", "/hold")))
    both = {f"127.0.0.1:{port}" for port in cluster.apps}
    assert set(upstreams) == both, upstreams
    assert {line[-1] for line in lines if line[2].startswith("/hold/")} == both

    # Each confirmation sent once, by the one process that runs the jobs (every 30 s).
    wait_until(lambda: len(cluster.inbox.received) >= SLOTS * PER_SLOT, 90,
               "the confirmations were not all sent")
    time.sleep(5)  # a second sender, if any, would send them again meanwhile
    recipients = Counter(address for addresses, _ in cluster.inbox.received
                         for address in addresses)
    assert recipients == {f"person{n}@example.org": 1 for n, o in outcome.items()
                          if o == "booked"}
    with engine.connect() as connection:
        assert connection.execute(text(
            "SELECT status, attempts, count(*) FROM message GROUP BY status, attempts")).all() \
            == [("sent", 1, SLOTS * PER_SLOT)]
        # One scheduler among the four workers of the two servers: one advisory lock held.
        holders = connection.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database"
            " = (SELECT oid FROM pg_database WHERE datname = current_database())")).scalar()
        assert holders == 1
    engine.dispose()
    started_lines = [line for log in cluster.logs for line in log.read_text().splitlines()
                     if "scheduler started in process" in line]
    assert len(started_lines) == 1, started_lines

    # Rate limits are counted in Redis: 10 cancellation look-ups a minute per address,
    # whichever server answers (in memory, each server would allow 10).
    person = Citizen(cluster.port, "127.0.2.1")
    _, _, page = person.go("GET", "/cancel")
    form = {"csrf_token": token_in(page), "coupon": "ABCDEF", "second": "1950-01-01"}
    codes = [person.go("POST", "/cancel", form)[0] for _ in range(11)]
    assert codes[:10].count(429) == 0 and codes[10] == 429, codes
    print(f"\nrush of {CITIZENS} citizens through two servers: {rush_seconds:.1f} s; "
          f"requests per server {dict(upstreams)}")


def test_rate_limits_count_in_memory_while_redis_is_unreachable(tmp_path: Path) -> None:
    """Redis down: the public pages still answer (no 500), each server counting on its own."""
    app = make_app(tmp_path, RATELIMIT_ENABLED=True,
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    codes = [client.post("/cancel", data={"coupon": "ABCDEF", "second": "1950-01-01"},
                         environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
             for _ in range(11)]
    assert 500 not in codes and codes[-1] == 429, codes
