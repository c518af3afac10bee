"""What one internet address can hold and book online (issue 13, point 4). Prints figures;
asserts nothing.

    .venv/bin/python bench/hold_caps.py [--attempts 30]

Before the caps one address held 30 places a minute, ten minutes each (about 300 at once).
A bot at one address takes a new browser session for each attempt (the worst case: one
session keeps one hold anyway); then the same address books under invented names; then a
family of four books from one address. Runs in-process (Flask test client) on a fresh
SQLite database of its own, with the default settings.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADDRESS = "203.0.113.66"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=30)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from tests.conftest import make_app
    from tests.factories import make_block, make_location, make_service, make_team
    from webapp.extensions import db
    from webapp.models import Appointment, Organization, Slot
    from webapp.timeutil import local_today

    app = make_app(Path(tempfile.mkdtemp(prefix="hold-caps-")), TESTING=False, DEBUG=True,
                   PUBLIC_URL="http://localhost")
    with app.app_context():
        db.session.get(Organization, 1).online_booking_open = True
        service = make_service(horizon_days=30)
        location = make_location()
        team = make_team(locations=[location], services=[service])
        day = local_today() + timedelta(days=2)
        block = make_block(location, team, [service], day, "08:00", "20:00", per_slot=1)
        db.session.commit()
        slots = [s.id for s in block.slots]
        service_id = service.id

        def hold(client, slot: int, address: str = ADDRESS):
            return client.post("/book/hold", data={"slot": slot, "service": service_id},
                               environ_base={"REMOTE_ADDR": address})

        def held() -> int:
            db.session.expire_all()
            return db.session.scalar(select(func.sum(Slot.booked))) or 0

        codes = [hold(app.test_client(), slots[i]).status_code for i in range(args.attempts)]
        print(f"hold attempts from one address, a new session each: {args.attempts}, "
              f"accepted {codes.count(302)}, refused {codes.count(409)}")
        print(f"places one address holds at once: {held()} "
              f"(PUBLIC_HOLDS_PER_ADDRESS={app.config['PUBLIC_HOLDS_PER_ADDRESS']})")
        db.session.execute(Appointment.__table__.delete())
        db.session.execute(Slot.__table__.update().values(booked=0))
        db.session.commit()

        booked = 0
        for i in range(args.attempts):  # invented names, one after the other
            response = hold(app.test_client(), slots[i])
            if response.status_code != 302:
                continue
            token = response.headers["Location"].rsplit("/", 1)[-1]
            done = app.test_client().post(f"/hold/{token}", data={
                "first_name": "Nom" + "abcdefghijklmnopqrstuvwxyz"[i % 26] * (1 + i // 26),
                "last_name": "Inventé", "birth_date": "1970-01-01", "consent": "1"},
                environ_base={"REMOTE_ADDR": ADDRESS})
            booked += done.status_code == 302
        print(f"bookings one address makes in a day under invented names: {booked} "
              f"(PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY="
              f"{app.config['PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY']})")

        family = 0
        for i, name in enumerate(("Marie", "Paul", "Léa", "Jean")):
            response = hold(app.test_client(), slots[-1 - i], "198.51.100.20")
            token = response.headers["Location"].rsplit("/", 1)[-1]
            done = app.test_client().post(f"/hold/{token}", data={
                "first_name": name, "last_name": "Roy", "birth_date": "1985-03-03",
                "consent": "1"}, environ_base={"REMOTE_ADDR": "198.51.100.20"})
            family += done.status_code == 302
        print(f"a family of four behind one address: {family} of 4 booked")


if __name__ == "__main__":
    main()
