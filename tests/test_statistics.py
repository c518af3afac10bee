"""The statistics' counting rules against a hand-built planner where every number is known:
cancellations by patient and staff, a moved appointment, holds in progress and expired, an
appointment late in the evening (next day in UTC) and a daylight-saving day (2027-03-14,
23 hours)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import event, update

from webapp import statistics as st
from webapp.extensions import db
from webapp.models import Appointment, Message, Slot

from .factories import make_block, make_team, make_user, make_world, slots_of, take_places

ZONE = ZoneInfo("America/Toronto")
DST = date(2027, 3, 14)  # clocks spring forward at 2:00: a day of 23 hours
EVE = DST - timedelta(days=1)


def local(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZONE).astimezone(UTC)


def free_seat(appointment: Appointment, status: str, **fields: Any) -> None:
    db.session.execute(update(Slot).where(Slot.id == appointment.slot_id)
                       .values(booked=Slot.booked - 1))
    appointment.status = status
    for name, value in fields.items():
        setattr(appointment, name, value)
    db.session.commit()


@pytest.fixture
def planner(any_db_app: Any) -> dict[str, Any]:
    w = make_world()
    staff = make_user()
    team_c = make_team("Équipe C", [w.other_location], [w.service, w.other_service], position=3)
    main = slots_of(make_block(w.location, w.team, [w.service], DST, "09:00", "10:00", 2))
    late = slots_of(make_block(w.other_location, team_c, [w.service, w.other_service], DST,
                               "23:00", "23:30", 1))
    eve = slots_of(make_block(w.location, w.other_team, [w.other_service], EVE,
                              "10:00", "10:30", 1))
    after = slots_of(make_block(w.location, w.team, [w.service], DST + timedelta(days=1),
                                "09:00", "09:15", 1))
    s, s2 = w.service, w.other_service
    a1, a2 = take_places(main[0], s, 2)
    a1.online, a1.status, a1.attendance = True, "confirmed", "present"
    a1.created_at = local(DST, "09:00") - timedelta(hours=240)
    a2.booked_by_id, a2.attendance, a2.created_at = staff.id, "absent", local(DST, "08:00")
    a3, a4 = take_places(main[1], s, 2)
    a3.online, a3.created_at = True, local(EVE, "09:15")  # 23 hours before: the DST day
    a4.created_at = local(DST, "09:00")
    a5, a6 = take_places(main[2], s, 2, status="held")
    (a7,) = take_places(late[1], s2)  # 23:15 on the DST day: 03:15 UTC the next day
    a7.created_at = a7.starts_at - timedelta(days=40)
    (a8,) = take_places(eve[0], s2, attendance="not_eligible")
    a8.created_at = local(EVE - timedelta(days=2), "10:00")
    (a9,) = take_places(main[3], s, attendance="present")
    take_places(after[0], s, online=True)  # the day after the period
    db.session.commit()
    free_seat(a3, "cancelled")
    free_seat(a4, "cancelled", cancelled_by_id=staff.id)
    free_seat(a5, "expired")
    # a9 moved (as booking.move does): its old seat freed, the new one taken, in place.
    free_seat(a9, "booked", slot_id=eve[1].id, starts_at=eve[1].starts_at,
              service_id=s2.id, team_id=w.other_team.id,
              created_at=eve[1].starts_at - timedelta(hours=24))
    db.session.execute(update(Slot).where(Slot.id == eve[1].id).values(booked=1))
    # Reminders: a1 confirmed after its reminder; a2 reminded by email and SMS, not
    # confirmed; a3 reminded then cancelled; not counted: a reminder still pending (a8), a
    # follow-up message (a2), a reminder of the day after the period.
    sent = local(EVE, "09:00")
    a1.confirmed_at = sent + timedelta(hours=2)
    for appointment, kind, channel, status in (
            (a1, "reminder_1", "email", "sent"), (a2, "reminder_1", "email", "sent"),
            (a2, "reminder_1", "sms", "sent"), (a3, "reminder_2", "sms", "sent"),
            (a8, "reminder_1", "email", "pending"), (a2, "followup_absent", "sms", "sent")):
        db.session.add(Message(appointment_id=appointment.id, kind=kind, channel=channel,
                               recipient="x", body="x", status=status,
                               sent_at=sent if status == "sent" else None))
    db.session.commit()
    return {"w": w, "team_c": team_c}


def figures(counts: st.Counts) -> dict[str, int]:
    return {k: v for k, v in vars(counts).items() if v}


def test_totals_follow_the_counting_rules(planner: dict[str, Any]) -> None:
    report = st.report(st.Filters(EVE, DST))
    assert figures(report.total) == {
        "booked": 7, "online": 2, "by_staff": 5, "cancelled": 2, "cancelled_by_patient": 1,
        "cancelled_by_staff": 1, "kept": 5, "confirmed": 1, "present": 2, "absent": 1,
        "not_eligible": 1, "not_marked": 1, "capacity": 12, "places_left": 6}
    assert report.total.fill_rate == 0.5
    assert report.total.no_show_rate == 0.25
    assert report.total.confirmed_rate == 0.2


def test_reminders_sent_and_confirmed_after_them(planner: dict[str, Any]) -> None:
    reminders = st.report(st.Filters(EVE, DST)).reminders
    assert (reminders.sent, reminders.reminded, reminders.confirmed) == (4, 3, 1)
    assert reminders.confirmed_rate == pytest.approx(1 / 3)
    assert st.report(st.Filters(DST + timedelta(days=1), DST + timedelta(days=1))
                     ).reminders == st.Reminders()


@pytest.mark.parametrize(("days", "grouping"), [(1, "day"), (62, "day"), (63, "week"),
                                                (366, "week"), (367, "month")])
def test_long_periods_are_shown_by_week_then_by_month(app: Any, days: int,
                                                      grouping: str) -> None:
    start = date(2026, 1, 1)
    report = st.report(st.Filters(start, start + timedelta(days=days - 1)))
    assert report.grouping == grouping


def test_weeks_and_months_add_up_their_days(planner: dict[str, Any]) -> None:
    # 2027-01-06 (a Wednesday) to 2027-04-30: the first week starts on the Wednesday.
    report = st.report(st.Filters(date(2027, 1, 6), date(2027, 4, 30)))
    weeks = report.by_period
    assert report.grouping == "week" and weeks[0][0] == date(2027, 1, 6)
    assert [day.weekday() for day, _c in weeks[1:]] == [0] * (len(weeks) - 1)
    week = {day: c for day, c in weeks}[date(2027, 3, 8)]  # EVE and DST: Sat 13, Sun 14
    assert (week.booked, week.capacity, week.places_left) == (7, 12, 6)
    assert sum(c.booked for _d, c in weeks) == report.total.booked == 8
    months = st.report(st.Filters(date(2026, 12, 15), date(2027, 12, 31)))
    assert months.grouping == "month"
    assert [day for day, _c in months.by_period][:3] == [date(2026, 12, 15), date(2027, 1, 1),
                                                        date(2027, 2, 1)]
    march = dict(months.by_period)[date(2027, 3, 1)]
    assert (march.booked, march.capacity) == (8, 13)


def test_by_day_the_evening_appointment_stays_on_its_local_day(planner: dict[str, Any]) -> None:
    report = st.report(st.Filters(EVE, DST))
    days = {day: (c.booked, c.kept, c.capacity, c.places_left) for day, c in report.by_day}
    assert days == {EVE: (2, 2, 2, 0), DST: (5, 3, 10, 6)}
    only_dst = st.report(st.Filters(DST, DST))
    assert (only_dst.total.booked, only_dst.total.capacity) == (5, 10)
    next_day = st.report(st.Filters(DST + timedelta(days=1), DST + timedelta(days=1)))
    assert (next_day.total.booked, next_day.total.online, next_day.total.capacity) == (1, 1, 1)


def test_per_location_service_and_team(planner: dict[str, Any]) -> None:
    w, team_c = planner["w"], planner["team_c"]
    report = st.report(st.Filters(EVE, DST))

    def rows(pairs: list[tuple[Any, st.Counts]]) -> dict[int, tuple[int, int, int]]:
        return {x.id: (c.booked, c.capacity, c.places_left) for x, c in pairs}

    assert rows(report.by_location) == {w.location.id: (6, 10, 5),
                                        w.other_location.id: (1, 2, 1)}
    assert rows(report.by_service) == {w.service.id: (4, 10, 6), w.other_service.id: (3, 4, 1)}
    assert rows(report.by_team) == {w.team.id: (4, 8, 5), w.other_team.id: (2, 2, 0),
                                    team_c.id: (1, 2, 1)}


def test_filters_narrow_every_figure(planner: dict[str, Any]) -> None:
    w = planner["w"]
    by_service = st.report(st.Filters(EVE, DST, service_ids=(w.other_service.id,)))
    assert (by_service.total.booked, by_service.total.capacity,
            by_service.total.places_left) == (3, 4, 1)
    by_location = st.report(st.Filters(EVE, DST, location_ids=(w.other_location.id,)))
    assert (by_location.total.booked, by_location.total.capacity) == (1, 2)
    by_team = st.report(st.Filters(EVE, DST, team_ids=(w.team.id,)))
    assert (by_team.total.booked, by_team.total.cancelled, by_team.total.capacity) == (4, 2, 8)


def test_lead_time_median_and_buckets(planner: dict[str, Any]) -> None:
    report = st.report(st.Filters(EVE, DST))
    # 0, 1, 23 (across the lost hour), 24, 48, 240, 960 hours
    assert report.lead_median_hours == 24
    assert report.lead_buckets == [("same_day", 3), ("1_day", 1), ("2_3_days", 1),
                                   ("4_7_days", 0), ("8_14_days", 1), ("15_30_days", 0),
                                   ("over_30_days", 1)]


def test_busiest_hours_in_local_time(planner: dict[str, Any]) -> None:
    heat = st.report(st.Filters(EVE, DST)).heat
    busy = {(day, hour): n for day in range(7) for hour, n in enumerate(heat[day]) if n}
    assert busy == {(6, 9): 2, (6, 23): 1, (5, 10): 2}  # Sunday 9 h and 23 h, Saturday 10 h


def test_fall_back_day_of_25_hours(any_db_app: Any) -> None:
    w = make_world()
    day = date(2027, 11, 7)
    late = slots_of(make_block(w.location, w.team, [w.service], day, "23:30", "23:45", 1))
    early = slots_of(make_block(w.location, w.team, [w.service], day, "00:00", "00:15", 1))
    take_places(late[0], w.service)
    take_places(early[0], w.service)
    report = st.report(st.Filters(day, day))
    assert (report.total.booked, report.total.capacity) == (2, 2)
    assert report.heat[6][23] == 1 and report.heat[6][0] == 1


def test_query_count_is_fixed(planner: dict[str, Any]) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        st.report(st.Filters(DST, DST))
        one_day = len(statements)
        statements.clear()
        st.report(st.Filters(EVE - timedelta(days=300), DST + timedelta(days=300)))
        long = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert one_day == long == st.QUERY_COUNT


def test_an_empty_period_has_no_rates(app: Any) -> None:
    report = st.report(st.Filters(DST, DST))
    assert report.total.booked == 0 and report.total.fill_rate is None
    assert report.lead_median_hours is None


TODAY = date(2026, 12, 3)  # a Thursday


@pytest.mark.parametrize(("preset", "first", "last"), [
    ("today", TODAY, TODAY),
    ("week", date(2026, 11, 30), date(2026, 12, 6)),
    ("last7", date(2026, 11, 27), TODAY),
    ("month", date(2026, 12, 1), date(2026, 12, 31)),
    ("last3months", date(2026, 10, 1), date(2026, 12, 31)),
])
def test_presets(preset: str, first: date, last: date) -> None:
    assert st.preset_range(preset, TODAY) == (first, last)


def read(app: Any, scope: int | None = None, **args: Any) -> st.Filters:
    values = {"preset": "", "start": "", "end": "", "locations": [], "services": [],
              "teams": []}
    values.update(args)
    with force_locale("en"):
        return st.read_filters(today=TODAY, scope=scope, **values)


@pytest.mark.parametrize(("args", "message"), [
    ({"preset": "decade"}, "Choose a period from the list."),
    ({"preset": "custom", "start": "2026-01-01"}, "Enter both the first and the last day"),
    ({"start": "2026-13-01", "end": "2026-12-01"}, "Enter the first day as YYYY-MM-DD."),
    ({"start": "2026-12-01", "end": "2026-11-01"}, "The last day comes before the first day."),
    ({"start": "2000-01-01", "end": "2049-12-31"}, "Choose a period of at most 731 days."),
    ({"start": "0001-01-01", "end": "0001-01-02"}, "Choose days between 2000-01-01 and"),
    ({"start": "9999-12-30", "end": "9999-12-31"}, "Choose days between 2000-01-01 and"),
    ({"locations": ["999"]}, "This location does not exist"),
    ({"services": ["x"]}, "This service does not exist"),
    ({"teams": ["-1"]}, "This team does not exist"),
])
def test_bad_filters_are_refused_with_a_message(app: Any, args: dict[str, Any],
                                                message: str) -> None:
    make_world()
    with pytest.raises(st.StatsInputError) as refused:
        read(app, **args)
    assert refused.value.message.startswith(message)


def test_a_scoped_pilot_sees_only_the_scope(app: Any) -> None:
    w = make_world()
    assert read(app, scope=w.location.id).location_ids == (w.location.id,)
    with pytest.raises(st.StatsInputError):
        read(app, scope=w.location.id, locations=[str(w.other_location.id)])
    chosen = read(app, start="2026-01-01", end="2026-01-31", services=[str(w.service.id)])
    assert chosen == st.Filters(date(2026, 1, 1), date(2026, 1, 31), (), (w.service.id,), ())
