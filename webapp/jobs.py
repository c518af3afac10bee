"""Jobs run by APScheduler inside the app process."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from .booking import release_expired_holds
from .extensions import db, scheduler
from .messaging import communications, dispatch_due


def install_jobs(app: Flask) -> None:
    def every(seconds: int, name: str, job: Callable[[], object]) -> None:
        """Run `job` in an app context every `seconds`, never two at once."""
        def run() -> None:
            with app.app_context():
                try:
                    job()
                finally:
                    db.session.remove()

        scheduler.add_job(run, "interval", seconds=seconds, id=name,
                          replace_existing=True, max_instances=1, coalesce=True)

    def send_outbox() -> None:
        # Reminders and follow-ups are planned by scanning, then every due message is sent.
        communications.plan()
        dispatch_due()

    every(30, "send_outbox", send_outbox)
    # Seats held by citizens who left the booking form go back on sale.
    every(60, "release_holds", release_expired_holds)
