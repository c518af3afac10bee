# ruff: noqa: F811  (the `planner` fixture of test_statistics, imported, is each test's argument)
"""The statistics' rollup of ended days (webapp.statistics.rollup): the figures read from
the rollup plus the live days equal the figures all read live, on the hand-built planner of
test_statistics (a daylight-saving day, an evening appointment on the next UTC day); a
change to a rolled-up day shows at once; bookings of today never touch the rollup; the job
runs on the leader only."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from webapp import statistics as st
from webapp.extensions import db
from webapp.models import (
    Appointment,
    Message,
    Slot,
    StatsDay,
    StatsDirty,
    StatsLead,
    StatsRollupState,
)
from webapp.statistics import queries, rollup

from .factories import make_block, slots_of, take_places
from .test_statistics import DST, EVE, free_seat, planner  # noqa: F401  (planner: a fixture)

AFTER = DST + timedelta(days=1)
LATER = date(2027, 4, 5)  # March has ended: read from its month's rows


def live_report(filters: st.Filters, monkeypatch: pytest.MonkeyPatch) -> st.Report:
    """The report with every day read live, as before any rollup."""
    with monkeypatch.context() as patch:
        patch.setattr(rollup, "part", lambda start, end: queries.Part(((start, end),), None))
        return st.report(filters)


def shown(report: st.Report) -> dict[str, Any]:
    """Every figure of a report, comparable."""
    return {
        "total": asdict(report.total), "days": [(d, asdict(c)) for d, c in report.by_day],
        "locations": [(x.id, asdict(c)) for x, c in report.by_location],
        "services": [(x.id, asdict(c)) for x, c in report.by_service],
        "teams": [(x.id, asdict(c)) for x, c in report.by_team],
        "lead": (report.lead_median_hours, report.lead_buckets), "heat": report.heat,
        "reminders": asdict(report.reminders),
    }


def asked(w: Any, team_c: Any) -> list[st.Filters]:
    return [st.Filters(EVE - timedelta(days=3), AFTER + timedelta(days=3)), st.Filters(EVE, DST),
            st.Filters(DST, DST), st.Filters(EVE, EVE), st.Filters(AFTER, AFTER),
            st.Filters(EVE, AFTER, location_ids=(w.other_location.id,)),
            st.Filters(EVE, AFTER, service_ids=(w.other_service.id,)),
            st.Filters(EVE, AFTER, team_ids=(w.team.id, team_c.id)),
            st.Filters(date(2027, 3, 1), date(2027, 3, 31)),
            st.Filters(date(2027, 2, 27), date(2027, 4, 2), service_ids=(w.service.id,))]


def assert_same_as_live(planner: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    for filters in asked(planner["w"], planner["team_c"]):
        assert shown(st.report(filters)) == shown(live_report(filters, monkeypatch)), filters


def roll_until(app: Any, today: date) -> tuple[int, int]:
    app.config["TODAY"] = today
    return rollup.roll()


def test_rollup_plus_live_equals_all_live(planner: dict[str, Any], any_db_app: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = {f: shown(st.report(f)) for f in asked(planner["w"], planner["team_c"])}
    # Rolled up to the DST day (EVE ended, DST live), then past every day of the planner.
    for today in (DST, LATER):
        passed, rolled = roll_until(any_db_app, today)
        assert passed > 0 and rolled >= passed
        assert db.session.scalar(select(func.count()).select_from(StatsDirty)) == 0
        for filters, figures in before.items():
            assert shown(st.report(filters)) == figures, (today, filters)
    part = rollup.part(EVE, DST)
    assert part.live == () and part.rolled == (EVE, DST)  # read from the rollup alone
    march = rollup.part(date(2027, 2, 27), date(2027, 4, 2))
    assert march.spans() == ([date(2027, 3, 1)], [(date(2027, 2, 27), date(2027, 2, 28)),
                                                  (date(2027, 4, 1), date(2027, 4, 2))])
    assert db.session.scalar(select(func.count()).select_from(StatsLead)
                             .where(StatsLead.span == "m")) > 0
    assert db.session.scalar(select(func.sum(StatsDay.booked))) == 8  # 7, and AFTER's
    # The lead times of 2 days or more are kept in whole days: 240 and 960 hours.
    assert set(db.session.scalars(select(StatsLead.hours).where(
        StatsLead.span == "d", StatsLead.epoch_day <= queries.epoch_day(DST)))
    ) == {0, 1, 23, 24, 48, 240, 960}
    assert roll_until(any_db_app, LATER) == (0, 0)  # nothing to do


def test_a_change_to_a_rolled_up_day_shows_at_once(planner: dict[str, Any], any_db_app: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    roll_until(any_db_app, LATER)
    period = st.Filters(EVE, DST)
    on_dst = select(Appointment).where(Appointment.starts_at >= queries.utc_start(DST),
                                       Appointment.starts_at < queries.utc_start(AFTER),
                                       Appointment.status == "booked").order_by(Appointment.id)
    absent = db.session.scalars(on_dst.where(Appointment.attendance == "absent")).one()
    # Attendance marked the next days (ORM): present, no longer absent.
    absent.attendance = "present"
    db.session.commit()
    report = st.report(period)
    assert (report.total.absent, report.total.present) == (0, 3)
    assert rollup.part(date(2027, 3, 1), date(2027, 3, 31)).spans()[0] == []  # March: by day
    assert db.session.scalar(select(func.count()).select_from(StatsDirty)) == 1
    assert_same_as_live(planner, monkeypatch)
    # A late cancellation (Core, as booking.cancel does).
    free_seat(absent, "cancelled")
    assert st.report(period).total.cancelled == 3
    # A reminder sent late about an appointment of the rolled-up evening.
    eve_one = db.session.scalars(select(Appointment).where(
        Appointment.starts_at < queries.utc_start(DST), Appointment.status == "booked")
        .order_by(Appointment.id)).first()
    db.session.add(Message(appointment_id=eve_one.id, kind="reminder_2", channel="email",
                           recipient="x", body="x", status="sent",
                           sent_at=queries.utc_start(EVE)))
    db.session.commit()
    assert st.report(st.Filters(EVE, EVE)).reminders.reminded == 1
    # The block edited: one more place on the evening.
    db.session.execute(update(Slot).where(Slot.day == EVE).values(capacity=Slot.capacity + 1))
    db.session.commit()
    assert st.report(st.Filters(EVE, EVE)).total.capacity == 4
    # A purge (retention, Core delete): the appointment and its messages go.
    db.session.execute(delete(Message).where(Message.appointment_id == eve_one.id))
    db.session.execute(delete(Appointment).where(Appointment.id == eve_one.id))
    db.session.commit()
    assert st.report(st.Filters(EVE, EVE)).total.booked == 1
    assert_same_as_live(planner, monkeypatch)
    # The job rolls the dirty days again: the same figures, read from the rollup.
    figures = {f: shown(st.report(f)) for f in asked(planner["w"], planner["team_c"])}
    assert roll_until(any_db_app, LATER)[1] > 0
    assert db.session.scalar(select(func.count()).select_from(StatsDirty)) == 0
    assert rollup.part(EVE, DST).live == ()
    for filters, before in figures.items():
        assert shown(st.report(filters)) == before, filters


def test_a_change_to_the_evening_before_the_boundary_shows(planner: dict[str, Any],
                                                           any_db_app: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """23:15 on the DST day is 03:15 UTC on the next day, the boundary's own date."""
    roll_until(any_db_app, AFTER)
    late = db.session.scalars(select(Appointment).where(
        Appointment.starts_at >= queries.utc_start(DST) + timedelta(hours=22),
        Appointment.starts_at < queries.utc_start(AFTER))).one()
    late.attendance = "absent"
    db.session.commit()
    assert db.session.scalars(select(StatsDirty.day)).all() == [AFTER]
    assert st.report(st.Filters(DST, DST)).total.absent == 2
    assert_same_as_live(planner, monkeypatch)
    roll_until(any_db_app, AFTER)
    assert db.session.scalar(select(func.count()).select_from(StatsDirty)) == 0
    assert rollup.part(EVE, DST).live == ()
    assert st.report(st.Filters(DST, DST)).total.absent == 2


def test_bookings_of_today_and_later_never_touch_the_rollup(planner: dict[str, Any],
                                                            any_db_app: Any) -> None:
    w = planner["w"]
    roll_until(any_db_app, AFTER)  # AFTER is today: live
    block = make_block(w.location, w.team, [w.service], AFTER + timedelta(days=2), "09:00",
                       "09:30", 2)
    (booked,) = take_places(slots_of(block)[0], w.service)
    booked.attendance = "present"
    db.session.commit()
    today = db.session.scalars(select(Appointment).where(
        Appointment.starts_at >= queries.utc_start(AFTER),
        Appointment.starts_at < queries.utc_start(AFTER + timedelta(days=1)))).one()
    today.attendance = "absent"
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(StatsDirty)) == 0
    assert st.report(st.Filters(AFTER, AFTER)).total.absent == 1


def test_a_new_time_zone_rolls_everything_again(planner: dict[str, Any], any_db_app: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp.organization import current

    roll_until(any_db_app, LATER)
    current().timezone = "America/Vancouver"
    db.session.commit()
    from flask import g

    g.pop("planner_zone", None)
    assert rollup.part(EVE, DST).rolled is None  # the old rollup is not read
    assert_same_as_live(planner, monkeypatch)
    roll_until(any_db_app, LATER)
    assert db.session.get(StatsRollupState, 1).zone == "America/Vancouver"
    assert rollup.part(EVE, DST).live == ()
    assert_same_as_live(planner, monkeypatch)


def test_the_job_runs_on_the_leader_only(planner: dict[str, Any], any_db_app: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp import leader
    from webapp.extensions import scheduler
    from webapp.jobs import install_jobs

    any_db_app.config["TODAY"] = LATER
    install_jobs(any_db_app)
    try:
        job = scheduler.get_job("stats_rollup")
        assert job is not None and "minute='20'" in str(job.trigger)
        monkeypatch.setattr(leader, "still_leader", lambda app: False)
        job.func()
        assert db.session.get(StatsRollupState, 1) is None
        monkeypatch.setattr(leader, "still_leader", lambda app: True)
        job.func()
        assert db.session.get(StatsRollupState, 1).until == LATER
        assert rollup.part(EVE, DST).live == ()
    finally:
        for each in scheduler.get_jobs():
            scheduler.remove_job(each.id)


def test_the_operators_command(planner: dict[str, Any], any_db_app: Any) -> None:
    any_db_app.config["TODAY"] = LATER
    result = any_db_app.test_cli_runner().invoke(args=["stats-rollup"])
    assert result.exit_code == 0, result.output
    assert "rolled up" in result.output
    assert db.session.get(StatsRollupState, 1) is not None
