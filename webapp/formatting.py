"""How the planner writes times, dates, phone numbers, numbers and bilingual fields, for
pages, emails, SMS, exports and PDFs alike: one rule per format, registered once as the
templates' filters (`register`)."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date
from markupsafe import Markup

from .timeutil import local_today, planner_zone


def localtime(moment: datetime) -> str:
    """09:30, in the planner's time zone."""
    local = moment.astimezone(planner_zone())
    return f"{local.hour:02d}:{local.minute:02d}"


def localdate(moment: datetime) -> str:
    """2021-02-15, the day of an instant in the planner's time zone."""
    return moment.astimezone(planner_zone()).date().isoformat()


def localday(moment: datetime) -> str:
    """Monday 1 February 2021 (in the page's language), in the planner's time zone."""
    return format_date(moment.astimezone(planner_zone()).date(), "EEEE d MMMM y")


def local_date(moment: datetime) -> date:
    return moment.astimezone(planner_zone()).date()


def longdate(day: date) -> str:
    return format_date(day, "full")


def nl2br(text: str | None) -> Markup:
    return Markup("<br>").join((text or "").splitlines())


def register(app: Flask) -> None:
    """The app-wide template filters and globals, in one place."""
    from .web import local_time_of_day

    app.jinja_env.filters.update(
        localtime=localtime, localdate=localdate, localday=localday,
        hm=local_time_of_day, longdate=longdate, isodate=local_date)
    app.jinja_env.globals.update(today=local_today, nl2br=nl2br)

