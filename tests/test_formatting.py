"""The Québec forms the whole planner writes (I18N-1): one module, the same text on pages, in
emails, SMS and jobs."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import phonenumbers
import pytest
from flask_babel import force_locale
from sqlalchemy import select
from wtforms import Form, StringField

from webapp import formatting as fmt
from webapp.blueprints.config.fields import PhoneNumber
from webapp.booking.patients import clean_phone
from webapp.messaging.timing import timing_hint
from webapp.models import Message
from webapp.organization.staff import normalize_phone
from webapp.scheduling.notices import notify_cancelled
from webapp.timeutil import local_today

from .factories import make_world, slots_of, take_places

DAY = date(2021, 2, 15)  # a Monday in winter: Québec is UTC-5
NINE_THIRTY = datetime(2021, 2, 15, 14, 30, tzinfo=UTC)


def test_dates_are_iso_in_both_languages():
    assert fmt.iso_date(DAY) == "2021-02-15"
    assert fmt.iso_date(NINE_THIRTY) == "2021-02-15"
    assert fmt.iso_date(datetime(2021, 2, 16, 3, 0, tzinfo=UTC)) == "2021-02-15"  # 22:00 local


@pytest.mark.parametrize("lang, expected", [("fr_CA", "9 h 30"), ("en", "9:30 a.m.")])
def test_a_time_of_day_in_prose(lang, expected):
    assert fmt.time_of_day(NINE_THIRTY, lang) == expected
    assert fmt.time_of_day(time(9, 30), lang) == expected


def test_afternoon_and_midnight_in_prose():
    assert fmt.time_of_day(time(12, 45), "fr_CA") == "12 h 45"
    assert fmt.time_of_day(time(12, 45), "en") == "12:45 p.m."
    assert fmt.time_of_day(time(0, 5), "fr_CA") == "0 h 05"
    assert fmt.time_of_day(time(15), "en") == "3:00 p.m."


def test_the_compact_clock_of_calendars():
    assert fmt.hhmm(NINE_THIRTY) == "09:30"
    assert fmt.hhmm(time(9, 5)) == "09:05"
    assert fmt.hhmm(24 * 60) == "24:00"


def test_long_and_short_dates_per_locale():
    assert fmt.date_text(DAY, lang="fr_CA") == "lundi 15 février 2021"
    assert fmt.date_text(DAY, lang="en") == "Monday, February 15, 2021"
    assert fmt.date_text(DAY, "short", "fr_CA") == "lun. 15 févr."
    assert fmt.date_text(DAY, "short", "en") == "Mon, Feb 15"
    assert fmt.date_text(DAY, "month", "fr_CA") == "février 2021"
    assert fmt.date_text(NINE_THIRTY, "weekday", "en") == "Mon"


@pytest.mark.parametrize("form, first, second", [
    ("long", "vendredi 1er mai 2026", "samedi 2 mai 2026"),
    ("short", "ven. 1er mai", "sam. 2 mai"),
    ("day_month", "1er mai", "2 mai"),
    ("day_month_name_year", "1er mai 2026", "2 mai 2026"),
    ("month", "mai 2026", "mai 2026"),
])
def test_french_writes_the_first_of_the_month_1er(form, first, second):
    """Québec French writes "le 1er mai" (the first of the month only), English "May 1"."""
    assert fmt.date_text(date(2026, 5, 1), form, "fr_CA") == first
    assert fmt.date_text(date(2026, 5, 2), form, "fr_CA") == second


def test_english_has_no_french_ordinal():
    assert fmt.date_text(date(2026, 5, 1), lang="en") == "Friday, May 1, 2026"
    assert fmt.date_text(date(2026, 5, 1), "day_month", "en") == "May 1"


@pytest.mark.parametrize("lang, value, places, expected", [
    ("fr_CA", 12.5, 1, "12,5"), ("en", 12.5, 1, "12.5"), ("fr_CA", 0, 1, "0,0"),
    ("fr_CA", 2.5, None, "2,5"), ("en", 3.0, None, "3"), ("en", 7.25, 0, "7"),
])
def test_decimals(lang, value, places, expected):
    assert fmt.decimal(value, places, lang) == expected


def test_one_phone_format_for_patients_staff_and_the_organization():
    assert clean_phone("(418) 555-0100 poste 12") == "418 555-0100 ext. 12"
    assert normalize_phone("(418) 555-0100 poste 12") == "418 555-0100 ext. 12"
    field = StringField().bind(Form(), "phone")
    field.data = "(418) 555-0100 x12"
    PhoneNumber()(Form(), field)
    assert field.data == "418 555-0100 ext. 12"
    assert normalize_phone("+33 1 23 45 67 89") == "+33 1 23 45 67 89"


def test_phone_outside_north_america_is_international():
    number = phonenumbers.parse("+44 20 7946 0958 ext. 4", None)
    assert fmt.phone(number) == "+44 20 7946 0958 ext. 4"


def test_bilingual_fields_fall_back_to_the_other_language():
    both = SimpleNamespace(name_fr="Vaccin", name_en="Vaccine")
    french_only = SimpleNamespace(name_fr="Vaccin", name_en="")
    english_only = SimpleNamespace(name_fr="", name_en="Vaccine")
    assert fmt.localized(both, "name", "fr_CA") == "Vaccin"
    assert fmt.localized(both, "name", "en") == "Vaccine"
    assert fmt.localized(french_only, "name", "en") == "Vaccin"
    assert fmt.localized(english_only, "name", "fr_CA") == "Vaccine"
    assert fmt.localized(None, "name", "en") == ""


def test_the_current_language_inside_and_outside_a_request(app):
    assert fmt.language() == "fr_CA"  # a job: the planner's default
    assert fmt.time_of_day(NINE_THIRTY) == "9 h 30"
    with force_locale("en"):
        assert fmt.language() == "en" and fmt.time_of_day(NINE_THIRTY) == "9:30 a.m."
        assert fmt.localized(SimpleNamespace(name_fr="Vaccin", name_en="Vaccine"),
                             "name") == "Vaccine"


def test_templates_use_the_same_filters(app):
    template = app.jinja_env.from_string(
        "{{ t | hm }} {{ t | localtime }} {{ t | localdate }} {{ t | date_text('short') }} "
        "{{ km | decimal(1) }} {{ loc(o, 'name') }}")
    with force_locale("en"):
        page = template.render(t=NINE_THIRTY, km=12.5, o=SimpleNamespace(name_fr="Lieu", name_en=""))
    assert page == "9:30 a.m. 09:30 2021-02-15 Mon, Feb 15 12.5 Lieu"


def test_timing_hints_write_hours_in_prose(app):
    assert "3 h 00" in timing_hint("reminder_1", 12).text
    with force_locale("en"):
        assert "3:00 a.m." in timing_hint("reminder_1", 12).text


@pytest.mark.parametrize("lang, expected", [("fr_CA", "à 9 h 30"), ("en", "at 9:30 a.m.")])
def test_a_cancellation_notice_writes_the_time_as_the_confirmation_does(app, lang, expected):
    world, day = make_world(), local_today() + timedelta(days=30)
    block = world.add_block(day, "09:30", "10:00")
    [appointment] = take_places(slots_of(block)[0], world.service, email="lea@example.org",
                                send_email=True, language=lang)
    assert notify_cancelled(appointment) == 1
    message = app.extensions["sqlalchemy"].session.scalar(select(Message))
    assert day.isoformat() in message.body and expected in message.body
