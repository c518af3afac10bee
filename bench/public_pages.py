"""The citizen's journey as a phone sees it: bytes and requests per step, then server time
under a concurrent read load, compared with /healthz. Prints figures; asserts nothing.

    .venv/bin/python bench/public_pages.py [--seconds 10] [--clients 16] [--workers 2]

Runs the planner under gunicorn on 127.0.0.1 with a fresh SQLite database of its own.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(database: str) -> dict[str, int]:
    from webapp import create_app
    from webapp.demo import create_demo
    from webapp.extensions import db
    from webapp.models import Location, Service, Team

    app = create_app({"SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                      "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        db.create_all()
        create_demo("Bench-Password-1!")
        from tests.factories import make_block

        service = db.session.scalars(db.select(Service).order_by(Service.position)).first()
        location = db.session.scalars(db.select(Location).order_by(Location.position)).first()
        team = next(t for t in db.session.scalars(db.select(Team)) if location in t.locations)
        from webapp.scheduling.blocks import BlockInvalid

        for ahead in range(1, 60):  # the first day the demo left free for this team
            day = date.today() + timedelta(days=ahead)
            try:
                make_block(location, team, [service], day, "08:00", "20:00", per_slot=4)
                break
            except BlockInvalid:
                db.session.rollback()
        return {"service": service.id, "location": location.id,
                "question": service.questions[0].id if service.questions else 0,
                "answer": service.questions[0].answers[0].id if service.questions else 0,
                "day": day.toordinal()}


class Client:
    """A phone's browser: cookies, compressed assets, one cache for CSS/JS/images."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPRedirectHandler())
        self.seen: set[str] = set()

    def fetch(self, path: str, data: dict[str, str] | None = None) -> tuple[str, int, int, str]:
        """Page text, bytes on the wire (page + new assets), requests, final URL."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Accept-Encoding": "br, gzip"})
        with self.opener.open(request) as response:
            raw = response.read()
            url = response.geturl()
        text = raw.decode("utf-8", "replace")
        total, count = len(raw), 1
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+|/logo[^"]*)"', text):
            if asset in self.seen:
                continue
            self.seen.add(asset)
            with self.opener.open(urllib.request.Request(
                    self.base + asset, headers={"Accept-Encoding": "br, gzip"})) as response:
                total += len(response.read())
                count += 1
        return text, total, count, url


def csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)  # type: ignore


def journey(base: str, ids: dict[str, int]) -> list[tuple[str, int, int]]:
    client = Client(base)
    day = date.fromordinal(ids["day"]).isoformat()
    answers = {f"q{ids['question']}": str(ids["answer"])} if ids["question"] else {}
    query = urllib.parse.urlencode(answers)
    steps = []
    text, size, count, _ = client.fetch("/")
    steps.append(("home (services, postal code)", size, count))
    text, size, count, _ = client.fetch(f"/find?service={ids['service']}&postal_code=G8B+1M4")
    steps.append(("nearest locations", size, count))
    text, size, count, _ = client.fetch(f"/location/{ids['location']}/{ids['service']}")
    steps.append(("location page + eligibility", size, count))
    text, size, count, _ = client.fetch(
        f"/book/{ids['location']}/{ids['service']}/dates?{query}")
    steps.append(("dates", size, count))
    text, size, count, _ = client.fetch(f"/book/{ids['location']}/{ids['service']}/{day}?{query}")
    steps.append(("times", size, count))
    slot = re.search(r'name="slot" value="(\d+)"', text).group(1)  # type: ignore[union-attr]
    text, size, count, url = client.fetch("/book/hold", {
        "csrf_token": csrf(text), "slot": slot, "service": str(ids["service"]), **answers})
    steps.append(("hold + details form", size, count))
    token = url.rsplit("/", 1)[-1]
    text, size, count, _ = client.fetch(f"/hold/{token}", {
        "csrf_token": csrf(text), "first_name": "Marie", "last_name": "Côté",
        "birth_date": "1950-02-03", "consent": "1", "for_whom": "me"})
    steps.append(("confirmation", size, count))
    return steps


def load(base: str, path: str, seconds: float, clients: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        nonlocal errors
        mine = []
        host, port = base.split("//")[1].split(":")
        connection = __import__("http.client").client.HTTPConnection(host, int(port))
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(response.status)
            except Exception:
                with lock:
                    errors += 1
                connection.close()
                connection = __import__("http.client").client.HTTPConnection(host, int(port))
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    rate = len(latencies) / seconds
    # (no `statistics` module: bench/statistics.py shadows it when run as a script)
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0.0
    p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0.0
    if errors:
        print(f"  ({errors} errors on {path})")
    return rate, p50, p95


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-public-")
    database = f"sqlite:///{folder}/planner.sqlite3"
    ids = seed(database)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database, SECRET_KEY="bench", SCHEDULER_ENABLED="0",
               PUBLIC_URL="http://127.0.0.1",
               RATELIMIT_ENABLED="0", INSTANCE_PATH=folder)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(args.workers), "-k", "gthread",
         "--threads", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--access-logfile", "/dev/null", "wsgi:app"],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz").read()
                break
            except OSError:
                time.sleep(0.1)
        print("Journey on a first visit (bytes on the wire: HTML + new CSS/JS/images, "
              "CSS and JS compressed)")
        total_bytes = total_requests = 0
        for name, size, count in journey(base, ids):
            total_bytes += size
            total_requests += count
            print(f"  {name:32} {size / 1024:6.1f} KB  {count} request(s)")
        print(f"  {'whole journey':32} {total_bytes / 1024:6.1f} KB  {total_requests} requests")
        day = date.fromordinal(ids["day"]).isoformat()
        answers = f"q{ids['question']}={ids['answer']}" if ids["question"] else ""
        print(f"\nRead load: {args.clients} concurrent clients, {args.seconds:.0f} s each, "
              f"gunicorn {args.workers} workers x 4 threads")
        health = load(base, "/healthz", args.seconds, args.clients)
        print(f"  {'/healthz':32} {health[0]:7.0f} req/s  p50 {health[1]:5.1f} ms  "
              f"p95 {health[2]:5.1f} ms")
        for name, path in (("location page", f"/location/{ids['location']}/{ids['service']}"),
                           ("day's times", f"/book/{ids['location']}/{ids['service']}/{day}?"
                                           f"{answers}")):
            rate, p50, p95 = load(base, path, args.seconds, args.clients)
            print(f"  {name:32} {rate:7.0f} req/s  p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  "
                  f"({rate / health[0]:.2f} of /healthz)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
