"""Bulk "send a reminder" / "send a follow-up" on the follow-up list's ticked rows (FUP-7),
through the same path as the scheduled messages (`communications.send_now`): the patient's
channels, the daytime window, the outbox. One transaction; a message still waiting to be
sent is not queued again, so asking twice sends once."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import dbtx
from .extensions import db
from .followup import BulkResult, _scoped
from .messaging import communications
from .messaging.window import occurrence
from .models import Appointment, Message

SENDS = {"send_reminder": "reminder_1", "send_followup": "followup"}


def _kind(action: str, appointment: Appointment) -> Optional[str]:
    """The communication this action sends about this appointment, or None if none fits."""
    if action == "send_reminder":
        return SENDS[action]
    if appointment.status == "cancelled":
        return "followup_cancelled"
    return "followup_absent" if appointment.attendance == "absent" else None


def _waiting(appointments: list[Appointment]) -> set[tuple[int, str]]:
    """(appointment, kind) pairs with a message still pending, in one query."""
    if not appointments:
        return set()
    rows = db.session.execute(select(Message.appointment_id, Message.kind, Message.occurrence)
                              .where(Message.appointment_id.in_([a.id for a in appointments]),
                                     Message.status == "pending"))
    starts = {a.id: occurrence(a) for a in appointments}
    return {(aid, kind) for aid, kind, key in rows
            if aid is not None and (key or "").startswith(starts[aid])}


def send(action: str, ids: list[int], location_scope: Optional[int],
         team_scope: Optional[set[int]], by_user: Any,
         now: Optional[datetime] = None) -> BulkResult:
    """Queue the reminder or follow-up of each ticked appointment; those without an email or
    cell phone, cancelled (reminder), past (reminder), neither absent nor cancelled
    (follow-up), already waiting, or outside the role's scope are skipped and counted."""
    if action not in SENDS:
        raise ValueError(action)
    now = now or datetime.now(UTC)
    result = BulkResult()
    with dbtx.write_transaction():
        found = _scoped(ids, location_scope, team_scope)
        result.skip("out_of_scope", len(set(ids)) - len(found))
        db.session.execute(select(Appointment).where(Appointment.id.in_([a.id for a in found]))
                           .options(selectinload(Appointment.patient))).all()
        waiting = _waiting(found)
        settings = communications.settings_by_kind()
        for appointment in found:
            kind = _kind(action, appointment)
            if action == "send_reminder" and appointment.status == "cancelled":
                result.skip("cancelled")
            elif action == "send_reminder" and appointment.starts_at < now:
                result.skip("past")
            elif kind is None:
                result.skip("not_absent")
            elif (appointment.id, kind) in waiting:
                result.skip("waiting")
            else:
                try:
                    queued = communications.send_now(appointment, kind, by_user, now=now,
                                                     commit=False, settings=settings)
                except communications.NothingToSend:
                    result.skip("no_contact")
                    continue
                if queued:
                    result.done += 1
                else:
                    result.skip("waiting")
    return result
