"""What was sent to patients, as staff read it (COM-3, COM-4): the Messages screen's
filters, lists, counts per day and "send again"; the appointment detail shows its messages
with the same labels. Only messages about appointments are listed (never a password reset),
within the active role's location and teams."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from .. import audit
from ..extensions import db
from ..models import Appointment, Message, User, utcnow
from ..timeutil import planner_zone
from .optout import OPTED_OUT
from .timing import LABELS

STATUS_LABELS = {"pending": _l("waiting to be sent"), "sending": _l("being sent"),
                 "sent": _l("sent"), "failed": _l("failed"), "cancelled": _l("cancelled"),
                 "dropped": _l("not sent")}
# Why a message was not sent, in words (`outbox` records these reasons in English); a
# provider's own answer is shown as it came.
REASONS = {OPTED_OUT: _l("The patient opted out of SMS (replied STOP)."),
           "would arrive after the appointment": _l("It would arrive after the appointment."),
           "appointment cancelled or moved": _l("The appointment was cancelled or moved.")}
KIND_LABELS = {"confirmation": _l("Confirmation"), **LABELS, "moved": _l("New time"),
               "cancelled_by_staff": _l("Cancelled by the clinic")}
CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("SMS")}
PAGE_SIZE = 200
COUNT_DAYS = 7


class NotRetryable(Exception):
    """Only a failed message is sent again."""


@dataclass
class Filters:
    day: date
    kind: str = ""
    channel: str = ""
    status: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str]:
        values = {"day": self.day.isoformat(), "kind": self.kind, "channel": self.channel,
                  "status": self.status}
        return {k: v for k, v in values.items() if v}


def parse_filters(args: Mapping[str, str], today: date) -> Filters:
    """The URL's filters; an unknown value is ignored with a message, never an error page."""
    raw_day = str(args.get("day", "") or "").strip()
    filters = Filters(today)
    if raw_day:
        try:
            filters.day = date.fromisoformat(raw_day)
        except ValueError:
            filters.errors["day"] = _("“%(value)s” is not a date: showing today.", value=raw_day[:20])
    for name, allowed in (("kind", KIND_LABELS), ("channel", CHANNEL_LABELS),
                          ("status", STATUS_LABELS)):
        value = str(args.get(name, "") or "").strip()
        if value in allowed:
            setattr(filters, name, value)
        elif value:
            filters.errors[name] = _("Unknown filter value ignored: “%(value)s”.",
                                     value=value[:20])
    return filters


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = planner_zone()
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start, end


def _scoped(query: Any, location_id: Optional[int], team_ids: Optional[set[int]]) -> Any:
    query = query.join(Appointment, Appointment.id == Message.appointment_id)
    if location_id is not None:
        query = query.where(Appointment.location_id == location_id)
    if team_ids is not None:
        query = query.where(Appointment.team_id.in_(team_ids or {-1}))
    return query


def find(filters: Filters, location_id: Optional[int],
         team_ids: Optional[set[int]]) -> list[Message]:
    """The messages of the day (by when they are or were due), newest first."""
    start, end = _day_bounds(filters.day)
    query = _scoped(select(Message), location_id, team_ids).where(
        Message.due_at >= start, Message.due_at < end)
    for name in ("kind", "channel", "status"):
        if getattr(filters, name):
            query = query.where(getattr(Message, name) == getattr(filters, name))
    return list(db.session.scalars(query.order_by(Message.due_at.desc(), Message.id.desc())
                                   .limit(PAGE_SIZE)))


def counts_per_day(last: date, location_id: Optional[int],
                   team_ids: Optional[set[int]]) -> list[tuple[date, Counter[str]]]:
    """Messages per status for each of the days up to `last`, newest first (counted by the
    database: one query, whatever the number of messages)."""
    days = [last - timedelta(days=n) for n in range(COUNT_DAYS)]
    bounds = [_day_bounds(day) for day in days]
    # The oldest day first: the first end the message is before is its day's.
    which_day = case(*((Message.due_at < end, n)
                       for n, (_start, end) in reversed(list(enumerate(bounds)))))
    rows = db.session.execute(_scoped(
        select(which_day, Message.status, func.count()), location_id, team_ids)
        .where(Message.due_at >= bounds[-1][0], Message.due_at < bounds[0][1])
        .group_by(which_day, Message.status))
    per_day = {day: Counter[str]() for day in days}
    for n, status, count in rows:
        per_day[days[n]][status] += count
    return sorted(per_day.items(), reverse=True)


def get_visible(message_id: int, location_id: Optional[int],
                team_ids: Optional[set[int]]) -> Optional[Message]:
    """The message if it is about an appointment this role may see."""
    return db.session.scalar(_scoped(select(Message), location_id, team_ids)
                             .where(Message.id == message_id))


def reason_text(error: Optional[str]) -> str:
    """Why a message was not sent or not yet, in the reader's language when we know it."""
    if not error:
        return ""
    for known, words in REASONS.items():
        if error.startswith(known):
            return str(words)
    return error


def send_again(message: Message, by_user: Optional[User]) -> None:
    """A failed message goes back in the queue, due now, with its attempts reset."""
    if message.status != "failed":
        raise NotRetryable()
    audit.record("message.sent_again", message, by_user.id if by_user else None,
                 kind=message.kind, error=message.last_error)
    message.status, message.attempts, message.due_at = "pending", 0, utcnow()
    message.claimed_at = None
