"""The statements that take and free places, shared by booking, holds and moves.

Internal to the booking engine (`webapp.booking` is the module callers use).
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, messaging
from ..dbtx import lock_keys
from ..models import Appointment, AuditLog, Location, Message, Patient, Service, Slot, utcnow
from . import confirmations
from .checks import Request, find_duplicate
from .errors import DuplicatePerson

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


# Hot-path statements are built once: building and hashing a statement costs more than
# running it. Bind names start with "p_" so they never collide with a column name.
_SLOT = Slot.__table__
_TAKE = (update(_SLOT).where(_SLOT.c.id == bindparam("p_slot"), _SLOT.c.booked < _SLOT.c.capacity)
         .values(booked=_SLOT.c.booked + 1))
_FREE = (update(_SLOT).where(_SLOT.c.id == bindparam("p_slot"), _SLOT.c.booked > 0)
         .values(booked=_SLOT.c.booked - 1))
_NEW_PATIENT = insert(Patient.__table__).returning(Patient.__table__.c.id)
_NEW_APPOINTMENT = insert(Appointment.__table__).returning(Appointment.__table__.c.id)
_NEW_MESSAGE = insert(Message.__table__)
_NEW_AUDIT = insert(AuditLog.__table__)


def take_place(session: Session, slot_id: int) -> bool:
    """`UPDATE slot SET booked = booked + 1 WHERE id = ? AND booked < capacity`: one place,
    atomically, or False when the slot is full."""
    result = session.execute(_TAKE, {"p_slot": slot_id})
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def free_place(session: Session, slot_id: int) -> None:
    result = session.execute(_FREE, {"p_slot": slot_id})
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


def insert_booking(session: Session, patient: dict[str, Any], appointment: dict[str, Any],
                   drafts: list[confirmations.Draft],
                   audits: list[tuple[str, dict[str, Any]]]) -> int:
    """Write the patient, the appointment (given `patient_id` here), its messages and audit
    entries: plain INSERTs (the ORM's unit of work would double the time the lock is held)."""
    appointment["patient_id"] = session.execute(_NEW_PATIENT, patient).scalar_one()
    appointment_id = session.execute(_NEW_APPOINTMENT, appointment).scalar_one()
    now = utcnow()
    for draft in drafts:
        session.execute(_NEW_MESSAGE, {
            "kind": confirmations.KIND, "channel": draft.channel, "recipient": draft.recipient,
            "body": draft.body, "subject": draft.subject, "language": appointment["language"],
            "appointment_id": appointment_id, "due_at": now})
    for action, details in audits:
        entry = audit.values(action, None, details.pop("user_id", None), **details)
        entry.update(object_type="Appointment", object_id=appointment_id)
        session.execute(_NEW_AUDIT, entry)
    return appointment_id


def drafts_for(request: Request, coupon: str, token: str, service: Service,
               location: Location, starts_at: datetime, send_email: bool,
               send_sms: bool) -> list[confirmations.Draft]:
    data = request.data
    return confirmations.drafts(
        coupon=coupon, patient_name=f"{data.first_name} {data.last_name}".strip(),
        email=data.email, cell_phone=data.cell_phone, send_email=send_email,
        send_sms=send_sms, language=request.language, service=service, location=location,
        starts_at=starts_at, link=confirmations.patient_link(token))


def guard_duplicate(session: Session, service_id: int, request: Request, now: datetime,
                     exclude_id: Optional[int] = None) -> Optional[int]:
    """The id of the same person's upcoming appointment for this service, if staff gave a
    reason to book another; raises DuplicatePerson if no reason was given."""
    lock_keys(session, request.person_keys)
    existing = find_duplicate(service_id, request, now, exclude_id)
    if existing is not None and not request.override:
        raise DuplicatePerson(session.get(Appointment, existing))
    return existing
