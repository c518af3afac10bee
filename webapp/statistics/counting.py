"""Statistics of the campaign (STA-1): counts only, never a patient's data.

The counting rules, written once (docs/ARCHITECTURE.md repeats them):

- The period is a range of the planner's local days (America/Toronto by default), both
  ends included. An appointment belongs to the local day of its start (a day of 23 or
  25 hours counts its own hours, no more, no less); a slot to its `Slot.day`.
- **Booked**: an appointment whose status is booked, confirmed or cancelled, i.e. every
  booking ever made. A hold in progress (held) or abandoned (expired) is never a booking.
  A moved appointment is the same booking, counted once, at its new place and time.
- **Online / by staff**: `Appointment.online` (the public site) or not (staff).
- **Cancelled**: status cancelled; **by the patient** when no staff account cancelled it
  (`cancelled_by_id` is NULL: the citizen's own link), **by staff** otherwise.
- **Kept**: booked or confirmed (booked minus cancelled): the people expected.
- **Attendance** of kept appointments: present, absent, not eligible, or not yet marked
  (`Attendance.UNDEFINED`, which includes every upcoming appointment).
  **No-shows** are the kept appointments marked absent; the no-show rate is absent over
  those marked (present + absent + not eligible).
- **Confirmed**: kept appointments with status confirmed (by the patient's link or by
  staff, `booking.confirm`); the rate is over kept.
- **Reminders confirmed**: **reminders sent** are the reminder messages (`Message` of kind
  reminder_1 or reminder_2, both channels) sent (`sent_at` set), about the period's booked
  appointments; an appointment is **reminded** when at least one was sent to it, and
  **confirmed after a reminder** when it is confirmed (`confirmed_at`) at or after the
  first of them was sent (the reminder carries the confirmation link). The rate is confirmed
  after a reminder over reminded. A booking confirmed before any reminder, or reminded and
  then cancelled, is reminded but not confirmed after a reminder.
- **Capacity**: the places published (`Slot.capacity`) on the period's days. **Places
  left** = capacity minus places taken now (`Slot.booked`: kept appointments and holds in
  progress). **Fill rate** = (capacity - places left) / capacity. With a service filter,
  a block offering several services counts under each of them (its places are shared), so
  per-service capacities may add up to more than the total.
- **Lead time**: hours from the booking (`created_at`) to the appointment's start, over
  booked appointments (a negative delay, typed in after the fact, counts as 0), exact
  under 2 days (`EXACT_LEAD_HOURS`) and in whole days from 2 days on (2 days 5 hours counts
  as 48 hours: the median is then given to the day); the median and a distribution in
  buckets (same day, 1 day, 2-3, 4-7, 8-14, 15-30, over 30 days: whole days, so exact).
- **Busiest hours**: kept appointments by local weekday and hour of start.
- **By day, week or month**: the figures by day up to `DAILY_UP_TO` days (about two
  months), by week (Monday to Sunday) up to `WEEKLY_UP_TO` days (a year), by month beyond;
  a week or month cut by the period's ends counts only the period's days and is named by its
  first day in the period.

Where the figures are read (`queries`, `rollup`): the local days that have ended are
stored per day, location, service and team by the hourly job (`rollup.roll`); today, the
upcoming days and any ended day changed since it was stored (marked dirty by a trigger) are
read live from appointments and slots. Each figure is one statement adding both parts
(`report` runs `QUERY_COUNT` queries whatever the period and whatever is rolled up); local
days and hours are computed in SQL from UTC seconds plus the zone's offset, the offset
changing at the daylight-saving instants of the days read (`queries._local_seconds`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Attendance, Location, Service, Team
from . import queries, rollup
from .queries import EPOCH, Scope, month_end

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # days the statistics can show
MAX_DAYS = 731  # two years: a campaign and its comparison; longer asks are refused
QUERY_COUNT = 9
DAILY_UP_TO, WEEKLY_UP_TO = 62, 366  # longer periods are shown by week, then by month
# Lead-time buckets: (upper bound in hours, exclusive; key). The last has no bound.
LEAD_BUCKETS: tuple[tuple[Optional[int], str], ...] = (
    (24, "same_day"), (48, "1_day"), (96, "2_3_days"), (192, "4_7_days"),
    (360, "8_14_days"), (744, "15_30_days"), (None, "over_30_days"),
)
LEAD_LABELS = {
    "same_day": _l("Less than a day"), "1_day": _l("1 day"), "2_3_days": _l("2 to 3 days"),
    "4_7_days": _l("4 to 7 days"), "8_14_days": _l("8 to 14 days"),
    "15_30_days": _l("15 to 30 days"), "over_30_days": _l("Over 30 days"),
}


class StatsInputError(ValueError):
    """A period or filter the statistics cannot show; `message` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # included
    location_ids: tuple[int, ...] = ()  # empty: every location (of the scope)
    service_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    preset: str = "custom"  # the period's name on the screen

    def args(self) -> dict[str, Any]:
        """The URL's query arguments that ask for these filters again."""
        args: dict[str, Any] = {"preset": self.preset, "start": self.start.isoformat(),
                                "end": self.end.isoformat()}
        for name, ids in (("location", self.location_ids), ("service", self.service_ids),
                          ("team", self.team_ids)):
            if ids:
                args[name] = list(ids)
        return args

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class Counts:
    """The figures of one day, one location, one service, one team or the whole period."""

    booked: int = 0
    online: int = 0
    by_staff: int = 0
    cancelled: int = 0
    cancelled_by_patient: int = 0
    cancelled_by_staff: int = 0
    kept: int = 0
    confirmed: int = 0
    present: int = 0
    absent: int = 0
    not_eligible: int = 0
    not_marked: int = 0
    capacity: int = 0
    places_left: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def fill_rate(self) -> Optional[float]:
        return (self.capacity - self.places_left) / self.capacity if self.capacity else None

    @property
    def no_show_rate(self) -> Optional[float]:
        marked = self.present + self.absent + self.not_eligible
        return self.absent / marked if marked else None

    @property
    def confirmed_rate(self) -> Optional[float]:
        return self.confirmed / self.kept if self.kept else None

    @property
    def online_rate(self) -> Optional[float]:
        return self.online / self.booked if self.booked else None


@dataclass
class Reminders:
    """The reminders sent about the period's appointments and what came of them."""

    sent: int = 0  # messages (an email and an SMS to one appointment are two)
    reminded: int = 0  # appointments with at least one reminder sent
    confirmed: int = 0  # of those, confirmed at or after their first reminder

    @property
    def confirmed_rate(self) -> Optional[float]:
        return self.confirmed / self.reminded if self.reminded else None


@dataclass
class Report:
    filters: Filters
    total: Counts
    by_day: list[tuple[date, Counts]]
    by_location: list[tuple[Location, Counts]]
    by_service: list[tuple[Service, Counts]]
    by_team: list[tuple[Team, Counts]]
    lead_median_hours: Optional[float]
    lead_buckets: list[tuple[str, int]]
    # heat[weekday][hour]: kept appointments starting then (Monday = 0).
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    reminders: Reminders = field(default_factory=Reminders)

    @property
    def grouping(self) -> str:
        """"day", "week" or "month": how long periods are cut for the plot and its table."""
        days = (self.filters.end - self.filters.start).days + 1
        return "day" if days <= DAILY_UP_TO else "week" if days <= WEEKLY_UP_TO else "month"

    @cached_property
    def by_period(self) -> list[tuple[date, Counts]]:
        """The figures by day, week or month (`grouping`), each named by its first day in
        the period."""
        if self.grouping == "day":
            return self.by_day
        groups: dict[tuple[int, int], tuple[date, Counts]] = {}
        for day, counts in self.by_day:
            iso = day.isocalendar()
            key = (iso.year, iso.week) if self.grouping == "week" else (day.year, day.month)
            first, total = groups.setdefault(key, (day, Counts()))
            total.add(counts)
        return list(groups.values())


# -- the report -----------------------------------------------------------------------------

def _to_counts(row: Any) -> Counts:
    booked, cancelled, patient = int(row.booked), int(row.cancelled), int(row.cancelled_by_patient)
    return Counts(booked=booked, online=int(row.online), by_staff=booked - int(row.online),
                  cancelled=cancelled, cancelled_by_patient=patient,
                  cancelled_by_staff=cancelled - patient, kept=booked - cancelled,
                  confirmed=int(row.confirmed),
                  present=int(getattr(row, Attendance.PRESENT.value)),
                  absent=int(getattr(row, Attendance.ABSENT.value)),
                  not_eligible=int(getattr(row, Attendance.NOT_ELIGIBLE.value)),
                  not_marked=int(getattr(row, Attendance.UNDEFINED.value)))


def _median(histogram: dict[int, int]) -> Optional[float]:
    """The median of values given as {value: how many}."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(k: int) -> int:  # the k-th value, from 0
        seen = 0
        for value, n in ordered:
            seen += n
            if k < seen:
                return value
        return ordered[-1][0]

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def _named(model: Any, ids: set[int], order: Any) -> list[Any]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids)).order_by(*order)))


def report(filters: Filters) -> Report:
    """Every figure of the period, by day with totals, and per location, service and team:
    the days the rollup holds read from it, the others live (webapp.statistics.rollup)."""
    scope = Scope(filters.start, filters.end, filters.location_ids, filters.service_ids,
                  filters.team_ids)
    part = rollup.part(filters.start, filters.end)
    by_day = {day: Counts() for day in filters.days}
    per: dict[str, dict[int, Counts]] = {k: defaultdict(Counts) for k in "lst"}
    heat = [[0] * 24 for _ in range(7)]
    for row in queries.counts(scope, part):
        if row.kind == "h":
            hour = int(row.key)  # of the week, from Thursday (1970-01-01) 0 h
            heat[(hour // 24 + 3) % 7][hour % 24] += int(row.booked)
            continue
        counts = _to_counts(row)
        if row.kind == "d":
            day = EPOCH + timedelta(days=int(row.key))
            if day in by_day:
                by_day[day] = counts
        else:
            per[row.kind][row.key] = counts
    for row in queries.capacity(scope, part):
        place = (by_day.get(row.day) if row.kind == "d" else per[row.kind][row.key])
        if place is not None:
            place.capacity, place.places_left = int(row.capacity), int(row.places_left)
    for row in queries.capacity_by_service(scope, part):
        counts = per["s"][row.service_id]
        counts.capacity, counts.places_left = int(row.capacity), int(row.left)
    total = Counts()
    for counts in by_day.values():
        total.add(counts)

    lead: dict[int, int] = defaultdict(int)
    for row in queries.leads(scope, part):
        lead[max(0, int(row.hours))] += int(row.n)
    bucket_counts = {key: 0 for _, key in LEAD_BUCKETS}
    for hours, n in lead.items():
        for upper, key in LEAD_BUCKETS:
            if upper is None or hours < upper:
                bucket_counts[key] += n
                break

    sent, reminded, confirmed = queries.reminders(scope, part)
    locations = _named(Location, set(per["l"]), (Location.position, Location.id))
    services = _named(Service, set(per["s"]), (Service.position, Service.id))
    teams = _named(Team, set(per["t"]), (Team.position, Team.id))
    return Report(
        filters=filters, total=total, by_day=sorted(by_day.items()),
        by_location=[(x, per["l"][x.id]) for x in locations],
        by_service=[(x, per["s"][x.id]) for x in services],
        by_team=[(x, per["t"][x.id]) for x in teams],
        lead_median_hours=_median(lead),
        lead_buckets=[(key, bucket_counts[key]) for _, key in LEAD_BUCKETS],
        heat=heat, reminders=Reminders(sent=sent, reminded=reminded, confirmed=confirmed),
    )


# -- the period and filters, read from the URL ----------------------------------------------

PRESETS = {
    "today": _l("Today"), "week": _l("This week"), "last7": _l("Last 7 days"),
    "month": _l("This month"), "last3months": _l("Last 3 months"), "custom": _l("Custom"),
}
DEFAULT_PRESET = "month"


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """The days of a preset: today; this week (Monday to Sunday); the last 7 days (today
    included); this month; the last 3 months (the two months before this one and this
    whole month, so that the schedules published ahead show)."""
    if preset == "today":
        return today, today
    if preset == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if preset == "last7":
        return today - timedelta(days=6), today
    if preset == "last3months":
        return _month_start(today, 2), month_end(today)
    return _month_start(today), month_end(today)


def _ids(values: list[str], known: set[int], refusal: str) -> tuple[int, ...]:
    chosen = []
    for raw in values:
        if raw == "":
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in known:
            raise StatsInputError(refusal)
        chosen.append(int(raw))
    return tuple(sorted(set(chosen)))


def _day(raw: str, refusal: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise StatsInputError(refusal) from None


def read_filters(preset: str, start: str, end: str, locations: list[str], services: list[str],
                 teams: list[str], *, today: date, scope: Optional[int]) -> Filters:
    """The Filters the URL asks for, checked; raises StatsInputError with a clear message
    (unknown preset or ids, a location outside `scope`, a bad, inverted or too long range)."""
    preset = preset or ("custom" if start or end else DEFAULT_PRESET)
    if preset not in PRESETS:
        raise StatsInputError(str(_l("Choose a period from the list.")))
    if preset != "custom" and (start or end):
        # The form sends the shown days with the preset: days changed by hand mean custom.
        shown = preset_range(preset, today)
        if (start.strip(), end.strip()) != (shown[0].isoformat(), shown[1].isoformat()):
            preset = "custom"
    if preset == "custom":
        if not start or not end:
            raise StatsInputError(str(_l("Enter both the first and the last day of the period.")))
        first = _day(start, str(_l("Enter the first day as YYYY-MM-DD.")))
        last = _day(end, str(_l("Enter the last day as YYYY-MM-DD.")))
        if first < EARLIEST or last > LATEST:
            raise StatsInputError(str(_l("Choose days between %(first)s and %(last)s.",
                                         first=EARLIEST.isoformat(), last=LATEST.isoformat())))
        if last < first:
            raise StatsInputError(str(_l("The last day comes before the first day.")))
        if (last - first).days + 1 > MAX_DAYS:
            raise StatsInputError(str(_l("Choose a period of at most %(days)s days.",
                                         days=MAX_DAYS)))
    else:
        first, last = preset_range(preset, today)
    options = filter_options(scope)
    location_ids = _ids(locations, {x.id for x in options["locations"]}, str(_l(
        "This location does not exist or is not yours to see; choose one from the list.")))
    if scope is not None and not location_ids:
        location_ids = (scope,)
    return Filters(first, last, location_ids,
                   _ids(services, {x.id for x in options["services"]}, str(_l(
                       "This service does not exist; choose one from the list."))),
                   _ids(teams, {x.id for x in options["teams"]}, str(_l(
                       "This team does not exist; choose one from the list."))), preset)


def filter_options(scope: Optional[int]) -> dict[str, list[Any]]:
    """The locations (only the scope's), services and teams the filters offer."""
    locations = sa.select(Location).order_by(Location.position, Location.id)
    if scope is not None:
        locations = locations.where(Location.id == scope)
    return {
        "locations": list(db.session.scalars(locations)),
        "services": list(db.session.scalars(sa.select(Service)
                                            .order_by(Service.position, Service.id))),
        "teams": list(db.session.scalars(sa.select(Team).order_by(Team.position, Team.id))),
    }
