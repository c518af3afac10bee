"""The gate of the public pages during a rush (issue 15): who enters, who waits, and the
light "you are in line" page for the others. Behaviour only; speed is in bench/."""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

import pytest
from sqlalchemy import event

from webapp.admission import Gate, _Waiter
from webapp.extensions import db

from .conftest import make_app


def _until(condition: Any) -> None:
    """Wait for another thread to reach a state (never a timing assertion)."""
    for _ in range(2000):
        if condition():
            return
        time.sleep(0.005)
    raise AssertionError("the other thread never got there")


def test_at_most_limit_inside_and_a_place_freed_is_taken_again():
    gate = Gate(limit=2, queue=4)
    assert gate.enter(False, 0) and gate.enter(True, 0)
    assert not gate.enter(False, 0) and not gate.enter(True, 0)
    gate.leave()
    assert gate.enter(False, 0)
    assert gate.active == 2


def test_a_full_line_of_newcomers_is_refused_at_once():
    gate = Gate(limit=1, queue=0)
    assert gate.enter(False, 0)
    assert gate.enter(False, 600) is False  # no wait at all: the line page at once
    assert gate.position() == 0


def test_a_citizen_inside_goes_before_a_newcomer_who_waited_longer():
    gate = Gate(limit=1, queue=4)
    assert gate.enter(False, 0)
    entered: list[str] = []

    def wait(name: str, priority: bool) -> None:
        if gate.enter(priority, 60):
            entered.append(name)

    newcomer = threading.Thread(target=wait, args=("newcomer", False))
    newcomer.start()
    _until(lambda: gate.waiting[False] == 1)
    inside = threading.Thread(target=wait, args=("inside", True))
    inside.start()
    _until(lambda: gate.waiting[True] == 1)
    gate.leave()
    inside.join(10)
    assert entered == ["inside"] and gate.waiting[False] == 1
    gate.leave()
    newcomer.join(10)
    assert entered == ["inside", "newcomer"] and gate.active == 1


def test_a_staff_page_pauses_public_requests_then_lets_one_at_a_time():
    gate = Gate(limit=2, queue=4)
    began = gate.staff_enter()
    assert not gate.enter(True, 0)  # its first moments: no public request starts
    gate.staff_leave(began)
    long_export = gate.staff_enter(began=time.monotonic() - 60)
    assert gate.enter(True, 0) and not gate.enter(True, 0)  # then one at a time
    gate.staff_leave(long_export)
    assert gate.enter(True, 0) and gate.active == 2


def test_the_wait_estimate_stays_between_2_and_30_seconds():
    gate = Gate(limit=2, queue=100)
    assert gate.retry_after() == 2
    gate.seconds = 1.0
    gate._lines[False].extend(_Waiter() for _ in range(50))
    assert gate.retry_after() == 30
    gate.seconds = 0.2
    gate._lines[False] = deque(_Waiter() for _ in range(10))
    assert 2 < gate.retry_after() < 30


@pytest.fixture
def full(tmp_path):
    """A planner whose gate is taken: every public request finds it full."""
    app = make_app(tmp_path, ADMISSION_ACTIVE=1, ADMISSION_WAIT=0, ADMISSION_PRIORITY_WAIT=0,
                   PUBLIC_URL="http://localhost")
    with app.app_context():
        db.create_all()
        gate = app.extensions["admission"]
        assert gate.enter(True, 0)
        yield app
        gate.leave()
        db.session.remove()


def test_a_newcomer_gets_the_line_page_light_and_without_the_database(full):
    client = full.test_client()
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    response = client.get("/book/1/2/2030-01-15?q3=4")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and seen == []
    assert 2 <= int(response.headers["Retry-After"]) <= 30
    assert response.headers["Cache-Control"] == "no-store"
    assert 'http-equiv="refresh"' in page and "url=/book/1/2/2030-01-15?q3=4" in page
    assert "Vous êtes dans la file d’attente" in page and len(response.get_data()) < 3 * 1024
    english = client.get("/", headers={"Accept-Language": "en"})
    assert english.status_code == 503 and "You are in line" in english.get_data(as_text=True)
    assert "url=/\"" in english.get_data(as_text=True)


def test_staff_pages_and_the_health_check_never_wait(full):
    client = full.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/logo").status_code != 503
    assert client.get("/admin/login").status_code in (200, 302)
    assert full.extensions["admission"].staff == []  # counted while it worked, then left


def test_a_form_refused_in_line_comes_back_to_its_page(full):
    client = full.test_client()
    response = client.post("/hold/" + "a" * 22, data={"first_name": "Marie"})
    assert response.status_code == 503
    assert "url=/hold/" + "a" * 22 in response.get_data(as_text=True)
    other = client.post("/book/hold", data={"slot": "1"},
                        headers={"Referer": "http://localhost/book/1/2/2030-01-15"})
    assert "url=/book/1/2/2030-01-15" in other.get_data(as_text=True)
    foreign = client.post("/book/hold", headers={"Referer": "https://elsewhere.example/x"})
    assert 'url=/"' in foreign.get_data(as_text=True)


def test_priority_for_a_citizen_holding_a_place(tmp_path):
    from flask import session

    from webapp.admission import is_inside

    app = make_app(tmp_path)
    with app.test_request_context("/book/1/2/2030-01-15"):
        assert not is_inside()
        session["hold"] = "token"
        assert is_inside()
    for path, method in (("/hold/abc", "GET"), ("/appointment/abc", "GET"), ("/book/hold", "POST")):
        with app.test_request_context(path, method=method):
            assert is_inside()


def test_no_gate_when_turned_off(tmp_path):
    app = make_app(tmp_path, ADMISSION_ACTIVE=0)
    assert "admission" not in app.extensions


def test_a_staff_page_in_another_worker_holds_back_this_ones_public_requests(tmp_path):
    """Two workers (two gates) share the staff board of their instance folder."""
    from webapp.admission import StaffBoard

    path = tmp_path / "admission-staff.bin"
    here, there = Gate(2, 4, StaffBoard(path)), Gate(2, 4, StaffBoard(path))
    began = there.staff_enter()
    assert not here.enter(True, 0)  # its first moments: no public request starts here either
    there.staff_leave(began)
    assert here.enter(True, 0) and here.enter(True, 0)  # gone: the full pace again
    here.leave(), here.leave()
    long_export = there.staff_enter(began=time.monotonic() - 60)
    assert here.enter(True, 0) and not here.enter(True, 0)  # then one at a time
    there.staff_leave(long_export)
    assert here.enter(True, 0) and here.active == 2
    assert StaffBoard(path).read()[0] == 0


def test_a_worker_that_died_mid_page_does_not_slow_the_others_for_ever(tmp_path):
    from webapp.admission import STAFF_STALE, StaffBoard

    path = tmp_path / "admission-staff.bin"
    StaffBoard(path).change(+1, time.monotonic() - STAFF_STALE - 1)  # never left
    gate = Gate(2, 4, StaffBoard(path))
    assert gate.enter(True, 0) and gate.enter(True, 0)


def test_each_request_leaving_lets_in_exactly_one_waiting_in_order_of_arrival():
    gate = Gate(limit=1, queue=10)
    assert gate.enter(False, 0)
    entered: list[int] = []

    def wait(n: int) -> None:
        if gate.enter(False, 60):
            entered.append(n)

    threads = []
    for n in range(4):
        threads.append(threading.Thread(target=wait, args=(n,)))
        threads[-1].start()
        _until(lambda n=n: gate.waiting[False] == n + 1)
    for n in range(4):
        gate.leave()
        _until(lambda n=n: len(entered) == n + 1)
        assert entered == list(range(n + 1)) and gate.active == 1 and gate.waiting[False] == 3 - n
    for thread in threads:
        thread.join(10)


def test_a_request_waiting_here_enters_when_a_staff_page_ends_in_another_worker(tmp_path):
    """Nothing in this worker leaves to wake it: it looks again by itself."""
    from webapp.admission import StaffBoard

    path = tmp_path / "admission-staff.bin"
    here, there = Gate(2, 4, StaffBoard(path)), Gate(2, 4, StaffBoard(path))
    began = there.staff_enter()
    entered = threading.Event()

    def wait() -> None:
        if here.enter(False, 60):
            entered.set()

    thread = threading.Thread(target=wait)
    thread.start()
    _until(lambda: here.waiting[False] == 1)
    assert not entered.is_set()
    there.staff_leave(began)
    thread.join(10)
    assert entered.is_set() and here.active == 1 and here.waiting[False] == 0


def test_a_waiting_request_that_gives_up_leaves_the_line():
    gate = Gate(limit=1, queue=4)
    assert gate.enter(False, 0)
    assert gate.enter(True, 0.01) is False and gate.enter(False, 0.01) is False
    assert gate.waiting == {True: 0, False: 0} and gate.position() == 0
    gate.leave()
    assert gate.enter(False, 0) and gate.active == 1
