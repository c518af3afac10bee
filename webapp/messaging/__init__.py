"""Messages to patients and staff (COM-1..5): queued in the outbox, sent by the scheduler.

`outbox` holds the queue and the backends (each message claimed by one atomic UPDATE, so it
is sent once whatever the number of workers); `timing` says when a communication goes out.
"""
from __future__ import annotations

from .outbox import dispatch_due, queue, queue_rows, send
from .window import occurrence_of

__all__ = ["dispatch_due", "occurrence_of", "queue", "queue_rows", "send"]
# Planning (`communications.plan`, `communications.send_now`) reads the booking engine's
# message texts: import `messaging.communications` itself, after the app is built.
