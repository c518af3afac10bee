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

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Optional, Protocol

from flask import current_app
from sqlalchemy import ColumnElement, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..models import Appointment, Message, Organization, utcnow
from . import optout
from .window import ABOUT_UPCOMING, UPCOMING, in_window, next_open, occurrence_of

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


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Waiting, or claimed by a process that seems to have died (see CLAIM_TIMEOUT)."""
    return or_(Message.status == "pending",
               (Message.status == "sending") & (Message.claimed_at < now - claim_timeout()))


def _claim(message_ids: Sequence[int], now: datetime) -> list[int]:
    """Take these messages for this process, in one atomic UPDATE; the ids it got."""
    if not message_ids:
        return []
    claimed = db.session.scalars(
        update(Message)
        .where(Message.id.in_(message_ids), _claimable(now))
        .values(status="sending", claimed_at=now, attempts=Message.attempts + 1)
        .returning(Message.id)
    ).all()
    db.session.commit()
    return list(claimed)


def send(message: Message, now: Optional[datetime] = None) -> bool:
    """Claim and send one message; True if this call sent it."""
    now = now or utcnow()
    return _send_claimed(_claim([message.id], now), now) == 1


def _send_claimed(message_ids: list[int], now: datetime) -> int:
    """Send the messages this process claimed, one commit each; returns how many were sent.

    They are loaded at once with their appointments, and stay loaded across the commits, so
    that a message costs its own UPDATE and not a reload of everything it mentions. A
    batch that takes half the claim timeout (a slow provider) gives the rest back rather
    than let another process take them over while this one is still at work."""
    if not message_ids:
        return 0
    session = db.session()
    messages = session.scalars(select(Message).where(Message.id.in_(message_ids))
                               .order_by(Message.due_at, Message.id)).all()
    about = {m.appointment_id for m in messages if m.appointment_id is not None}
    # Held here: the session's identity map keeps only what someone refers to.
    loaded = [session.get(Organization, 1), *session.scalars(
        select(Appointment).where(Appointment.id.in_(about))
        .options(selectinload(Appointment.service), selectinload(Appointment.location)))]
    backends: dict[str, Backend] = {}
    began, sent, expire = utcnow(), 0, session.expire_on_commit
    session.expire_on_commit = False
    try:
        for done, message in enumerate(messages):
            if utcnow() - began > claim_timeout() / 2:
                _give_back([m.id for m in messages[done:]], now)
                break
            sent += _send_one(message, now, backends)
    finally:
        session.expire_on_commit = expire
        for backend in backends.values():
            getattr(backend, "close", lambda: None)()
    del loaded
    return sent


def _give_back(message_ids: list[int], claimed_at: datetime) -> None:
    db.session.execute(update(Message).where(
        Message.id.in_(message_ids), Message.status == "sending",
        Message.claimed_at == claimed_at).values(status="pending",
                                                 attempts=Message.attempts - 1))
    db.session.commit()


def _send_one(message: Message, now: datetime, backends: dict[str, Backend]) -> bool:
    if _held_back(message, now):
        db.session.commit()
        return False
    try:
        if message.channel == "sms" and optout.is_opted_out(message.recipient):
            raise Dropped(optout.OPTED_OUT)
        if message.channel not in backends:
            backends[message.channel] = backend_for(message.channel)
        backend = backends[message.channel]
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
        # Read now, not from the batch's copy: cancelled or moved a second ago counts.
        appointment = db.session.execute(
            select(Appointment.status, Appointment.starts_at)
            .where(Appointment.id == message.appointment_id)).one_or_none()
        if (appointment is None or appointment.status not in UPCOMING
                or occurrence_of(appointment.starts_at)
                != message.occurrence.partition("@")[0]):
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
    """Send the messages that are due, `limit` at most; returns how many this call sent."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Message.id).where(_claimable(now), Message.due_at <= now)
        .order_by(Message.due_at).limit(limit)).all()
    return _send_claimed(_claim(due, now), now)


_QUEUE_ROWS = insert(Message.__table__)


def queue_rows(session: Session, messages: list[dict[str, Any]]) -> None:
    """Queue messages inside the caller's open transaction with plain INSERTs, for a hot path
    that holds a write lock (the booking engine); each dict names the columns as `queue`
    takes them, and is due now unless it says otherwise."""
    now = utcnow()
    for message in messages:
        session.execute(_QUEUE_ROWS, {"due_at": now, **message})
