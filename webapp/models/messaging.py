"""The message outbox: every email and SMS, recorded before it is sent."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Message(db.Model):  # type: ignore[name-defined]
    __table_args__ = (
        # One message per appointment, kind, occurrence and channel, whatever the number of
        # processes: a moved appointment is a new occurrence (its reminders are planned again).
        UniqueConstraint("appointment_id", "kind", "occurrence", "channel",
                         name="uq_message_once"),
        Index("ix_message_due", "status", "due_at"),
        # The Messages screen lists and counts a day's messages, whatever their status.
        Index("ix_message_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE")
    )
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # Which occurrence of the appointment the message is about: its start (UTC, ISO), with
    # "@<minute>" when staff sent it by hand (send_now); "" for messages about no occurrence.
    occurrence: Mapped[str] = mapped_column(String(40), default="", server_default="")
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="fr_CA")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    backend: Mapped[Optional[str]] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SmsOptOut(db.Model):  # type: ignore[name-defined]
    """A cell number whose owner asked for no more SMS (replied STOP): the provider told us.
    Keyed by the number in E.164 (+14185550100), so every way of typing it matches."""

    __tablename__ = "sms_opt_out"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
