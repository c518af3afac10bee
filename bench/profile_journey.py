"""A citizen's whole journey profiled in one process (issue 15): cProfile over the Flask test
client going through the day's times, the hold, the details form, the details post and the
confirmation, many times; prints the top functions by cumulative and by own time, and the
milliseconds of CPU per step and per /healthz. Prints figures; asserts nothing.

    .venv/bin/python bench/profile_journey.py [--journeys 200] [--top 40] [--step times]
    .venv/bin/python bench/profile_journey.py --step none     # CPU per step, no profiler
    .venv/bin/python bench/profile_journey.py --dump /tmp/j.prof  # for pstats / snakeviz

The CPU figures with the profiler on are inflated (most for code of many small calls);
`--step none` gives them unprofiled. One process, no contention: gunicorn under the rush
(bench/journey_rush.py) pays more per request than this.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.journey_rush import CSRF, SLOT_BUTTON, open_rush_day  # noqa: E402

STEPS = ("healthz", "times", "hold", "details", "submit", "confirm")
CHOICES = (*STEPS, "none")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--step", choices=CHOICES, help="profile this step only")
    parser.add_argument("--dump", help="write the profile to this file")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="profile-journey-")
    url = f"sqlite:///{folder}/planner.db"
    times_path, service_id, _, _ = open_rush_day(url)
    os.environ["INSTANCE_PATH"] = folder
    from webapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SCHEDULER_ENABLED": False, "TRUSTED_PROXIES": 1,
                      "PUBLIC_URL": "http://localhost"})
    profile = cProfile.Profile()
    cpu = dict.fromkeys(STEPS, 0.0)

    def timed(name, call):
        t0 = time.process_time()
        if args.step in (None, name):
            profile.enable()
        answer = call()
        profile.disable()
        cpu[name] += time.process_time() - t0
        return answer

    def journey(n: int) -> None:
        client = app.test_client()
        pass
        headers = {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
        timed("healthz", lambda: client.get("/healthz"))
        page = timed("times", lambda: client.get(times_path, headers=headers))
        assert page.status_code == 200, (page.status_code, page.data[:300])
        slot = SLOT_BUTTON.findall(page.data)[n % 4].decode()
        token = CSRF.search(page.data).group(1).decode()
        held = timed("hold", lambda: client.post("/book/hold", headers=headers, data={
            "csrf_token": token, "service": str(service_id), "slot": slot}))
        assert held.status_code == 302, held.status_code
        path = held.headers["Location"]
        form = timed("details", lambda: client.get(path, headers=headers))
        token = CSRF.search(form.data).group(1).decode()
        done = timed("submit", lambda: client.post(path, headers=headers, data={
            "csrf_token": token, "for_whom": "me", "first_name": "Marie",
            "last_name": "Rush" + "".join(chr(97 + n // 26**k % 26) for k in range(5)),
            "birth_date": f"{1930 + n % 70}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "email": f"person{n}@example.org", "send_email": "1", "consent": "1"}))
        assert done.status_code == 302, (done.status_code, re.findall(
            rb'class="error"[^>]*>([^<]+)<', done.data))
        shown = timed("confirm", lambda: client.get(done.headers["Location"], headers=headers))
        assert shown.status_code == 200

    for n in range(1, 6):  # warm the caches, not measured
        journey(n)
    profile = cProfile.Profile()
    cpu = dict.fromkeys(STEPS, 0.0)
    for n in range(10, 10 + args.journeys):
        journey(n)
    print("CPU ms per request" + ("" if args.step == "none" else " (profiler on: inflated)"))
    for name in STEPS:
        print(f"  {name:8} {1000 * cpu[name] / args.journeys:7.2f}")
    journey_ms = sum(cpu[s] for s in STEPS[1:]) * 1000 / args.journeys
    healthz_ms = 1000 * cpu["healthz"] / args.journeys
    print(f"  journey  {journey_ms:7.2f} ({journey_ms / healthz_ms:.1f}x healthz)")
    if args.step == "none":
        return
    if args.dump:
        profile.dump_stats(args.dump)
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
