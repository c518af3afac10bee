"""Jobs run by APScheduler inside the app process."""
from __future__ import annotations

from flask import Flask

from .booking import release_expired_holds
from .extensions import db, scheduler
from .messaging import dispatch_due


def install_jobs(app: Flask) -> None:
    def send_outbox() -> None:
        with app.app_context():
            try:
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

    def apply_retention() -> None:
        # Québec's Law 25: personal data older than the Pilot's retention period goes.
        from .operations import anonymize_expired

        with app.app_context():
            try:
                anonymize_expired()
            finally:
                db.session.remove()

    scheduler.add_job(apply_retention, "cron", hour=3, minute=15, id="apply_retention",
                      replace_existing=True, max_instances=1, coalesce=True)
