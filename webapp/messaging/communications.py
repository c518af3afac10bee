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

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, time, timedelta
from typing import Any, Optional

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, false, func, or_, select
from sqlalchemy.orm import aliased, selectinload

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
# Appointments loaded, and messages inserted, at a time.
CHUNK = 500
# Length of an occurrence key ("2026-12-05T14:00+00:00"); send_now adds "@<minute>".
OCCURRENCE_LENGTH = 22


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
    """Insert messages in one statement, skipping any whose key another process queued
    first; returns how many were inserted."""
    if not rows:
        return 0
    statement = insert_or_skip(Message.__table__).returning(Message.__table__.c.id)
    return len(db.session.execute(statement, rows).all())


def _occurrence_sql() -> ColumnElement[str]:
    """`window.occurrence` written by the database, so that what is already queued is
    found in SQL rather than by loading every upcoming appointment at each tick."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(Appointment.starts_at, 'YYYY-MM-DD"T"HH24:MI"+00:00"')
    return func.strftime("%Y-%m-%dT%H:%M+00:00", Appointment.starts_at)


def _told(kinds: Iterable[str], same_occurrence: bool = True) -> ColumnElement[bool]:
    """A message of these kinds about the appointment exists, about its current occurrence
    (planned, not sent by hand: those carry "@<minute>") or, if not `same_occurrence`,
    about an earlier one."""
    occurrence_now = _occurrence_sql()
    about = (Message.occurrence == occurrence_now if same_occurrence else
             (Message.occurrence != "")
             & (func.substr(Message.occurrence, 1, OCCURRENCE_LENGTH) != occurrence_now))
    return exists().where(Message.appointment_id == Appointment.id,
                          Message.kind.in_(list(kinds)), about)


def _hours_ahead(hours: int) -> ColumnElement[bool]:
    """The appointment was booked at least `hours` before its start."""
    if db.session.get_bind().dialect.name == "postgresql":
        return Appointment.starts_at - Appointment.created_at >= timedelta(hours=hours)
    return (func.julianday(Appointment.starts_at) - func.julianday(Appointment.created_at)
            >= hours / 24 - 1e-9)


def _reachable(by_email: bool = True, by_sms: bool = True) -> ColumnElement[bool]:
    """The patient gave an email or a cell phone, and asked for messages by it."""
    ways: list[ColumnElement[bool]] = [false()]
    if by_email:
        ways.append(Appointment.send_email.is_(True) & (func.coalesce(Patient.email, "") != ""))
    if by_sms:
        ways.append(Appointment.send_sms.is_(True)
                    & (func.coalesce(Patient.cell_phone, "") != ""))
    return or_(*ways)


def _candidates(*where: Any) -> Iterator[Sequence[Appointment]]:
    """The appointments to write to, by chunks loaded with what the messages say."""
    ids = db.session.scalars(select(Appointment.id).join(Appointment.patient).where(*where)
                             .order_by(Appointment.id)).all()
    for first in range(0, len(ids), CHUNK):
        yield db.session.scalars(
            select(Appointment).where(Appointment.id.in_(ids[first:first + CHUNK]))
            .order_by(Appointment.id)
            .options(selectinload(Appointment.patient), selectinload(Appointment.service),
                     selectinload(Appointment.location))).all()


def _plan_reminder(setting: CommunicationSetting, now: datetime) -> int:
    ahead = timedelta(hours=setting.hours)
    opens, count = next_open(now), 0
    for chunk in _candidates(Appointment.status.in_(UPCOMING), Appointment.starts_at > now,
                             Appointment.starts_at <= now + ahead,
                             # Booked after the reminder's time: the confirmation said it all.
                             _hours_ahead(setting.hours),
                             _reachable(setting.by_email, setting.by_sms),
                             ~_told([setting.kind])):
        rows = []
        for appointment in chunk:
            key = occurrence(appointment)
            pairs = channels(appointment, setting.by_email, setting.by_sms)
            if opens >= appointment.starts_at:
                rows += _rows(appointment, setting.kind, key, pairs, opens, "dropped",
                              "would arrive after the appointment")
            else:
                rows += _rows(appointment, setting.kind, key, pairs, opens)
        count += _insert_once(rows)
        # A short write each chunk: bookings never wait long for SQLite's write lock.
        db.session.commit()
    return count


def _plan_followup(setting: CommunicationSetting, now: datetime) -> int:
    delay = timedelta(hours=setting.hours)
    if setting.kind == "followup_absent":
        when = (Appointment.attendance == "absent", Appointment.starts_at <= now - delay,
                Appointment.starts_at > now - delay - LOOKBACK)
    else:
        when = (Appointment.status == Status.CANCELLED.value,
                Appointment.cancelled_at <= now - delay,
                Appointment.cancelled_at > now - delay - LOOKBACK)
    # Whoever booked again (the same person, however the name was typed) is not asked to.
    again = aliased(Appointment)
    booked_again = exists().where(again.patient_id == Patient.id).where(
        again.status.in_(UPCOMING), again.starts_at > now)
    same_person = aliased(Patient)
    rebooked = exists().where(same_person.identity_key == Patient.identity_key,
                              again.patient_id == same_person.id,
                              again.status.in_(UPCOMING), again.starts_at > now)
    opens, count = next_open(now), 0
    for chunk in _candidates(*when, _reachable(setting.by_email, setting.by_sms),
                             ~_told([setting.kind]), ~booked_again, ~rebooked):
        rows = []
        for appointment in chunk:
            pairs = channels(appointment, setting.by_email, setting.by_sms)
            rows += _rows(appointment, setting.kind, occurrence(appointment), pairs, opens)
        count += _insert_once(rows)
        db.session.commit()
    return count


def _plan_moved(now: datetime) -> int:
    """Tell the patient the new time of an appointment staff moved (a new occurrence)."""
    opens, count = next_open(now), 0
    for chunk in _candidates(Appointment.status.in_(UPCOMING), Appointment.starts_at > now,
                             Appointment.updated_at > now - LOOKBACK, _reachable(),
                             _told(("confirmation", MOVED, *BEFORE), same_occurrence=False),
                             ~_told([MOVED])):
        rows = []
        for appointment in chunk:
            rows += _rows(appointment, MOVED, occurrence(appointment), channels(appointment),
                          opens)
        count += _insert_once(rows)
        db.session.commit()
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


def settings_by_kind() -> dict[str, CommunicationSetting]:
    """Every kind's setting (one query), for a caller sending about many appointments."""
    return {s.kind: s for s in db.session.scalars(select(CommunicationSetting))}


def send_now(appointment: Appointment, kind: str, by_user: Optional[User],
             now: Optional[datetime] = None, commit: bool = True,
             settings: Optional[dict[str, CommunicationSetting]] = None) -> int:
    """Queue a reminder or a follow-up about this appointment now, by the channels of its
    setting (the follow-up list's bulk actions); it still waits for the daytime window.
    Returns how many messages were queued; twice in the same minute queues them once.
    `commit=False` leaves the commit to a caller sending many in one transaction, which
    passes the `settings_by_kind()` it read once."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = now or utcnow()
    setting = (settings.get(kind) if settings is not None else db.session.scalar(
        select(CommunicationSetting).where(CommunicationSetting.kind == kind)))
    pairs = channels(appointment, setting.by_email if setting else True,
                     setting.by_sms if setting else True)
    if not pairs:
        raise NothingToSend()
    key = f"{occurrence(appointment)}@{now:%Y%m%d%H%M}"
    count = _insert_once(_rows(appointment, kind, key, pairs, next_open(now)))
    if count:
        audit.record("message.sent_now", appointment, by_user.id if by_user else None, kind=kind)
    if commit:
        db.session.commit()
    return count
