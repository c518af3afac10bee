"""The follow-up list's columns (FUP-4): which ones a staff member shows, kept in the
account's `preferences` so they are still chosen after signing out and in."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .models import User

# The guide's columns, in the order the list shows them.
COLUMNS: dict[str, Any] = {
    "time": _l("Time"), "number": _l("Number"), "name": _l("Name"),
    "birth_date": _l("Birth date"), "health_insurance_number": _l("Health insurance number"),
    "phone": _l("Phone"), "email": _l("Email"), "service": _l("Service"),
    "location": _l("Location"), "team": _l("Team"), "status": _l("Status"),
    "attendance": _l("Attendance"), "reminders": _l("Reminders sent"),
    "followups": _l("Follow-ups sent"), "comment": _l("Comment"),
}
DEFAULT = ("time", "number", "name", "birth_date", "phone", "service", "location", "team",
           "status", "attendance", "reminders", "followups")
PREFERENCE = "followup_columns"


class UnknownColumn(ValueError):
    """A column name the list does not have (a tampered form)."""


def chosen(user: User) -> list[str]:
    """The columns this account shows, in the list's order (the defaults until it chooses)."""
    saved = (user.preferences or {}).get(PREFERENCE)
    names = set(saved) if isinstance(saved, list) else set(DEFAULT)
    return [name for name in COLUMNS if name in names] or list(DEFAULT)


def choose(user: User, names: list[str]) -> list[str]:
    """Remember these columns for this account (the caller commits); an unknown name changes
    nothing and raises UnknownColumn. Choosing none goes back to the defaults."""
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise UnknownColumn(unknown[0][:40])
    keep = [name for name in COLUMNS if name in set(names)] or list(DEFAULT)
    # A new dict: the JSON column notices a reassignment, not an in-place change.
    user.preferences = {**(user.preferences or {}), PREFERENCE: keep}
    return keep
