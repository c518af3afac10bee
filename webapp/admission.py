"""Admission control of the public pages: a fair line when the opening rush exceeds what the
server can answer in time (issue 15).

Each server process lets at most `ADMISSION_ACTIVE` public requests work at once. A
citizen already inside (holding a place, on the details form, reading the confirmation)
goes first and may wait up to `ADMISSION_PRIORITY_WAIT` seconds for a turn; a newcomer
(home, search, days, times) waits at most `ADMISSION_WAIT` seconds, behind at most
`ADMISSION_QUEUE` others, and otherwise gets at once a light "you are in line" page
(503, `Retry-After`, a meta refresh to the same page, under 3 KB, no database) instead of
a page that never comes. Those inside thus finish their booking at the server's full pace
while the others are told how long to wait. Staff pages, static files and /healthz do not
wait; while a staff page is being made no public request starts in that process for its
first half second, then one at a time, so the pharmacy's own screens stay quick in a rush;
the workers share that news through a tiny file mapped in memory (`StaffBoard`), so a staff
page in one worker also holds back the public requests of the others.
Threads parked at the gate cost nothing, so gunicorn runs more of them (gunicorn.conf.py)
than CPU would use.
`ADMISSION_ACTIVE=0` turns it off.
"""
from __future__ import annotations

import fcntl
import math
import mmap
import os
import struct
import threading
import time
from collections import deque
from pathlib import Path
from typing import Optional

from flask import Flask, current_app, g, request, session
from werkzeug.wrappers import Response

from .formatting import is_english

# Paths of a citizen who is already inside the booking: they go first.
INSIDE = ("/hold/", "/appointment/", "/r/")
STAFF = "/admin/"
UNGATED = {"public.logo"}  # an image of every page, as light as a static file
STAFF_FIRST = 0.5  # seconds of a staff page during which no public request starts
STAFF_POLL = 0.05  # seconds: how often a waiting request looks whether a staff pause ended
SMOOTHING = 0.1  # weight of the latest request in the average time a request takes
SHORTEST_RETRY, LONGEST_RETRY = 2, 30  # seconds
STAFF_STALE = 120.0  # seconds: a staff count older than this is a worker that died mid-page
BOARD_FILE = "admission-staff.bin"
_BOARD = struct.Struct("qd")  # staff requests working now in all workers; latest start


class StaffBoard:
    """The staff requests working now in every worker of this install: 16 bytes of a file in
    the instance folder, mapped in memory by each worker (CLOCK_MONOTONIC is the machine's,
    so the workers' start times compare). Written under a file lock (a staff request's
    start and end), read without one."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < _BOARD.size:
            os.ftruncate(self._fd, _BOARD.size)
        self._map = mmap.mmap(self._fd, _BOARD.size)

    def read(self) -> tuple[int, float]:
        active, latest = _BOARD.unpack_from(self._map)
        return int(active), float(latest)

    def change(self, delta: int, began: float) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            active, latest = self.read()
            active = max(0, active + delta)
            latest = max(latest, began) if delta > 0 else latest if active else 0.0
            _BOARD.pack_into(self._map, 0, active, latest)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


class _Waiter:
    """A request waiting for its turn: woken by the one request that hands it over."""

    __slots__ = ("admitted", "event")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.admitted = False


class Gate:
    """At most `limit` requests inside; waiting ones enter priority first, each line in
    order of arrival. One per process.

    A request leaving hands its turn to the first in line and wakes that one only: waking
    every waiting thread on each exit (dozens in a rush) made them all fight for the
    interpreter lock, slowing the requests inside and the staff pages the most."""

    def __init__(self, limit: int, queue: int, board: Optional[StaffBoard] = None) -> None:
        self.limit, self.queue, self.board = limit, queue, board
        self.active = 0
        self.staff: list[float] = []  # when each staff request working now began (never waits)
        self.seconds = 0.05  # average time a request takes inside (moving average)
        self._lock = threading.Lock()
        self._lines: dict[bool, deque[_Waiter]] = {True: deque(), False: deque()}

    @property
    def waiting(self) -> dict[bool, int]:
        """How many wait in each line (True: the citizens already inside)."""
        return {priority: len(line) for priority, line in self._lines.items()}

    def _staff_pause(self) -> tuple[bool, bool]:
        """(no public request may start now, staff pages are being made). A staff page's
        first STAFF_FIRST seconds, here or in another worker: no public request starts;
        then, while staff still work, one at a time (a long export only halves the pace).
        The pharmacy's day view stays quick in the rush."""
        now = time.monotonic()
        if self.staff and any(now - began < STAFF_FIRST for began in self.staff):
            return True, True
        staff = bool(self.staff)
        if self.board is not None:  # a staff page in another worker counts the same
            active, latest = self.board.read()
            if active > 0 and now - latest < STAFF_STALE:
                if now - latest < STAFF_FIRST:
                    return True, True
                staff = True
        return False, staff

    def _room(self) -> bool:
        paused, staff = self._staff_pause()
        return not paused and self.active < (1 if staff else self.limit)

    def _hand_over(self) -> None:
        """Under the lock: let the first in line in while there is room, priority first."""
        while self._room():
            priority = bool(self._lines[True])
            line = self._lines[priority]
            if not line:
                return
            waiter = line.popleft()
            self.active += 1
            waiter.admitted = True
            waiter.event.set()

    def staff_enter(self, began: Optional[float] = None) -> float:
        began = time.monotonic() if began is None else began
        with self._lock:
            self.staff.append(began)
        if self.board is not None:
            self.board.change(+1, began)
        return began

    def staff_leave(self, began: float) -> None:
        if self.board is not None:
            self.board.change(-1, began)
        with self._lock:
            self.staff.remove(began)
            self._hand_over()

    def enter(self, priority: bool, timeout: float) -> bool:
        """Wait at most `timeout` seconds for a turn; False when none came (or the line of
        newcomers is already full)."""
        with self._lock:
            ahead = self._lines[True] or (not priority and self._lines[False])
            if not ahead and self._room():
                self.active += 1
                return True
            if not priority and len(self._lines[False]) >= self.queue:
                return False
            waiter = _Waiter()
            self._lines[priority].append(waiter)
            self._hand_over()
        deadline = time.monotonic() + timeout
        while not waiter.admitted:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            # Woken by a request leaving; now and then also to see whether a staff pause
            # (maybe in another worker, which cannot wake this one) is over: often while
            # staff work, seldom otherwise.
            staff = self._staff_pause()[1]
            if waiter.event.wait(min(left, STAFF_POLL if staff else STAFF_FIRST)):
                break
            with self._lock:
                self._hand_over()
        with self._lock:
            if waiter.admitted:
                return True
            self._lines[priority].remove(waiter)
            return False

    def leave(self, seconds: Optional[float] = None) -> None:
        with self._lock:
            self.active -= 1
            if seconds is not None:
                self.seconds += SMOOTHING * (seconds - self.seconds)
            self._hand_over()

    def position(self) -> int:
        """How many requests wait for a turn now (a newcomer refused is behind them)."""
        return len(self._lines[True]) + len(self._lines[False])

    def retry_after(self) -> int:
        """Seconds before trying again: the line ahead at the pace the server keeps, with a
        margin (a journey is five requests), between 2 and 30 s."""
        ahead = self.position() + self.active + 1
        estimate = 5 * ahead * self.seconds / max(self.limit, 1)
        return min(LONGEST_RETRY, max(SHORTEST_RETRY, math.ceil(estimate)))


def is_inside() -> bool:
    """A citizen who already holds a place or is past the choice of a time."""
    if request.path.startswith(INSIDE) or request.method == "POST":
        return True  # a POST on a public page: a hold, the details, a confirmation
    return bool(session.get("hold"))


def _gate() -> Optional[Gate]:
    gate: Optional[Gate] = current_app.extensions.get("admission")
    return gate


def _before() -> Optional[Response | tuple[str, int, dict[str, str]]]:
    gate = _gate()
    if gate is None:
        return None
    if request.blueprint != "public" or request.endpoint in UNGATED:
        if request.path.startswith(STAFF):
            g.staff_began = gate.staff_enter()
        return None
    priority = is_inside()
    config = current_app.config
    wait = config["ADMISSION_PRIORITY_WAIT"] if priority else config["ADMISSION_WAIT"]
    if gate.enter(priority, float(wait)):
        g.admitted_at = time.monotonic()
        return None
    return line_page(gate)


def _after(_error: Optional[BaseException]) -> None:
    admitted_at = g.pop("admitted_at", None)
    gate = _gate()
    staff_began = g.pop("staff_began", None)
    if staff_began is not None and gate is not None:
        gate.staff_leave(staff_began)
    if admitted_at is not None and gate is not None:
        gate.leave(time.monotonic() - admitted_at)


def line_page(gate: Gate) -> tuple[str, int, dict[str, str]]:
    """The light page of a citizen in line: no database, a refresh to the same page."""
    seconds = gate.retry_after()
    again = request.full_path if request.method == "GET" else _back()
    # Rendered without the context processors: they read the database.
    page = current_app.jinja_env.get_template("public/line.html").render(
        seconds=seconds, ahead=gate.position(), again=again.rstrip("?"),
        lang="en" if is_english() else "fr")
    return page, 503, {"Retry-After": str(seconds), "Cache-Control": "no-store"}


def _back() -> str:
    """Where a refused form sends the citizen back to: the details form for its own token,
    else the page the form was on (the same site only), else the home page."""
    if request.path.startswith("/hold/") and request.path.count("/") == 2:
        return request.path
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    if referrer.startswith(host + "/"):
        return referrer[len(host):]
    return "/"


def init_app(app: Flask) -> None:
    limit = int(app.config.get("ADMISSION_ACTIVE") or 0)
    if limit <= 0:
        return
    board: Optional[StaffBoard] = None
    # Shared by the workers of one install (its instance folder); tests, which share a
    # folder between unrelated apps, ask for it by name.
    if app.config.get("ADMISSION_SHARED", not app.testing):
        try:
            board = StaffBoard(Path(app.instance_path) / BOARD_FILE)
        except OSError:  # a read-only instance folder: each worker minds its own staff
            board = None
    app.extensions["admission"] = Gate(limit, int(app.config["ADMISSION_QUEUE"]), board)
    # First of all: a citizen in line costs no CSRF check, rate limit or session lookup.
    app.before_request_funcs.setdefault(None, []).insert(0, _before)
    app.teardown_request(_after)
