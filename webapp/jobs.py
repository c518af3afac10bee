"""Jobs run by APScheduler inside the app process (one worker per server: web.start_scheduler)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from .booking import release_expired_holds
from .extensions import db, scheduler
from .messaging import dispatch_due


def install_jobs(app: Flask) -> None:
    def job(work: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            with app.app_context():
                try:
                    work()
                finally:
                    db.session.remove()
        return run

    def apply_retention() -> None:
        # Québec's Law 25: personal data older than the Pilot's retention period goes.
        from .operations import anonymize_expired

        anonymize_expired()

    every = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    scheduler.add_job(job(dispatch_due), "interval", seconds=30, id="send_outbox", **every)
    # Places held by citizens who left the booking form go back on sale.
    scheduler.add_job(job(release_expired_holds), "interval", seconds=60, id="release_holds",
                      **every)
    scheduler.add_job(job(apply_retention), "cron", hour=3, minute=15, id="apply_retention",
                      **every)
