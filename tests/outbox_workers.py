"""Code run in other processes by the exactly-once test of the outbox.

`python -m tests.outbox_workers DATABASE_URL LOG` sends due messages until none is left,
through a counting backend that appends each delivery's idempotency key to LOG (one line per
call to the "provider", written before the outbox commits "sent", as a real provider accepts
a message before the planner records it). The test kills one of three such processes midway.
"""
from __future__ import annotations

import os
import sys
import time

from sqlalchemy import func, select

from .booking_workers import worker_app


class CountingBackend:
    """A provider that takes an idempotency key: the log keeps every call."""

    name = "counting"

    def __init__(self, log: str) -> None:
        self.log = log

    def deliver(self, message) -> None:  # type: ignore[no-untyped-def]
        from webapp.messaging.outbox import idempotency_key

        line = (idempotency_key(message) + "\n").encode()
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)  # one write with O_APPEND: lines never interleave
        finally:
            os.close(fd)
        time.sleep(0.002)  # a provider takes a little time: a kill lands mid-send


def main(database_url: str, log: str) -> None:
    from webapp.extensions import db
    from webapp.messaging import dispatch_due, outbox
    from webapp.models import Message

    app = worker_app(database_url)
    app.config.update(MAIL_BACKEND="counting", OUTBOX_CLAIM_TIMEOUT=2)
    outbox.EMAIL_BACKENDS["counting"] = lambda: CountingBackend(log)
    with app.app_context():
        while True:
            sent = dispatch_due(limit=25)
            left = db.session.scalar(select(func.count()).select_from(Message).where(
                Message.status.in_(("pending", "sending"))))
            db.session.commit()
            if not left:
                break
            if not sent:
                time.sleep(0.1)
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
