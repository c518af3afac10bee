"""Failures are retried with a growing delay, then shown as "failed" with the reason."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.extensions import db
from webapp.messaging import outbox, queue, send

NOON = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 12:00 in Toronto


class Refusing:
    name = "refusing"
    error: Exception = OSError("connection refused")

    def deliver(self, message) -> None:
        raise self.error


@pytest.fixture
def refusing(app, monkeypatch):
    monkeypatch.setitem(outbox.EMAIL_BACKENDS, "refusing", Refusing)
    app.config["MAIL_BACKEND"] = "refusing"
    return Refusing


def test_retried_with_backoff_then_failed_with_the_reason(refusing):
    message = queue("reminder_1", "email", "a@example.org", "Hi", due_at=NOON)
    db.session.commit()
    now, waits = NOON, []
    for _ in range(outbox.MAX_ATTEMPTS):
        assert send(message, now) is False
        if message.status == "pending":
            waits.append(message.due_at - now)
            now = message.due_at
    assert waits == list(outbox.BACKOFF)
    assert message.status == "failed"
    assert message.last_error == "connection refused"
    assert message.attempts == outbox.MAX_ATTEMPTS


def test_permanent_refusal_fails_at_once(refusing, monkeypatch):
    monkeypatch.setattr(Refusing, "error", outbox.PermanentFailure("550 no such user"))
    message = queue("confirmation", "email", "nobody@example.org", "Hi", due_at=NOON)
    db.session.commit()
    assert send(message, NOON) is False
    assert (message.status, message.last_error, message.attempts) == (
        "failed", "550 no such user", 1)


def test_rate_limited_waits_as_the_provider_asks(refusing, monkeypatch):
    monkeypatch.setattr(Refusing, "error", outbox.RetryLater("429 Too Many Requests", 30))
    message = queue("confirmation", "sms", "+14185550100", "Hi", due_at=NOON)
    db.session.commit()
    monkeypatch.setitem(outbox.SMS_BACKENDS, "outbox", Refusing)
    assert send(message, NOON) is False
    assert message.status == "pending"
    assert message.due_at == NOON + timedelta(seconds=30)
