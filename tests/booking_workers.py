"""Code run in other processes by the race and crash tests (importable by spawned children).

`python -m tests.booking_workers DATABASE_URL SERVICE_ID FIRST_PERSON SLOT_ID...` books
one person after another over the slots, printing each confirmation number on stdout
only once its transaction has committed; the crash test kills it with SIGKILL midway.
"""
from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

from flask import Flask


def worker_app(database_url: str) -> Flask:
    from webapp import create_app

    folder = tempfile.mkdtemp(prefix="booking-worker-")
    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SCHEDULER_ENABLED": False,
        "UPLOAD_FOLDER": os.path.join(folder, "uploads"),
    })


def race(database_url: str, slot_id: int, service_id: int, first_person: int, tries: int,
         barrier: Any, results: Any) -> None:
    """Spawned child: wait for the others, then try to book `tries` people on one slot."""
    from webapp import booking
    from webapp.extensions import db
    from webapp.models import Service, Slot

    from .factories import patient_data

    app = worker_app(database_url)
    with app.app_context():
        db.session.execute(db.select(Slot).limit(1))  # connect before the race starts
        db.session.commit()
        barrier.wait(timeout=60)
        for n in range(first_person, first_person + tries):
            try:
                slot, service = db.session.get(Slot, slot_id), db.session.get(Service, service_id)
                appointment = booking.book(booking.BookingRequest(slot, service, patient_data(n)))
                results.put(("ok", appointment.coupon))
            except booking.SlotFull:
                results.put(("full", ""))
            except Exception as error:  # reported to the test, which fails on it
                results.put(("error", f"{type(error).__name__}: {error}"))
        db.engine.dispose()


def book_until_killed(database_url: str, service_id: int, first_person: int,
                      slot_ids: list[int]) -> None:
    from webapp import booking
    from webapp.extensions import db
    from webapp.models import Service, Slot

    from .factories import patient_data

    app = worker_app(database_url)
    with app.app_context():
        n = first_person
        for slot_id in slot_ids:
            while True:
                slot, service = db.session.get(Slot, slot_id), db.session.get(Service, service_id)
                try:
                    appointment = booking.book(
                        booking.BookingRequest(slot, service, patient_data(n)))
                except booking.SlotFull:
                    break
                n += 1
                # Printed only after the commit returned: "success was answered".
                sys.stdout.write(appointment.coupon + "\n")
                sys.stdout.flush()
        sys.stdout.write("DONE\n")
        sys.stdout.flush()


if __name__ == "__main__":
    book_until_killed(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                      [int(x) for x in sys.argv[4:]])
