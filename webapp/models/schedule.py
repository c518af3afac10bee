"""Time blocks and the slots they materialise."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Table,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organization import Location, Service, Team
from .types import UTCDateTime, utcnow

block_service = Table(
    "block_service", db.metadata,
    Column("block_id", ForeignKey("schedule_block.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class ScheduleBlock(db.Model):  # type: ignore[name-defined]
    """A time block: one team at one location on one day, from a start to an end time."""

    __table_args__ = (
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("per_slot_capacity > 0", name="capacity_positive"),
        Index("ix_schedule_block_location_day", "location_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)  # wall-clock, planner's time zone
    end_time: Mapped[time] = mapped_column(Time)
    per_slot_capacity: Mapped[int] = mapped_column(Integer, default=1)
    online_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by every change; an edit made from an older copy of the block is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    location: Mapped[Location] = relationship()
    team: Mapped[Team] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=block_service)
    slots: Mapped[list[Slot]] = relationship(
        back_populates="block", order_by="Slot.starts_at", cascade="all, delete-orphan"
    )

    # The UPDATE of a block names the version it read: a concurrent change makes it fail.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class Slot(db.Model):  # type: ignore[name-defined]
    """One start time of a block with its capacity and the places taken.

    Booking is `UPDATE slot SET booked = booked + 1 WHERE id = ? AND booked < capacity`;
    the check constraint makes the database itself refuse an overbooking.
    """

    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        Index("ix_slot_location_starts", "location_id", "starts_at"),
        # Covers the statistics' capacity queries, grouped by day, location and team.
        Index("ix_slot_day_stats", "day", "location_id", "team_id", "block_id", "capacity",
              "booked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("schedule_block.id", ondelete="CASCADE"),
                                          index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    day: Mapped[date] = mapped_column(Date)  # local date, for day queries
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    online_open: Mapped[bool] = mapped_column(Boolean, default=True)

    block: Mapped[ScheduleBlock] = relationship(back_populates="slots")

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked
