"""The outbox: messages are recorded first, then each is sent exactly once.

A message is claimed by one atomic update (`status: pending -> sending`), so two app
processes, or a restart in between, never send it twice. A process that dies holding a claim
leaves the message "sending"; another takes it over after the claim timeout, so the message
is not lost, and since the first one may already have handed it to the provider, a crash
costs at most one duplicate (see docs/ARCHITECTURE.md "Messages"); backends pass the
provider `idempotency_key(message)` where it takes one. Failures are retried with a growing
delay, then the message is "failed" with the provider's reason; a provider's permanent
refusal fails it at once. The built-in "outbox" backend keeps the message in the database
for staff to read; SMTP sends it for real.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Optional, Protocol

from flask import current_app
from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Appointment, Message, utcnow
from . import optout
from .window import ABOUT_UPCOMING, UPCOMING, in_window, next_open, occurrence

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=10)
# Wait after the 1st, 2nd, 3rd, 4th failed attempt (then "failed").
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


class PermanentFailure(Exception):
    """The provider refused the message for good (bad address, opted out): not retried."""


class Dropped(PermanentFailure):
    """Not to be sent at all, nor again by staff (the recipient opted out)."""


class RetryLater(Exception):
    """The provider asks to try again after `seconds` (rate limited)."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


def idempotency_key(message: Message) -> str:
    """The same for every attempt at one message: a provider that takes it accepts it once."""
    return f"planner-message-{message.id}"


def claim_timeout() -> timedelta:
    seconds = current_app.config.get("OUTBOX_CLAIM_TIMEOUT")
    return timedelta(seconds=float(seconds)) if seconds else CLAIM_TIMEOUT


class Backend(Protocol):
    name: str

    def deliver(self, message: Message) -> None: ...


class OutboxBackend:
    """Keeps the message in the database only (default for a fresh install)."""

    name = "outbox"

    def deliver(self, message: Message) -> None:
        current_app.logger.info("outbox %s to %s: %s", message.channel, message.recipient,
                                message.subject or message.body[:60])


EMAIL_BACKENDS: dict[str, Any] = {"outbox": OutboxBackend}
SMS_BACKENDS: dict[str, Any] = {"outbox": OutboxBackend}


def backend_for(channel: str) -> Backend:
    """The backend named by MAIL_BACKEND or SMS_BACKEND ("smtp", "twilio" register
    themselves from `messaging.email` and `messaging.sms`)."""
    if "smtp" not in EMAIL_BACKENDS:
        from . import email, sms  # noqa: F401  (they register; email needs the booking texts)
    cfg = current_app.config
    if channel == "sms":
        return SMS_BACKENDS[str(cfg["SMS_BACKEND"])]()  # type: ignore[no-any-return]
    return EMAIL_BACKENDS[str(cfg["MAIL_BACKEND"])]()  # type: ignore[no-any-return]


def queue(kind: str, channel: str, recipient: str, body: str, *, subject: str = "",
          language: str = "fr_CA", user_id: Optional[int] = None,
          appointment_id: Optional[int] = None, due_at: Optional[datetime] = None) -> Message:
    """Record a message to send (committed with the caller's transaction)."""
    message = Message(kind=kind, channel=channel, recipient=recipient, body=body,
                      subject=subject, language=language, user_id=user_id,
                      appointment_id=appointment_id, due_at=due_at or utcnow())
    db.session.add(message)
    return message


def _claim(message_id: int, now: datetime) -> bool:
    stale = now - claim_timeout()
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id)
        .where(or_(Message.status == "pending",
                   (Message.status == "sending") & (Message.claimed_at < stale)))
        .values(status="sending", claimed_at=now, attempts=Message.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def send(message: Message, now: Optional[datetime] = None) -> bool:
    """Claim and send one message; True if this call sent it."""
    now = now or utcnow()
    if not _claim(message.id, now):
        return False
    db.session.refresh(message)
    if _held_back(message, now):
        db.session.commit()
        return False
    try:
        if message.channel == "sms" and optout.is_opted_out(message.recipient):
            raise Dropped(optout.OPTED_OUT)
        backend = backend_for(message.channel)
        backend.deliver(message)
    except Dropped as dropped:
        message.status, message.last_error = "dropped", str(dropped)[:500]
        db.session.commit()
        return False
    except PermanentFailure as refused:
        _failed(message, str(refused), final=True, now=now)
        return False
    except RetryLater as later:
        _failed(message, str(later), final=message.attempts >= MAX_ATTEMPTS, now=now,
                wait=timedelta(seconds=max(later.seconds, 1)))
        return False
    except Exception as exc:  # any other failure is retried, then shown to staff
        _failed(message, str(exc) or type(exc).__name__, now=now,
                final=message.attempts >= MAX_ATTEMPTS)
        return False
    message.status = "sent"
    message.sent_at = utcnow()
    message.backend = backend.name
    db.session.commit()
    return True


def _failed(message: Message, reason: str, *, final: bool, now: datetime,
            wait: Optional[timedelta] = None) -> None:
    message.last_error = reason[:500]
    message.status = "failed" if final else "pending"
    if not final:
        message.due_at = now + (wait or BACKOFF[min(message.attempts, len(BACKOFF)) - 1])
    db.session.commit()


def _held_back(message: Message, now: datetime) -> bool:
    """Whether this claimed message must not go now: it waits for the daytime window
    (pending again), or is about an appointment cancelled, moved or past (not sent)."""
    opens = next_open(now) if in_window(message.kind) else now
    if message.appointment_id is not None and message.kind in ABOUT_UPCOMING:
        appointment = db.session.get(Appointment, message.appointment_id)
        if (appointment is None or appointment.status not in UPCOMING
                or occurrence(appointment) != message.occurrence.partition("@")[0]):
            message.status, message.last_error = "cancelled", "appointment cancelled or moved"
            return True
        if opens >= appointment.starts_at:
            message.status, message.last_error = "dropped", "would arrive after the appointment"
            return True
    if opens > now:
        message.status, message.due_at = "pending", opens
        message.attempts -= 1
        return True
    return False


def dispatch_due(now: Optional[datetime] = None, limit: int = 100) -> int:
    """Send the messages that are due; returns how many this call sent."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Message)
        .where(or_(Message.status == "pending", Message.status == "sending"))
        .where(Message.due_at <= now)
        .order_by(Message.due_at)
        .limit(limit)
    ).all()
    return sum(1 for message in due if send(message, now))


_QUEUE_ROWS = insert(Message.__table__)


def queue_rows(session: Session, messages: list[dict[str, Any]]) -> None:
    """Queue messages inside the caller's open transaction with plain INSERTs, for a hot path
    that holds a write lock (the booking engine); each dict names the columns as `queue`
    takes them, and is due now unless it says otherwise."""
    now = utcnow()
    for message in messages:
        session.execute(_QUEUE_ROWS, {"due_at": now, **message})
