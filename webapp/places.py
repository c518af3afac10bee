"""The statements that take and free places, shared by booking, holds and moves.

Internal to the booking engine (`webapp.booking` is the module callers use).
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import confirmations, messaging
from .booking_checks import Request, find_duplicate
from .booking_errors import DuplicatePerson
from .dbtx import lock_keys
from .models import Appointment, Location, Service, Slot

log = logging.getLogger("webapp.booking")

COUPON_ALPHABET = "ACDEFHJKMNPRTWXY3479"  # no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V
COUPON_LENGTH = 6
ATTEMPTS = 5  # a new coupon after a (rare) collision


class Full(Exception):
    """Internal: the conditional update found no place; the transaction is rolled back."""


class Changed(Exception):
    """Internal: the appointment changed under us; the transaction is rolled back."""


def new_coupon() -> str:
    return "".join(secrets.choice(COUPON_ALPHABET) for _ in range(COUPON_LENGTH))


def new_token() -> str:
    """128 random bits for the patient's confirm/cancel/modify links (22 characters)."""
    return secrets.token_urlsafe(16)


def take_place(session: Session, slot_id: int) -> bool:
    result = session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def free_place(session: Session, slot_id: int) -> None:
    result = session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        log.error("slot %s had no booked place to free", slot_id)


def set_appointment(session: Session, appointment_id: int, *conditions: Any,
                     **values: Any) -> int:
    result = session.execute(
        update(Appointment).where(Appointment.id == appointment_id, *conditions)
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def is_collision(error: IntegrityError) -> bool:
    text = str(error.orig)
    return "coupon" in text or "token" in text


def queue_confirmations(drafts: list[confirmations.Draft], appointment_id: int,
                         language: str) -> None:
    for draft in drafts:
        messaging.queue(confirmations.KIND, draft.channel, draft.recipient, draft.body,
                        subject=draft.subject, language=language,
                        appointment_id=appointment_id)


def drafts_for(request: Request, coupon: str, service: Service, location: Location,
            starts_at: datetime, send_email: bool, send_sms: bool) -> list[confirmations.Draft]:
    data = request.data
    return confirmations.drafts(
        coupon=coupon, patient_name=f"{data.first_name} {data.last_name}".strip(),
        email=data.email, cell_phone=data.cell_phone, send_email=send_email,
        send_sms=send_sms, language=request.language, service=service, location=location,
        starts_at=starts_at)


def guard_duplicate(session: Session, service_id: int, request: Request, now: datetime,
                     exclude_id: Optional[int] = None) -> Optional[Appointment]:
    lock_keys(session, request.person_keys)
    existing = find_duplicate(service_id, request, now, exclude_id)
    if existing is not None and not request.override:
        raise DuplicatePerson(existing)
    return existing
