"""Ids, numbers and dates read from query strings and forms, parsed one way.

Every view reads request values through these: a value a person could not have sent from
our pages (superscript digits, 5,000-digit ids, year 9999) reads as None, never as an
exception deep in a query or a date calculation (issue 13: no 500 on any input).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Optional

# The largest id either database holds in an INTEGER column; the URL converter uses it too.
MAX_ID = 2**31 - 1
# Dates the planner works with: any birth date, and schedules a few years either way.
# Far enough from date.min/max that a week or a month around them never overflows.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
# Schedules: a block is created within this many years of today.
BLOCK_YEARS = 5

_DIGITS = re.compile(r"[0-9]{1,10}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def to_int(value: Any, low: int = 0, high: int = MAX_ID) -> Optional[int]:
    """A whole number written in ASCII digits within [low, high], or None. (`isdigit()`
    accepts "²" and "١", which int() then refuses or reads as another number.)"""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if low <= value <= high else None
    text = str(value if value is not None else "").strip()
    negative = text.startswith("-") and low < 0
    if negative:
        text = text[1:]
    if not _DIGITS.fullmatch(text):
        return None
    number = -int(text) if negative else int(text)
    return number if low <= number <= high else None


def to_id(value: Any) -> Optional[int]:
    """A database id (1 to MAX_ID), or None."""
    return to_int(value, 1, MAX_ID)


def to_ids(values: Iterable[Any]) -> Optional[list[int]]:
    """Ids from a multi-valued field (empty values skipped), sorted; None when one is bad."""
    ids = set()
    for value in values:
        if value in ("", None):
            continue
        number = to_id(value)
        if number is None:
            return None
        ids.add(number)
    return sorted(ids)


def to_date(value: Any, low: date = MIN_DATE, high: date = MAX_DATE) -> Optional[date]:
    """A date written YYYY-MM-DD within [low, high], or None."""
    if isinstance(value, date):
        day: Optional[date] = value
    else:
        text = str(value if value is not None else "").strip()
        if not _DAY.fullmatch(text):
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
    return day if day is not None and low <= day <= high else None


def schedule_range(today: date) -> tuple[date, date]:
    """The days a schedule block may be created on."""
    return today - timedelta(days=366 * BLOCK_YEARS), today + timedelta(days=366 * BLOCK_YEARS)
