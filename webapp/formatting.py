"""How the planner writes times, dates, phone numbers, numbers and bilingual fields, for
pages, emails, SMS, exports and PDFs alike: one rule per format, registered once as the
templates' filters (`register`).

Québec conventions (spec I18N-1): dates `2021-02-15` in both languages; a time of day in
prose `9 h 30` in French, `9:30 a.m.` in English; `09:30` where a calendar grid is dense.
Every function takes an explicit `language` ("fr_CA" or "en") or uses the current one:
the request's, the one of a `force_locale` block, or the planner's default in a job.
Instants (aware datetimes) are written in the planner's time zone.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from functools import cache, lru_cache
from typing import Any, Optional

import phonenumbers
from babel import Locale
from babel.dates import (
    DateTimePattern,
    match_skeleton,
    parse_pattern,
    tokenize_pattern,
    untokenize_pattern,
)
from babel.numbers import format_decimal, format_percent
from flask import Flask
from flask_babel import get_locale, gettext, ngettext
from markupsafe import Markup

from .timeutil import local_today, planner_zone

# Babel locale of each interface language: Canadian English writes "9:30 a.m.", not "AM".
BABEL_LOCALES = {"fr_CA": "fr_CA", "en": "en_CA"}
TIME_OF_DAY = {"fr_CA": "H 'h' mm", "en": "h:mm a"}
# Named forms of a day, as CLDR skeletons: each locale orders and abbreviates them its way.
DATE_FORMS = {
    "long": "full",            # lundi 15 février 2021 / Monday, February 15, 2021
    "weekday": "E",            # lun. / Mon
    "short": "MMMEd",          # lun. 15 févr. / Mon, Feb 15
    "short_year": "yMMMEd",    # lun. 15 févr. 2021 / Mon, Feb 15, 2021
    "day_month": "MMMd",       # 15 févr. / Feb 15
    "day_month_year": "yMMMd",  # 15 févr. 2021 / Feb 15, 2021
    "day_month_name_year": "yMMMMd",  # 15 février 2021 / February 15, 2021
    "month": "yMMMM",          # février 2021 / February 2021
    "month_short": "yMMM",     # févr. 2021 / Feb 2021
}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[lang])


@cache
def _pattern(form: str, lang: str) -> DateTimePattern:
    """Each pattern parsed once per language: parsing (and, for a skeleton, matching it to
    the locale's formats) costs far more than applying it, and a page applies it many
    times (the day's times of the opening rush)."""
    if form == "time_of_day":
        return parse_pattern(TIME_OF_DAY[lang])
    locale, wanted = _locale(lang), DATE_FORMS[form]
    if wanted == "full":
        return parse_pattern(locale.date_formats["full"])
    skeletons = locale.datetime_skeletons
    skeleton = wanted if wanted in skeletons else match_skeleton(wanted, skeletons) or wanted
    return parse_pattern(skeletons[skeleton])


@cache
def _first_of_month_pattern(form: str, lang: str) -> DateTimePattern:
    """The form's pattern with "er" after the day number: French writes "le 1er mai"
    (the first of the month only; "le 2 mai"). A form without the day is unchanged."""
    tokens: list[tuple[str, Any]] = []
    for token in tokenize_pattern(_pattern(form, lang).pattern):
        tokens.append(token)
        if token == ("field", ("d", 1)):
            tokens.append(("chars", "er"))
    return parse_pattern(untokenize_pattern(tokens))


def language(lang: Optional[str] = None) -> str:
    """ "en" or "fr_CA": the one given, else the current locale (French when there is none)."""
    if lang is None:
        current = get_locale()
        lang = str(current) if current else "fr_CA"
    return "en" if lang.startswith("en") else "fr_CA"


def is_english(lang: Optional[str] = None) -> bool:
    return language(lang) == "en"


def localized(obj: Any, field: str, lang: Optional[str] = None) -> str:
    """The French or English version of a bilingual field (`name_fr` / `name_en`), falling
    back to the other language when the wanted one is empty."""
    first, second = ("en", "fr") if is_english(lang) else ("fr", "en")
    return str(getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")
               or "")


def _wall(value: datetime | time) -> time:
    """The wall-clock time: an instant in the planner's time zone, a time of day as it is."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(planner_zone())
        return value.time()
    return value


def _day(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(planner_zone()) if value.tzinfo else value).date()
    return value


def time_of_day(value: datetime | time, lang: Optional[str] = None) -> str:
    """9 h 30 in French, 9:30 a.m. in English: a time in sentences, messages, public pages."""
    return _time_text(_wall(value), language(lang))


@lru_cache(maxsize=4096)
def _time_text(wall: time, lang: str) -> str:
    """Each time of day written once per language (a day's times page writes dozens)."""
    return str(_pattern("time_of_day", lang).apply(wall, _locale(lang)))


def hhmm(value: datetime | time | int) -> str:
    """09:30 in both languages: dense calendar grids and `<input type="time">` values.
    An int counts minutes from midnight (1440 is the day's end, 24:00)."""
    if isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    wall = _wall(value)
    return f"{wall.hour:02d}:{wall.minute:02d}"


def iso_date(value: datetime | date) -> str:
    """2021-02-15 in both languages (an instant: its day in the planner's time zone)."""
    return _day(value).isoformat()


def date_text(value: datetime | date, form: str = "long", lang: Optional[str] = None) -> str:
    """A day in words, in one of the `DATE_FORMS`: "long" is lundi 15 février 2021."""
    lang, day = language(lang), _day(value)
    pattern = (_first_of_month_pattern(form, lang) if day.day == 1 and lang == "fr_CA"
               else _pattern(form, lang))
    return str(pattern.apply(day, _locale(lang)))


def decimal(value: float, places: Optional[int] = None, lang: Optional[str] = None) -> str:
    """12,5 in French, 12.5 in English; `places` fixes the digits after the decimal mark."""
    if type(value) is int and places is None:  # the counts of a long table: written once
        return _whole(value, language(lang))
    pattern = None if places is None else "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=_locale(language(lang)))


@lru_cache(maxsize=4096)
def _whole(value: int, lang: str) -> str:
    return format_decimal(value, locale=_locale(lang))


def percent(value: float, places: int = 0, lang: Optional[str] = None) -> str:
    """A share of 1 as a percentage: 12,5 % in French, 12.5% in English."""
    lang = language(lang)
    sign = "\u00a0%" if lang == "fr_CA" else "%"
    pattern = "#,##0" + ("." + "0" * places if places else "") + sign
    return format_percent(value, format=pattern, locale=BABEL_LOCALES[lang])


def phone(number: phonenumbers.PhoneNumber) -> str:
    """418 555-0100 (ext. 12) for North America, +33 1 23 45 67 89 elsewhere."""
    if number.country_code == 1:
        digits = str(number.national_number)
        text = f"{digits[:3]} {digits[3:6]}-{digits[6:]}"
    else:
        bare = phonenumbers.PhoneNumber(country_code=number.country_code,
                                        national_number=number.national_number,
                                        italian_leading_zero=number.italian_leading_zero,
                                        number_of_leading_zeros=number.number_of_leading_zeros)
        text = phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{text} ext. {number.extension}" if number.extension else text


def masked_email(address: str) -> str:
    """g…@example.org: enough for the citizen to recognise their address on a shared screen."""
    local, _at, domain = address.strip().partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def masked_phone(number: str) -> str:
    """418 ***-0123: the area code and the last four digits of a phone number."""
    digits = "".join(c for c in number.split("ext.")[0] if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"{digits[:3]} ***-{digits[-4:]}"
    return f"***{digits[-4:]}"


def minutes_left(seconds: int) -> str:
    """A countdown in words, read well by a screen reader: "9 minutes", not "9:57"."""
    minutes = seconds // 60
    if minutes < 1:
        return gettext("less than a minute")
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


def near(place: str, lang: Optional[str] = None) -> str:
    """"near Alma Southeast" / "près d'Alma Sud-Est": French elides "de" before a vowel."""
    if elides(place, mute_h=False):
        return gettext("near (before a vowel) %(place)s", place=place)
    return gettext("near %(place)s", place=place)


def nl2br(text: str | None) -> Markup:
    return Markup("<br>").join((text or "").splitlines())


def elides(word: str, mute_h: bool = True) -> bool:
    """French drops the e of "de" before a vowel (accents ignored), y, and a mute h."""
    initial = unicodedata.normalize("NFKD", word[:1]).lower()[:1]
    return bool(initial) and initial in ("aeiouyh" if mute_h else "aeiouy")


def of_name(name: str, lang: Optional[str] = None) -> str:
    """"of Amélie" in English; in French "d'Amélie" before a vowel or an h (taken as mute:
    names with an aspirated h are rare), "de Jean" otherwise."""
    if is_english(lang):
        return f"of {name}"
    return f"d'{name}" if elides(name) else f"de {name}"


def register(app: Flask) -> None:
    """The app-wide template filters and globals, in one place."""
    app.jinja_env.filters.update(
        hm=time_of_day,           # 9 h 30 / 9:30 a.m.
        localtime=hhmm,          # 09:30
        localdate=iso_date,       # 2021-02-15
        date_text=date_text,      # lundi 15 février 2021; date_text("short"): lun. 15 févr.
        decimal=decimal,          # 12,5 / 12.5
        percent=percent,          # 12,5 % / 12.5%
        masked_email=masked_email,  # g…@example.org
        masked_phone=masked_phone,  # 418 ***-0123
        of_name=of_name)          # Amélie -> d'Amélie / of Amélie
    app.jinja_env.globals.update(today=local_today, nl2br=nl2br, loc=localized,
                                minutes_left=minutes_left, near=near)
