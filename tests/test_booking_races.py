"""Nothing overbooks and no answered booking is lost: threads, processes, kills.

Each test runs on SQLite (a file, WAL) and on PostgreSQL (a database of its own).
"""
from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from webapp import booking
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.models import ACTIVE_STATUSES, Appointment, Service, Slot

from .booking_workers import race
from .factories import assert_consistent, make_world, patient_data

ROOT = Path(__file__).resolve().parent.parent


def _run_threads(app, count, work):
    """Run work(i) in `count` threads started together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                results.append(work(i))
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def _appointments(slot_id):
    return db.session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.slot_id == slot_id, Appointment.status.in_(ACTIVE_STATUSES)))


def test_fifty_threads_race_for_three_places(any_db_app):
    world = make_world(days_ahead=1, per_slot=3)
    slot_id, service_id = world.slots[0].id, world.service.id

    def attempt(i):
        slot, service = db.session.get(Slot, slot_id), db.session.get(Service, service_id)
        try:
            return booking.book(BookingRequest(slot, service, patient_data(i))).coupon
        except booking.SlotFull as full:
            return "full" if full.alternatives else "full without alternatives"

    results, errors = _run_threads(any_db_app, 50, attempt)
    assert errors == []
    counts = Counter("full" if r.startswith("full") else "ok" for r in results)
    assert counts == {"ok": 3, "full": 47}
    assert "full without alternatives" not in results
    db.session.expire_all()
    assert db.session.get(Slot, slot_id).booked == 3
    assert _appointments(slot_id) == 3
    assert_consistent()


def test_four_processes_race_for_three_places(any_db_app):
    world = make_world(days_ahead=1, per_slot=3)
    url = any_db_app.config["SQLALCHEMY_DATABASE_URI"]
    slot_id, service_id = world.slots[0].id, world.service.id
    db.session.remove()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    processes = [context.Process(target=race, args=(url, slot_id, service_id, 100 * i, 3,
                                                    barrier, results)) for i in range(4)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(12)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert [o for o in outcomes if o[0] == "error"] == []
    assert Counter(kind for kind, _ in outcomes) == {"ok": 3, "full": 9}
    assert db.session.get(Slot, slot_id).booked == 3
    assert _appointments(slot_id) == 3
    assert_consistent()


def test_racing_moves_cancels_and_bookings_keep_counts_exact(any_db_app):
    world = make_world(days_ahead=1, per_slot=2, end="10:15")  # 5 slots x 2 places
    slot_ids = [s.id for s in world.slots]
    service_id = world.service.id
    first = [booking.book(BookingRequest(db.session.get(Slot, slot_ids[i % 5]), world.service,
                                         patient_data(i))).id for i in range(8)]
    allowed = (booking.SlotFull, booking.ChangedMeanwhile, booking.NotModifiable)

    def churn(i):
        rng = random.Random(i)
        done = Counter()
        for step in range(12):
            service = db.session.get(Service, service_id)
            slot = db.session.get(Slot, rng.choice(slot_ids))
            action = rng.choice(("move", "move", "cancel", "book"))
            try:
                if action == "book":
                    booking.book(BookingRequest(slot, service,
                                                patient_data(1000 + 100 * i + step)))
                else:
                    appointment = db.session.get(Appointment, rng.choice(first))
                    if action == "move":
                        booking.move(appointment, BookingRequest(slot, appointment.service))
                    else:
                        booking.cancel(appointment, reason="race")
                done[action] += 1
            except allowed as refused:
                done[type(refused).__name__] += 1
            db.session.rollback()
        return done

    results, errors = _run_threads(any_db_app, 8, churn)
    assert errors == []
    assert sum(sum(r.values()) for r in results) == 8 * 12
    assert_consistent()


def _crash(url, service_id, slot_ids, first_person):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.booking_workers", url, str(service_id),
         str(first_person), *map(str, slot_ids)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_bookings_answered_before_a_kill_are_never_lost(any_db_app):
    world = make_world(days_ahead=1, per_slot=3)
    # Enough places (over 1,000) that the victim cannot finish before it is killed.
    extras = [world.add_block(world.block.day + timedelta(days=n), "08:00", "20:00", 3)
              for n in range(1, 9)]
    slot_ids = [s.id for s in world.slots] + [s.id for b in extras for s in b.slots]
    places = 3 * len(slot_ids)
    url = any_db_app.config["SQLALCHEMY_DATABASE_URI"]
    service_id = world.service.id
    db.session.remove()
    victim = _crash(url, service_id, slot_ids, 0)
    survivor = _crash(url, service_id, list(reversed(slot_ids)), 10_000)
    printed = []
    deadline = time.monotonic() + 60
    while len(printed) < 25 and time.monotonic() < deadline:
        line = victim.stdout.readline()
        if not line:
            break
        printed.append(line.strip())
    victim.send_signal(signal.SIGKILL)
    rest, err = victim.communicate(timeout=30)
    printed += rest.split()
    assert victim.returncode == -signal.SIGKILL
    assert len(printed) >= 25 and "DONE" not in printed, err
    out, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    survivor_coupons = out.split()
    assert survivor_coupons[-1] == "DONE"
    answered = set(printed) | set(survivor_coupons[:-1])
    stored = set(db.session.scalars(select(Appointment.coupon)))
    assert answered <= stored
    assert_consistent()
    # the survivor filled everything the victim left: no place lost either
    assert db.session.scalar(select(func.sum(Slot.booked))) == places == len(stored)


def test_the_same_person_racing_on_other_slots_gets_one_appointment(any_db_app):
    world = make_world(days_ahead=1, per_slot=3)
    slot_ids, service_id = [s.id for s in world.slots], world.service.id

    def attempt(i):
        slot, service = db.session.get(Slot, slot_ids[i]), db.session.get(Service, service_id)
        try:
            return booking.book(BookingRequest(
                slot, service, patient_data(0, last_name="CÔTÉ" if i % 2 else "Cote")))
        except booking.DuplicatePerson:
            return "duplicate"

    results, errors = _run_threads(any_db_app, 10, attempt)
    assert errors == []
    assert results.count("duplicate") == 9
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
    assert_consistent()


def test_ten_cancellations_of_one_appointment_free_one_place(any_db_app):
    world = make_world(days_ahead=1, per_slot=3)
    slot_id = world.slots[0].id
    appointment_ids = [booking.book(BookingRequest(db.session.get(Slot, slot_id), world.service,
                                                   patient_data(i))).id for i in range(2)]

    def attempt(i):
        return booking.cancel(db.session.get(Appointment, appointment_ids[0]), reason=f"#{i}")

    results, errors = _run_threads(any_db_app, 10, attempt)
    assert errors == []
    assert results.count(True) == 1 and results.count(False) == 9
    db.session.expire_all()
    assert db.session.get(Slot, slot_id).booked == 1
    assert_consistent()
