"""Caps on what one internet address or one person does online (issue 13, PUB-5).

A bot at one address used to hold 30 places a minute. Now, online:
- one browser session has one hold at a time (the public view releases the previous one);
- one address holds at most `PUBLIC_HOLDS_PER_ADDRESS` places at once;
- one address books at most `PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY` appointments in 24 hours,
  one person (name and birth date) at most `PUBLIC_BOOKINGS_PER_PERSON_PER_DAY`;
- an address that booked `PUBLIC_BOOKINGS_ALERT_PER_ADDRESS` or more in a day is shown to
  staff on the Messages screen (`busy_addresses`).
The caps count, they do not block a normal family behind one address: the defaults leave
room for several people booking several services. Staff bookings are never capped. Each
check is one indexed query (`ix_appointment_client`, `Patient.identity_key`).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Appointment, Patient, Status
from ..timeutil import planner_zone
from .errors import TooManyBookings, TooManyHolds

DAY = timedelta(days=1)
BOOKED = (Status.BOOKED.value, Status.CONFIRMED.value)


def client_key(address: Optional[str]) -> Optional[str]:
    """A keyed hash of an internet address (the address itself is not kept)."""
    if not address:
        return None
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def _setting(name: str) -> int:
    return int(current_app.config[name])


# The counts, built once (SQLAlchemy keeps each statement's cache key on it).
_HOLDS = select(func.count()).select_from(Appointment).where(
    Appointment.client_key == bindparam("p_key"), Appointment.created_at > bindparam("p_since"),
    Appointment.status == Status.HELD.value, Appointment.hold_expires_at > bindparam("p_now"))
_ADDRESS_BOOKINGS = select(func.count()).select_from(Appointment).where(
    Appointment.client_key == bindparam("p_key"), Appointment.created_at > bindparam("p_since"),
    Appointment.status.in_(BOOKED))
_PERSON_BOOKINGS = (
    select(func.count()).select_from(Appointment).join(Patient)
    .where(Patient.identity_key == bindparam("p_key"), Appointment.online.is_(True),
           Appointment.created_at > bindparam("p_since"), Appointment.status.in_(BOOKED)))


def check_holds(session: Session, key: str, now: datetime) -> None:
    """Raise TooManyHolds when this address already holds its share of places (counted in
    the hold's own write transaction, so simultaneous requests cannot pass it together)."""
    held = session.scalar(_HOLDS, {"p_key": key, "p_since": now - DAY, "p_now": now})
    if (held or 0) >= _setting("PUBLIC_HOLDS_PER_ADDRESS"):
        raise TooManyHolds()


def check_address_bookings(key: str, now: datetime) -> None:
    """Raise TooManyBookings when this address booked its share in the last 24 hours."""
    booked = db.session.scalar(_ADDRESS_BOOKINGS, {"p_key": key, "p_since": now - DAY})
    if (booked or 0) >= _setting("PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY"):
        raise TooManyBookings()


def check_person_bookings(identity: Optional[str], now: datetime) -> None:
    """Raise TooManyBookings when this person booked their share online in 24 hours."""
    if not identity:
        return
    booked = db.session.scalar(_PERSON_BOOKINGS, {"p_key": identity, "p_since": now - DAY})
    if (booked or 0) >= _setting("PUBLIC_BOOKINGS_PER_PERSON_PER_DAY"):
        raise TooManyBookings()


@dataclass(frozen=True)
class BusyAddress:
    """Appointments one address booked online on a day, more than usual."""

    count: int
    appointments: list[Appointment]


def busy_addresses(day: date, location_id: Optional[int] = None,
                   team_ids: Optional[set[int]] = None) -> list[BusyAddress]:
    """The addresses that booked `PUBLIC_BOOKINGS_ALERT_PER_ADDRESS` or more appointments
    online on `day` (planner's time zone), most first, with their appointments (within a
    role's location and teams)."""
    zone = planner_zone()
    start = datetime.combine(day, time(), zone)
    query = (select(Appointment.client_key, func.count())
             .where(Appointment.client_key.is_not(None), Appointment.created_at >= start,
                    Appointment.created_at < start + DAY, Appointment.status.in_(BOOKED))
             .group_by(Appointment.client_key)
             .having(func.count() >= _setting("PUBLIC_BOOKINGS_ALERT_PER_ADDRESS")))
    scope = []
    if location_id is not None:
        scope.append(Appointment.location_id == location_id)
    if team_ids is not None:
        scope.append(Appointment.team_id.in_(team_ids))
    busy = sorted(db.session.execute(query.where(*scope)).all(), key=lambda row: -row[1])
    if not busy:
        return []
    rows = db.session.scalars(
        select(Appointment).where(Appointment.client_key.in_([key for key, _ in busy]),
                                  Appointment.created_at >= start,
                                  Appointment.created_at < start + DAY,
                                  Appointment.status.in_(BOOKED), *scope)
        .order_by(Appointment.starts_at)).all()
    return [BusyAddress(count, [a for a in rows if a.client_key == key]) for key, count in busy]
