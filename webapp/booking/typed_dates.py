"""Birth dates as people in Québec type them (PUB-6): 1948-05-12, 12/05/1948, 12-05-1948,
12.05.1948, 19480512, 12 mai 1948, 1er mai 1948, May 12, 1948. Numbers are day before
month, as Québec writes them (JJ/MM/AAAA) and as the field's hint says."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Optional

MONTHS = {
    "janvier": 1, "janv": 1, "january": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "september": 9, "sep": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
ISO = re.compile(r"^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DAY_FIRST = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
WORDS = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th)? ([a-z]+)\.? (\d{4})$")
WORDS_MONTH_FIRST = re.compile(r"^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare.replace(",", " ")).strip()


def parse_typed_date(raw: str) -> date:
    """The date `raw` names; ValueError if none."""
    text = _plain(raw)
    found: Optional[tuple[int, int, int]] = None
    if match := ISO.match(text) or COMPACT.match(text):
        found = (int(match[1]), int(match[2]), int(match[3]))
    elif match := DAY_FIRST.match(text):
        found = (int(match[3]), int(match[2]), int(match[1]))
    elif (match := WORDS.match(text)) and match[2] in MONTHS:
        found = (int(match[3]), MONTHS[match[2]], int(match[1]))
    elif (match := WORDS_MONTH_FIRST.match(text)) and match[1] in MONTHS:
        found = (int(match[3]), MONTHS[match[1]], int(match[2]))
    if found is None:
        raise ValueError(raw)
    return date(*found)


def ambiguous(raw: str) -> bool:
    """True when `raw` gives day and month as two numbers that could be read either way
    (05/12/1948): the page then says how it was read, for a citizen who meant month first."""
    match = DAY_FIRST.match(_plain(raw))
    if match is None:
        return False
    day, month = int(match[1]), int(match[2])
    return day <= 12 and month <= 12 and day != month
