"""Reminders, follow-ups and move notices planned by a job that scans (COM-2, CFG-6, §2.5).

No caller needs a hook: every minute `plan` looks at the appointments, the four
CommunicationSetting rows and the messages already queued, and queues what is due, once.
A message's key is (appointment, kind, occurrence, channel) with the appointment's start as
its occurrence: a moved appointment is a new occurrence, so its reminders are planned again,
and the old occurrence's queued ones are cancelled when their turn comes (`outbox.send`).
Scheduled messages wait for the daytime window; a reminder that would then arrive after the
appointment is recorded as "dropped".
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from typing import Any, Optional

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..booking.confirmations import Draft, message_context, render_text
from ..dbtx import insert_or_skip
from ..extensions import db
from ..models import (
    Appointment,
    CommunicationSetting,
    Location,
    Message,
    Patient,
    Service,
    Status,
    User,
    utcnow,
)
from ..timeutil import local_today, planner_zone
from ..web import external_url
from .gsm import to_gsm7
from .timing import BEFORE, KINDS
from .window import MOVED, UPCOMING, next_open, occurrence

# A follow-up whose time passed longer ago than this is not sent any more (a setting switched
# on today does not write to everyone who cancelled last month).
LOOKBACK = timedelta(hours=48)


class NothingToSend(Exception):
    """`send_now` found no channel: the patient gave no email or cell phone for messages."""


def channels(appointment: Appointment, by_email: bool = True,
             by_sms: bool = True) -> list[tuple[str, str]]:
    """(channel, recipient) pairs the patient gave and asked messages by."""
    patient, found = appointment.patient, []
    if by_email and appointment.send_email and patient.email:
        found.append(("email", patient.email))
    if by_sms and appointment.send_sms and patient.cell_phone:
        found.append(("sms", patient.cell_phone))
    return found


def drafts(appointment: Appointment, kind: str,
           pairs: Iterable[tuple[str, str]]) -> list[Draft]:
    """The messages of one kind about one appointment, in the patient's language."""
    language = appointment.language if appointment.language in ("fr_CA", "en") else "fr_CA"
    template = "reminder" if kind in BEFORE else "moved" if kind == MOVED else "followup"
    with force_locale(language):
        context: dict[str, Any] = message_context(
            coupon=appointment.coupon, token=appointment.token,
            patient_name=appointment.patient.full_name, service=appointment.service,
            location=appointment.location, starts_at=appointment.starts_at,
            language=language)
        context.update(kind=kind, book_link=external_url("public.home"))
        subject = {
            "reminder_1": _("Reminder: your appointment %(coupon)s", coupon=appointment.coupon),
            "reminder_2": _("Reminder: your appointment %(coupon)s", coupon=appointment.coupon),
            MOVED: _("Your appointment %(coupon)s has a new time", coupon=appointment.coupon),
        }.get(kind, _("Book another appointment"))
        made = []
        for channel, recipient in pairs:
            body = render_text(f"{channel}/{template}.txt", context)
            made.append(Draft(channel, recipient, subject if channel == "email" else "",
                              to_gsm7(body) if channel == "sms" else body))
        return made


def _rows(appointment: Appointment, kind: str, key: str, pairs: list[tuple[str, str]],
          due_at: datetime, status: str = "pending", reason: Optional[str] = None,
          ) -> list[dict[str, Any]]:
    return [dict(appointment_id=appointment.id, kind=kind, occurrence=key,
                 channel=d.channel, recipient=d.recipient, subject=d.subject, body=d.body,
                 language=appointment.language, due_at=due_at, status=status,
                 last_error=reason, created_at=utcnow())
            for d in drafts(appointment, kind, pairs)]


def _insert_once(rows: list[dict[str, Any]]) -> int:
    """Insert messages, skipping any whose key another process queued first."""
    if not rows:
        return 0
    statement = insert_or_skip(Message.__table__)
    return sum(db.session.execute(statement, row).rowcount  # type: ignore[attr-defined]
               for row in rows)


def _queued(appointment_ids: Sequence[int], kinds: Iterable[str]) -> set[tuple[int, str, str]]:
    if not appointment_ids:
        return set()
    found = db.session.execute(
        select(Message.appointment_id, Message.kind, Message.occurrence)
        .where(Message.appointment_id.in_(appointment_ids), Message.kind.in_(list(kinds))))
    return {(a, k, o) for a, k, o in found if a is not None}


def _candidates(*where: Any) -> Sequence[Appointment]:
    return db.session.scalars(
        select(Appointment).where(*where)
        .options(selectinload(Appointment.patient), selectinload(Appointment.service),
                 selectinload(Appointment.location))).all()


def _plan_reminder(setting: CommunicationSetting, now: datetime) -> int:
    ahead = timedelta(hours=setting.hours)
    found = [a for a in _candidates(Appointment.status.in_(UPCOMING),
                                    Appointment.starts_at > now,
                                    Appointment.starts_at <= now + ahead)
             # Booked after the reminder's time: the confirmation just said it all.
             if a.created_at <= a.starts_at - ahead]
    done = _queued([a.id for a in found], [setting.kind])
    opens, count = next_open(now), 0
    for appointment in found:
        key = occurrence(appointment)
        pairs = channels(appointment, setting.by_email, setting.by_sms)
        if (appointment.id, setting.kind, key) in done or not pairs:
            continue
        if opens >= appointment.starts_at:
            count += _insert_once(_rows(appointment, setting.kind, key, pairs, opens,
                                        "dropped", "would arrive after the appointment"))
        else:
            count += _insert_once(_rows(appointment, setting.kind, key, pairs, opens))
    return count


def _plan_followup(setting: CommunicationSetting, now: datetime) -> int:
    delay = timedelta(hours=setting.hours)
    if setting.kind == "followup_absent":
        found = _candidates(Appointment.attendance == "absent",
                            Appointment.starts_at <= now - delay,
                            Appointment.starts_at > now - delay - LOOKBACK)
    else:
        found = _candidates(Appointment.status == Status.CANCELLED.value,
                            Appointment.cancelled_at <= now - delay,
                            Appointment.cancelled_at > now - delay - LOOKBACK)
    done = _queued([a.id for a in found], [setting.kind])
    # Whoever booked again (the same person, however the name was typed) is not asked to.
    rebooked = set(db.session.scalars(
        select(Patient.identity_key).join(Appointment.patient).where(
            Patient.identity_key.in_({a.patient.identity_key for a in found}),
            Appointment.status.in_(UPCOMING), Appointment.starts_at > now)))
    opens, count = next_open(now), 0
    for appointment in found:
        key = occurrence(appointment)
        pairs = channels(appointment, setting.by_email, setting.by_sms)
        if (appointment.id, setting.kind, key) in done or not pairs \
                or appointment.patient.identity_key in rebooked:
            continue
        count += _insert_once(_rows(appointment, setting.kind, key, pairs, opens))
    return count


def _plan_moved(now: datetime) -> int:
    """Tell the patient the new time of an appointment staff moved (a new occurrence)."""
    found = _candidates(Appointment.status.in_(UPCOMING), Appointment.starts_at > now,
                        Appointment.updated_at > now - LOOKBACK)
    told = _queued([a.id for a in found], ("confirmation", MOVED, *BEFORE))
    opens, count = next_open(now), 0
    for appointment in found:
        key = occurrence(appointment)
        earlier = {o for a, _k, o in told if a == appointment.id}
        if not earlier - {key, ""} or (appointment.id, MOVED, key) in told:
            continue
        pairs = channels(appointment)
        if pairs:
            count += _insert_once(_rows(appointment, MOVED, key, pairs, opens))
    return count


def plan(now: Optional[datetime] = None) -> int:
    """Queue every reminder, follow-up and move notice now due; returns how many (job)."""
    now = now or utcnow()
    settings = db.session.scalars(
        select(CommunicationSetting).where(CommunicationSetting.active.is_(True),
                                           CommunicationSetting.kind.in_(KINDS))).all()
    count = _plan_moved(now)
    for setting in settings:
        if setting.hours < 0:
            continue
        plan_one = _plan_reminder if setting.kind in BEFORE else _plan_followup
        count += plan_one(setting, now)
    db.session.commit()
    return count


def sample_sms(kind: str, language: str) -> Optional[str]:
    """The SMS of this kind as a patient would get it, for an example appointment at the
    first location and service (the Communications tab counts its characters); None
    before a location and a service exist."""
    service = db.session.scalar(select(Service).order_by(Service.position, Service.id))
    location = db.session.scalar(select(Location).order_by(Location.position, Location.id))
    if service is None or location is None:
        return None
    starts_at = datetime.combine(local_today() + timedelta(days=2), time(15),
                                 tzinfo=planner_zone())
    sample = Appointment(coupon="ABC123", token="x" * 43, service=service, location=location,
                         starts_at=starts_at, language=language,
                         patient=Patient(first_name="Marie", last_name="Tremblay"))
    # Never added to the session: nothing is written.
    return drafts(sample, kind, [("sms", "")])[0].body


def send_now(appointment: Appointment, kind: str, by_user: Optional[User],
             now: Optional[datetime] = None) -> int:
    """Queue a reminder or a follow-up about this appointment now, by the channels of its
    setting (the follow-up list's bulk actions); it still waits for the daytime window.
    Returns how many messages were queued; twice in the same minute queues them once."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = now or utcnow()
    setting = db.session.scalar(select(CommunicationSetting).where(
        CommunicationSetting.kind == kind))
    pairs = channels(appointment, setting.by_email if setting else True,
                     setting.by_sms if setting else True)
    if not pairs:
        raise NothingToSend()
    key = f"{occurrence(appointment)}@{now:%Y%m%d%H%M}"
    count = _insert_once(_rows(appointment, kind, key, pairs, next_open(now)))
    if count:
        audit.record("message.sent_now", appointment, by_user.id if by_user else None, kind=kind)
    db.session.commit()
    return count
