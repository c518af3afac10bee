"""The follow-up list (FUP-1..3, guide §6): filters and search read from the URL, and one
page of appointments built in a fixed number of queries whatever the number of rows.

Names are searched through `Patient.identity_key` ("last|first|birth date", folded: lower
case, no accents, no punctuation), so "cote" finds "Côté" on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from . import audit, booking, dbtx
from .booking.patients import fold
from .extensions import db
from .formatting import date_text
from .models import Appointment, Message, Patient, Slot, block_service
from .scheduling.calendar import parse_day, week_start
from .scheduling.notices import notify_cancelled
from .timeutil import local_today, planner_zone

PERIODS = ("day", "week", "month", "3months")
REPORTS = ("active", "all")  # without / with cancellations
VIEWS = ("both", "appointments", "availability")  # FUP-2 view type
SORTS = ("time", "-time", "name", "number")
SEARCH_FIELDS = ("number", "first_name", "last_name", "phone", "email")
PER_PAGE = 50
MAX_SEARCH = 100  # characters kept of a search field; longer text is cut, not refused
MAX_ID = 2**31
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
ACTIVE = ("booked", "confirmed")
WITH_CANCELLED = (*ACTIVE, "cancelled")


@dataclass
class FollowupQuery:
    """The list's filters, search, page and sort, all kept in the URL."""

    day: date
    period: str = "day"
    report: str = "active"
    view: str = "both"
    service_ids: list[int] = field(default_factory=list)
    location_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    number: str = ""
    first_name: str = ""
    last_name: str = ""
    birth_date: Optional[date] = None
    phone: str = ""
    email: str = ""
    page: int = 1
    sort: str = "time"
    problems: list[str] = field(default_factory=list)

    def params(self, **changes: Any) -> dict[str, Any]:
        """The query string of this list (with `changes`), for url_for."""
        values: dict[str, Any] = {
            "day": self.day.isoformat(), "period": self.period, "report": self.report,
            "view": self.view,
            "service": self.service_ids, "location": self.location_ids, "team": self.team_ids,
            "number": self.number, "first_name": self.first_name, "last_name": self.last_name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else "",
            "phone": self.phone, "email": self.email, "sort": self.sort, "page": self.page}
        values.update(changes)
        defaults = {"period": "day", "report": "active", "view": "both", "sort": "time",
                    "page": 1}
        return {k: v for k, v in values.items() if v not in ("", [], None)
                and defaults.get(k) != v}

    @property
    def first_day(self) -> date:
        if self.period == "day":
            return self.day
        if self.period == "week":
            return week_start(self.day)
        return self.day.replace(day=1)

    @property
    def end_day(self) -> date:
        """The day after the period."""
        start = self.first_day
        if self.period == "day":
            return start + timedelta(days=1)
        if self.period == "week":
            return start + timedelta(days=7)
        return _add_months(start, 3 if self.period == "3months" else 1)

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    def shifted(self, step: int) -> date:
        """The day shown by "previous" (-1) or "next" (+1)."""
        if self.period == "day":
            moved = self.day + timedelta(days=step)
        elif self.period == "week":
            moved = self.day + timedelta(days=7 * step)
        else:
            moved = _add_months(self.first_day, step * (3 if self.period == "3months" else 1))
        return min(max(moved, FIRST_DAY), LAST_DAY)

    @property
    def searching(self) -> bool:
        return bool(self.birth_date or any(getattr(self, name) for name in SEARCH_FIELDS))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _ids(values: list[str], label: str, problems: list[str]) -> list[int]:
    ids = []
    for raw in values:
        if raw.isascii() and raw.isdigit() and int(raw) < MAX_ID:
            ids.append(int(raw))
        elif raw:
            problems.append(_("Unknown %(filter)s ignored.", filter=label))
    return sorted(set(ids))


def _choice(raw: Optional[str], allowed: tuple[str, ...], problems: list[str]) -> str:
    if raw in allowed:
        return raw  # type: ignore[return-value]
    if raw:
        problems.append(_("“%(value)s” is not a choice here; the default is shown.",
                          value=raw[:40]))
    return allowed[0]


def parse(args: MultiDict[str, str]) -> FollowupQuery:
    """The query from the URL; what cannot be read is left out and said in `problems`."""
    problems: list[str] = []
    day = local_today()
    raw_day = args.get("day", "")
    if raw_day:
        parsed = parse_day(raw_day)
        if parsed is None or not FIRST_DAY <= parsed <= LAST_DAY:
            problems.append(_("The date must be written YYYY-MM-DD between 2000 and 2100; "
                              "today is shown."))
        else:
            day = parsed
    birth_date = None
    if args.get("birth_date"):
        birth_date = parse_day(args.get("birth_date"))
        if birth_date is None:
            problems.append(_("The birth date must be written YYYY-MM-DD."))
    page_raw = args.get("page", "1")
    page = int(page_raw) if page_raw.isascii() and page_raw.isdigit() and len(page_raw) < 7 else 0
    if page < 1:
        problems.append(_("Unknown page; the first page is shown."))
        page = 1
    text = {name: args.get(name, "").strip()[:MAX_SEARCH] for name in SEARCH_FIELDS}
    return FollowupQuery(
        day=day, period=_choice(args.get("period"), PERIODS, problems),
        report=_choice(args.get("report"), REPORTS, problems),
        view=_choice(args.get("view"), VIEWS, problems),
        service_ids=_ids(args.getlist("service"), _("service"), problems),
        location_ids=_ids(args.getlist("location"), _("location"), problems),
        team_ids=_ids(args.getlist("team"), _("team"), problems),
        birth_date=birth_date, page=page, sort=_choice(args.get("sort"), SORTS, problems),
        problems=problems, **text)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=planner_zone()).astimezone(UTC)


def _digits(column: Any) -> Any:
    """A phone column with its spaces, dashes, dots and brackets taken out, in SQL."""
    for char in " -.()":
        column = func.replace(column, char, "")
    return column


def _search(query: FollowupQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.number:
        coupon = re.sub(r"[^0-9A-Za-z]", "", query.number).upper()
        conditions.append(Appointment.coupon.startswith(coupon, autoescape=True))
    # identity_key is "last|first|yyyy-mm-dd": exactly two bars, so a match followed by two
    # bars is in the last name and one between bars is in the first name.
    for text, pattern, column in ((query.last_name, "%{}%|%|%", Patient.last_name),
                                  (query.first_name, "%|%{}%|%", Patient.first_name)):
        if not text:
            continue
        folded = fold(text)  # "%" or "-" alone folds to nothing: it matches no key
        by_key = Patient.identity_key.like(pattern.format(folded)) if folded else false()
        conditions.append(or_(by_key, and_(
            Patient.identity_key.is_(None),
            func.lower(column).contains(text.lower(), autoescape=True))))
    if query.birth_date:
        conditions.append(Patient.birth_date == query.birth_date)
    if query.phone:
        digits = re.sub(r"\D", "", query.phone)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        conditions.append(or_(_digits(Patient.phone).contains(digits),
                              _digits(Patient.cell_phone).contains(digits)))
    if query.email:
        conditions.append(func.lower(Patient.email).contains(query.email.lower(),
                                                             autoescape=True))
    return conditions


def filtered(query: FollowupQuery, location_scope: Optional[int],
             team_scope: Optional[set[int]]) -> Select[Any]:
    """The appointments the query and the role's scope select (no order, no paging)."""
    statuses = WITH_CANCELLED if query.report == "all" else ACTIVE
    stmt = (select(Appointment).join(Appointment.patient)
            .where(Appointment.status.in_(statuses),
                   Appointment.starts_at >= _instant(query.first_day),
                   Appointment.starts_at < _instant(query.end_day)))
    # The period (at most 3 months) is what narrows the rows: "+ 0" keeps SQLite from
    # walking the location, service or team index instead, which matches a whole year at a
    # one-location pharmacy (bench/followup.py: the month list 3x slower).
    location, service, team = (Appointment.location_id + 0, Appointment.service_id + 0,
                               Appointment.team_id + 0)
    if location_scope is not None:
        stmt = stmt.where(location == location_scope)
    if team_scope is not None:
        stmt = stmt.where(team.in_(team_scope))
    if query.location_ids:
        stmt = stmt.where(location.in_(query.location_ids))
    if query.service_ids:
        stmt = stmt.where(service.in_(query.service_ids))
    if query.team_ids:
        stmt = stmt.where(team.in_(query.team_ids))
    return stmt.where(*_search(query))


def _order(sort: str) -> list[Any]:
    if sort == "-time":
        return [Appointment.starts_at.desc(), Appointment.id.desc()]
    if sort == "name":
        return [func.lower(Patient.last_name), func.lower(Patient.first_name),
                Appointment.starts_at, Appointment.id]
    if sort == "number":
        return [Appointment.coupon]
    return [Appointment.starts_at, Appointment.id]


@dataclass
class Row:
    appointment: Appointment
    reminders: int = 0
    followups: int = 0


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int


def build(query: FollowupQuery, location_scope: Optional[int],
          team_scope: Optional[set[int]], per_page: int = PER_PAGE) -> Page:
    """One page of the list in three queries: the count, the rows (with patient, service,
    location and team joined), and the reminders and follow-ups sent to those rows."""
    if query.view == "availability":  # FUP-2 "availability only": no appointment read
        return Page([], 0, 1, 1)
    stmt = filtered(query, location_scope, team_scope)
    total = _count(stmt)
    pages = max(1, -(-total // per_page))
    if query.page > pages:
        query.problems.append(_("There is no page %(page)s; the last page is shown.",
                                page=query.page))
        query.page = pages
    appointments = list(db.session.scalars(
        stmt.options(joinedload(Appointment.patient), joinedload(Appointment.service),
                     joinedload(Appointment.location), joinedload(Appointment.team))
        .order_by(*_order(query.sort)).limit(per_page).offset((query.page - 1) * per_page)))
    return Page([Row(a, *counts) for a, counts in
                 zip(appointments, message_counts(appointments), strict=True)],
                total, query.page, pages)


@dataclass
class Free:
    """The places left in one team's slots at one location on one day."""

    day: date
    location_id: int
    team_id: int
    first: datetime
    last: datetime
    places: int
    slots: int


MAX_FREE_ROWS = 500  # (day, location, team) groups: a 3-month view of a big pharmacy


def availability(query: FollowupQuery, location_scope: Optional[int],
                 team_scope: Optional[set[int]]) -> list[Free]:
    """The free places of the slots in the query's period, its filters and the role's scope,
    by day, location and team, in one query (FUP-2 view type). Empty for "appointments
    only" and while searching for a person (places belong to nobody)."""
    if query.view == "appointments" or query.searching:
        return []
    free = Slot.capacity - Slot.booked
    stmt = (select(Slot.day, Slot.location_id, Slot.team_id, func.min(Slot.starts_at),
                   func.max(Slot.starts_at), func.sum(free), func.count())
            .where(Slot.starts_at >= _instant(query.first_day),
                   Slot.starts_at < _instant(query.end_day), Slot.booked < Slot.capacity)
            .group_by(Slot.day, Slot.location_id, Slot.team_id)
            .order_by(Slot.day, Slot.location_id, Slot.team_id).limit(MAX_FREE_ROWS))
    if location_scope is not None:
        stmt = stmt.where(Slot.location_id == location_scope)
    if team_scope is not None:
        stmt = stmt.where(Slot.team_id.in_(team_scope))
    if query.location_ids:
        stmt = stmt.where(Slot.location_id.in_(query.location_ids))
    if query.team_ids:
        stmt = stmt.where(Slot.team_id.in_(query.team_ids))
    if query.service_ids:
        stmt = stmt.where(Slot.block_id.in_(select(block_service.c.block_id).where(
            block_service.c.service_id.in_(query.service_ids))))
    return [Free(*row) for row in db.session.execute(stmt)]


def message_counts(appointments: list[Appointment]) -> list[tuple[int, int]]:
    """(reminders, follow-ups) sent or queued for each appointment, in one query."""
    if not appointments:
        return []
    counted = {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in db.session.execute(
        select(Message.appointment_id,
               func.sum(case((Message.kind.startswith("reminder"), 1), else_=0)),
               func.sum(case((Message.kind.startswith("followup"), 1), else_=0)))
        .where(Message.appointment_id.in_([a.id for a in appointments]))
        .group_by(Message.appointment_id))}
    return [counted.get(a.id, (0, 0)) for a in appointments]


# -- bulk attendance (FUP-7) ---------------------------------------------------------------

ATTENDANCES = ("present", "absent", "not_eligible", "undefined")
# The most rows one action handles (one transaction, one audit row); "tick all" beyond it
# takes the first ones in the list's order, and the pages say so (`matching_count`).
MAX_BULK = 10_000


@dataclass
class BulkResult:
    done: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        if count:
            self.skipped[reason] = self.skipped.get(reason, 0) + count


def chosen_ids(raw_ids: list[str], query: Optional[FollowupQuery], location_scope: Optional[int],
               team_scope: Optional[set[int]]) -> list[int]:
    """The ticked ids, or with `query` ("tick all N matching") every id it selects: at most
    `MAX_BULK`, the first ones in the list's order."""
    if query is not None:
        stmt = filtered(query, location_scope, team_scope).with_only_columns(Appointment.id)
        return list(db.session.scalars(stmt.order_by(*_order(query.sort)).limit(MAX_BULK)))
    return _ids(raw_ids[:MAX_BULK], "", [])


def matching_count(query: FollowupQuery, location_scope: Optional[int],
                   team_scope: Optional[set[int]]) -> int:
    """How many appointments the query selects in the role's scope (the list's count)."""
    return _count(filtered(query, location_scope, team_scope))


def _count(stmt: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def set_attendance(ids: list[int], attendance: str, location_scope: Optional[int],
                   team_scope: Optional[set[int]]) -> BulkResult:
    """Mark these appointments present, absent, not eligible or undefined, in one transaction;
    those already so, cancelled, or outside the role's scope are skipped and counted."""
    if attendance not in ATTENDANCES:
        raise ValueError(attendance)
    result = BulkResult()
    with dbtx.write_transaction():
        found = _scoped(ids, location_scope, team_scope)
        result.skip("out_of_scope", len(set(ids)) - len(found))
        changed = []
        for appointment in found:
            if appointment.status == "cancelled":
                result.skip("cancelled")
            elif appointment.attendance == attendance:
                result.skip("unchanged")
            else:
                appointment.attendance = attendance
                changed.append(appointment.id)
        result.done = len(changed)
        if changed:
            audit.record("appointment.attendance", None, attendance=attendance, ids=changed)
    return result


# -- confirm and cancel (FUP-7): through the booking engine, one appointment at a time -----

ACTIONS = (*ATTENDANCES, "confirm", "cancel")


def _scoped(ids: list[int], location_scope: Optional[int],
            team_scope: Optional[set[int]]) -> list[Appointment]:
    stmt = select(Appointment).where(Appointment.id.in_(ids),
                                     Appointment.status.in_(WITH_CANCELLED))
    if location_scope is not None:
        stmt = stmt.where(Appointment.location_id == location_scope)
    if team_scope is not None:
        stmt = stmt.where(Appointment.team_id.in_(team_scope))
    return list(db.session.scalars(stmt.order_by(Appointment.starts_at)))


def confirm_or_cancel(action: str, ids: list[int], location_scope: Optional[int],
                      team_scope: Optional[set[int]], by_user: Any, reason: str = "",
                      now: Optional[datetime] = None) -> BulkResult:
    """Confirm, or cancel with a reason (the seat freed by the engine, the patient told by
    the channels they chose); each appointment changes exactly once, however often asked."""
    if action not in ("confirm", "cancel"):
        raise ValueError(action)
    now = now or datetime.now(UTC)
    result = BulkResult()
    found = _scoped(ids, location_scope, team_scope)
    result.skip("out_of_scope", len(set(ids)) - len(found))
    for appointment in found:
        if appointment.status == "cancelled":
            result.skip("cancelled")
        elif action == "confirm":
            if appointment.status == "confirmed":
                result.skip("confirmed")
                continue
            try:
                booking.confirm(appointment, by_user=by_user, now=now)
                result.done += 1
            except booking.BookingError:
                result.skip("changed")
        elif appointment.starts_at < now:
            result.skip("past")
        elif booking.cancel(appointment, by_user=by_user, reason=reason, now=now):
            notify_cancelled(appointment)
            db.session.commit()
            result.done += 1
        else:
            result.skip("changed")
    return result


# -- check-in at the counter by the coupon's number ----------------------------------------

class CheckInRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_in(raw: str, location_scope: Optional[int], team_scope: Optional[set[int]],
             today: date) -> Appointment:
    """Find today's appointment by its confirmation number (typed or scanned) and mark it
    present; a wrong, cancelled, other-day or out-of-scope number is refused, saying why."""
    coupon = booking.normalize_coupon(raw)
    found = db.session.scalar(select(Appointment).where(Appointment.coupon == coupon)) \
        if coupon else None
    if found is None or found.status not in WITH_CANCELLED or (
            location_scope is not None and found.location_id != location_scope) or (
            team_scope is not None and found.team_id not in team_scope):
        raise CheckInRefused(_("No appointment has the number “%(number)s”.",
                               number=raw.strip()[:20]))
    if found.status == "cancelled":
        raise CheckInRefused(_("The appointment %(number)s was cancelled.", number=found.coupon))
    day = found.starts_at.astimezone(planner_zone()).date()
    if day != today:
        raise CheckInRefused(_("The appointment %(number)s is on %(day)s, not today.",
                               number=found.coupon, day=date_text(day)))
    set_attendance([found.id], "present", location_scope, team_scope)
    return found
