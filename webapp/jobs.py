"""Jobs run by APScheduler inside the app process."""
from __future__ import annotations

from flask import Flask

from .booking import release_expired_holds
from .extensions import db, scheduler
from .messaging import communications, dispatch_due


def install_jobs(app: Flask) -> None:
    def send_outbox() -> None:
        # Reminders and follow-ups are planned by scanning, then every due message is sent.
        with app.app_context():
            try:
                communications.plan()
                dispatch_due()
            finally:
                db.session.remove()

    scheduler.add_job(send_outbox, "interval", seconds=30, id="send_outbox",
                      replace_existing=True, max_instances=1, coalesce=True)

    def release_holds() -> None:
        # Places held by citizens who left the booking form go back on sale.
        with app.app_context():
            try:
                release_expired_holds()
            finally:
                db.session.remove()

    scheduler.add_job(release_holds, "interval", seconds=60, id="release_holds",
                      replace_existing=True, max_instances=1, coalesce=True)
