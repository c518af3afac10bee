"""When an automated communication goes out, in words a pharmacist reads (CFG-6, §2.5).

A reminder N hours before an appointment goes out at the appointment's time of day only when
N is a multiple of 24; otherwise at another hour, possibly in the night ("12 h before an
appointment at 15:00 is 03:00"). Sends are held to a daytime window (COM-4), so such a
message would also arrive later than planned.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Optional

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..formatting import time_of_day

KINDS = ("reminder_1", "reminder_2", "followup_absent", "followup_cancelled")
BEFORE = frozenset({"reminder_1", "reminder_2"})
LABELS = {
    "reminder_1": _l("First reminder"),
    "reminder_2": _l("Second reminder"),
    "followup_absent": _l("Follow-up after an absence"),
    "followup_cancelled": _l("Follow-up after a cancellation"),
}
DESCRIPTIONS = {
    "reminder_1": _l("Reminds the patient of the appointment and asks to confirm it."),
    "reminder_2": _l("A second reminder, closer to the appointment."),
    "followup_absent": _l("Sent when an appointment is marked absent: invites the patient to "
                          "book again."),
    "followup_cancelled": _l("Sent when an appointment is cancelled, by the patient or by "
                             "staff: invites the patient to book again."),
}
# Appointment times a pharmacy typically gives, used as examples (the guide's 15:00 first).
EXAMPLES = (time(15), time(9), time(12), time(19))
DEFAULT_WINDOW = (8, 21)


@dataclass(frozen=True)
class Hint:
    level: str  # "ok", "info" or "warn"
    text: str


def send_window() -> tuple[int, int]:
    """The daytime hours (start, end), both included, within which messages are sent (COM-4)."""
    config = current_app.config
    return (int(config.get("SEND_WINDOW_START", DEFAULT_WINDOW[0])),
            int(config.get("SEND_WINDOW_END", DEFAULT_WINDOW[1])))


def clock(hour: int) -> str:
    """15 -> "15 h 00" in French, "3:00 p.m." in English."""
    return time_of_day(time(hour))


def delay_text(kind: str, hours: int) -> str:
    if kind in BEFORE:
        return _("%(hours)s hours before the appointment", hours=hours)
    if kind == "followup_cancelled":
        return _("%(hours)s hours after the cancellation", hours=hours)
    return _("%(hours)s hours after the appointment", hours=hours)


def send_hour(kind: str, event_hour: int, hours: int) -> int:
    return (event_hour - hours) % 24 if kind in BEFORE else (event_hour + hours) % 24


def timing_hint(kind: str, hours: Optional[int]) -> Optional[Hint]:
    """What a delay means for the time of day a message goes out."""
    if not hours or hours < 1:
        return None
    start, end = send_window()
    if hours % 24 == 0:
        if kind in BEFORE:
            return Hint("ok", _("Sent at the same time of day as the appointment."))
        if hours == 24:
            return Hint("ok", _("Sent the next day, at the same time of day."))
        return Hint("ok", _("Sent %(days)s days later, at the same time of day.",
                            days=hours // 24))
    for example in EXAMPLES:
        sent = send_hour(kind, example.hour, hours)
        if not start <= sent <= end:
            return Hint("warn", " ".join((_example(kind, hours, example.hour, sent), _(
                "That is outside the daytime sending hours (%(start)s to %(end)s): the message "
                "waits until %(start)s and arrives later than planned.", start=clock(start),
                end=clock(end)), _(
                "Choose a multiple of 24 hours (24, 48, 72) to send at the same time of day "
                "as the appointment."))))
    return Hint("info", " ".join((_example(kind, hours, EXAMPLES[0].hour,
                                           send_hour(kind, EXAMPLES[0].hour, hours)), _(
        "A multiple of 24 hours (24, 48, 72) sends at the same time of day."))))


def _example(kind: str, hours: int, event_hour: int, sent: int) -> str:
    if kind in BEFORE:
        return _("A reminder %(hours)s hours before an appointment at %(at)s goes out at "
                 "%(sent)s.", hours=hours, at=clock(event_hour), sent=clock(sent))
    if kind == "followup_cancelled":
        return _("A follow-up %(hours)s hours after a cancellation at %(at)s goes out at "
                 "%(sent)s.", hours=hours, at=clock(event_hour), sent=clock(sent))
    return _("A follow-up %(hours)s hours after an appointment at %(at)s goes out at "
             "%(sent)s.", hours=hours, at=clock(event_hour), sent=clock(sent))
