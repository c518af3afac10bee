"""The tables of a report, written once for the page (under each plot) and the Excel
workbook (one sheet each): a title, typed columns, rows of real values and a total row.
A cell is an int, a `Rate` (a share of 1), a float (hours, days), a date or a text."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..formatting import date_text, decimal, localized, percent
from .counting import LEAD_LABELS, Counts, Report


class Rate(float):
    """A share of 1, written as a percentage."""


class Week(date):
    """The week (of a long period) that starts, in the period, on this day."""


class Month(date):
    """The month (of a very long period) that starts, in the period, on this day."""


PERIOD_CELLS = {"day": date, "week": Week, "month": Month}
# (table title, first column and x axis, plot title, the table's disclosure) of each
# grouping of a period.
PERIOD_WORDS = {
    "day": (_l("By day"), _l("Day"), _l("Appointments and capacity per day"),
            _l("Figures by day")),
    "week": (_l("By week"), _l("Week"), _l("Appointments and capacity per week"),
             _l("Figures by week")),
    "month": (_l("By month"), _l("Month"), _l("Appointments and capacity per month"),
              _l("Figures by month")),
}


def period_cell(day: date, grouping: str) -> date:
    """The first cell of a row by day, week or month: a real date, written its way."""
    return PERIOD_CELLS[grouping](day.year, day.month, day.day)


@dataclass(frozen=True)
class Table:
    key: str  # the table's id on the page and its sheet in the workbook
    title: str
    headers: list[str]
    rows: list[list[Any]]
    total: Optional[list[Any]] = None


# The counts every breakdown shows, in order: (Counts attribute, header).
COLUMNS = (
    ("booked", _l("Booked")), ("online", _l("Online")), ("by_staff", _l("By staff")),
    ("cancelled", _l("Cancelled")), ("cancelled_by_patient", _l("Cancelled by patient")),
    ("cancelled_by_staff", _l("Cancelled by staff")), ("kept", _l("Kept")),
    ("confirmed", _l("Confirmed")), ("present", _l("Present")), ("absent", _l("Absent")),
    ("not_eligible", _l("Not eligible")), ("not_marked", _l("Not yet marked")),
    ("capacity", _l("Capacity")), ("places_left", _l("Places left")),
    ("fill_rate", _l("Fill rate")), ("no_show_rate", _l("No-show rate")),
)
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday"))


def cell_text(value: Any, lang: Optional[str] = None) -> str:
    """A cell as the page writes it, in the user's language."""
    if value is None:
        return "–"
    if isinstance(value, Rate):
        return percent(value, 1, lang)
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, Week):
        return _("week of %(day)s", day=date_text(value, "day_month", lang))
    if isinstance(value, Month):
        return date_text(value, "month_short", lang)
    if isinstance(value, date):
        return date_text(value, "short_year", lang)
    if isinstance(value, float):
        return decimal(value, 1, lang)
    return decimal(value, lang=lang)


def rate(value: Optional[float]) -> Optional[Rate]:
    return None if value is None else Rate(value)


def _cells(counts: Counts) -> list[Any]:
    cells: list[Any] = []
    for key, _label in COLUMNS:
        value = getattr(counts, key)
        cells.append(rate(value) if key.endswith("_rate") else value)
    return cells


def _headers(first: str) -> list[str]:
    return [first] + [str(label) for _key, label in COLUMNS]


def _split(key: str, title: str, first: str, parts: list[tuple[str, int]]) -> Table:
    whole = sum(n for _label, n in parts)
    return Table(key, title, [first, _("Appointments"), _("Share")],
                 [[label, n, rate(n / whole if whole else None)] for label, n in parts],
                 [_("Total"), whole, rate(1.0 if whole else None)])


def attendance_parts(total: Counts) -> list[tuple[str, int]]:
    return [(_("Present"), total.present), (_("Absent"), total.absent),
            (_("Not eligible"), total.not_eligible), (_("Not yet marked"), total.not_marked)]


def channel_parts(total: Counts) -> list[tuple[str, int]]:
    return [(_("Online"), total.online), (_("By staff"), total.by_staff)]


def shown_hours(heat: list[list[int]]) -> list[int]:
    """The hours of the heat map: those with appointments (8 to 20 h when none)."""
    busy = [hour for hour in range(24) if any(row[hour] for row in heat)]
    return list(range(min(busy), max(busy) + 1)) if busy else list(range(8, 21))


def summary(report: Report) -> Table:
    t = report.total
    median = report.lead_median_hours
    rows: list[list[Any]] = [
        [_("Appointments booked"), t.booked], [_("Online"), t.online],
        [_("By staff"), t.by_staff], [_("Cancelled by patient"), t.cancelled_by_patient],
        [_("Cancelled by staff"), t.cancelled_by_staff], [_("Kept"), t.kept],
        [_("Capacity published"), t.capacity], [_("Places left"), t.places_left],
        [_("Fill rate"), rate(t.fill_rate)], [_("Present"), t.present],
        [_("No-shows (absent)"), t.absent], [_("No-show rate"), rate(t.no_show_rate)],
        [_("Appointments confirmed"), t.confirmed], [_("Confirmed rate"), rate(t.confirmed_rate)],
        [_("Reminders sent"), report.reminders.sent],
        [_("Appointments reminded"), report.reminders.reminded],
        [_("Confirmed after a reminder"), report.reminders.confirmed],
        [_("Reminders confirmed (rate)"), rate(report.reminders.confirmed_rate)],
        [_("Median lead time (days)"), None if median is None else round(median / 24, 1)],
    ]
    return Table("summary", _("Summary"), [_("Figure"), _("Value")], rows)


def tables(report: Report, lang: Optional[str] = None) -> list[Table]:
    """Every table of the report, in the page's order."""
    total = _cells(report.total)
    title, first, _plot, _figures = PERIOD_WORDS[report.grouping]
    by_day = Table("days", str(title), _headers(str(first)),
                   [[period_cell(day, report.grouping)] + _cells(c)
                    for day, c in report.by_period], [_("Total")] + total)

    def per(key: str, title: str, first: str, pairs: list[tuple[Any, Counts]],
            bilingual: bool = True) -> Table:
        return Table(key, title, _headers(first),
                     [[localized(x, "name", lang) if bilingual else x.name] + _cells(c)
                      for x, c in pairs], [_("Total")] + total)

    hours = shown_hours(report.heat)
    heat = Table("hours", _("Busiest hours of the week"),
                 [_("Day")] + [_("%(hour)s h", hour=h) for h in hours],
                 [[str(WEEKDAYS[d])] + [report.heat[d][h] for h in hours] for d in range(7)])
    return [
        summary(report), by_day,
        _split("attendance", _("Attendance"), _("Attendance"), attendance_parts(report.total)),
        _split("channels", _("Online or by staff"), _("Booked"), channel_parts(report.total)),
        _split("lead", _("Lead time between booking and appointment"), _("Lead time"),
               [(str(LEAD_LABELS[key]), n) for key, n in report.lead_buckets]),
        heat,
        per("locations", _("By location"), _("Location"), report.by_location),
        per("services", _("By service"), _("Service"), report.by_service),
        per("teams", _("By team"), _("Team"), report.by_team, bilingual=False),
    ]
