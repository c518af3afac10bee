"""Messages to patients and staff (COM-1..5): queued in the outbox, sent by the scheduler.

`outbox` holds the queue and the backends (each message claimed by one atomic UPDATE, so it
is sent once whatever the number of workers); `timing` says when a communication goes out.
"""
from __future__ import annotations

from .outbox import dispatch_due, queue, queue_rows, send

__all__ = ["dispatch_due", "queue", "queue_rows", "send"]
