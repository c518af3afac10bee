"""Jobs run by APScheduler inside the app process (one process among all the servers:
webapp.leader)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from . import leader
from .booking import release_expired_holds
from .extensions import db, scheduler
from .messaging import communications, dispatch_due


def install_jobs(app: Flask) -> None:
    def add(name: str, work: Callable[[], Any], trigger: str, **when: Any) -> None:
        """Run `work` in an app context on `trigger`, never two at once."""
        def run() -> None:
            with app.app_context():
                if not leader.still_leader(app):  # another process took over this tick
                    return
                try:
                    work()
                finally:
                    db.session.remove()

        scheduler.add_job(run, trigger, id=name, replace_existing=True, max_instances=1,
                          coalesce=True, **when)

    def send_outbox() -> None:
        # Reminders and follow-ups are planned by scanning, then every due message is sent.
        communications.plan()
        dispatch_due()

    def apply_retention() -> None:
        # Québec's Law 25: personal data older than the Pilot's retention period goes.
        from .operations import anonymize_expired

        anonymize_expired()

    add("send_outbox", send_outbox, "interval", seconds=30)
    # Seats held by citizens who left the booking form go back on sale.
    add("release_holds", release_expired_holds, "interval", seconds=60)
    from .operations.retention import RUN_AT

    add("apply_retention", apply_retention, "cron", hour=RUN_AT.hour, minute=RUN_AT.minute)

    def roll_statistics() -> None:
        # The statistics of the days that have ended, stored once (the first run after local
        # midnight), and the days changed since, stored again: webapp.statistics.rollup.
        from .statistics.rollup import roll

        roll()

    add("stats_rollup", roll_statistics, "cron", minute=20)
