"""Reminders, follow-ups and move notices planned by scanning (COM-2, CFG-6), the daytime
window (COM-4) and the checks made again just before sending."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from webapp import booking
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.messaging import communications, dispatch_due
from webapp.messaging.window import next_open
from webapp.models import Appointment, CommunicationSetting, Message
from webapp.timeutil import local_today

from .factories import make_world, patient_data, slots_of

CELL = "418 555-0100"


SITE = "https://rdv.example.org"


@pytest.fixture(autouse=True)
def public_site(app):
    app.config["PUBLIC_URL"] = SITE


@pytest.fixture
def world(app):
    return make_world(days_ahead=3, start="09:00", end="10:00")


def switch_on(kind: str, hours: int, by_sms: bool = True) -> None:
    setting = db.session.scalar(select(CommunicationSetting).where(
        CommunicationSetting.kind == kind))
    setting.active, setting.hours, setting.by_email, setting.by_sms = True, hours, True, by_sms
    db.session.commit()


def book(world, n: int = 0, slot=None, language: str = "fr_CA") -> Appointment:
    data = patient_data(n, email=f"p{n}@example.org", cell_phone=CELL)
    return booking.book(BookingRequest(slot or world.slots[0], world.service, data,
                                       send_email=True, send_sms=True, language=language))


def messages(kind: str | None = None) -> list[Message]:
    query = select(Message).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return list(db.session.scalars(query))


def test_reminder_is_queued_once_per_channel_with_the_confirm_link(world):
    switch_on("reminder_1", 48)
    appointment = book(world)
    at = appointment.starts_at - timedelta(hours=47)
    assert communications.plan(now=at - timedelta(hours=2)) == 0  # not yet due
    assert communications.plan(now=at) == 2
    assert communications.plan(now=at + timedelta(minutes=1)) == 0
    sent = messages("reminder_1")
    assert sorted(m.channel for m in sent) == ["email", "sms"]
    assert all(appointment.token in m.body for m in sent)
    assert "Rappel" in sent[0].subject
    assert dispatch_due(now=at) == 4  # with the two confirmations
    assert {m.status for m in messages("reminder_1")} == {"sent"}


def test_reminder_speaks_the_patients_language(world):
    switch_on("reminder_1", 48)
    appointment = book(world, language="en")
    communications.plan(now=appointment.starts_at - timedelta(hours=47))
    email = messages("reminder_1")[0]
    assert email.subject == f"Reminder: your appointment {appointment.coupon}"
    assert "Please confirm that you will come" in email.body


def test_no_reminder_for_a_booking_made_after_its_time(world):
    switch_on("reminder_1", 48)
    appointment = book(world)
    db.session.execute(Appointment.__table__.update().values(
        created_at=appointment.starts_at - timedelta(hours=10)))
    db.session.commit()
    assert communications.plan(now=appointment.starts_at - timedelta(hours=9)) == 0


def test_cancelled_appointment_gets_no_reminder_and_a_queued_one_is_not_sent(world):
    switch_on("reminder_1", 48)
    first, second = book(world, 0), book(world, 1)
    at = first.starts_at - timedelta(hours=47)
    booking.cancel(first)
    assert communications.plan(now=at) == 2  # the second one only
    booking.cancel(second)
    dispatch_due(now=at)
    assert {m.status for m in messages("reminder_1")} == {"cancelled"}


def test_a_move_replans_reminders_and_tells_the_new_time(world):
    switch_on("reminder_1", 48)
    appointment = book(world)
    at = appointment.starts_at - timedelta(hours=47)
    communications.plan(now=at)
    booking.move(appointment, BookingRequest(world.slots[2], world.service, {}))
    later = at + timedelta(minutes=1)
    assert communications.plan(now=later) == 4  # two "moved" notices, two new reminders
    moved = messages("moved")
    assert [m.channel for m in moved] == ["email", "sms"]
    assert "a été déplacé" in moved[0].body
    dispatch_due(now=later)
    statuses = {(m.occurrence, m.status) for m in messages("reminder_1")}
    assert {s for _, s in statuses} == {"cancelled", "sent"}
    assert communications.plan(now=later + timedelta(minutes=1)) == 0


def test_followup_after_an_absence_offers_the_booking_link(world):
    switch_on("followup_absent", 24)
    appointment = book(world)
    appointment.attendance = "absent"
    db.session.commit()
    assert communications.plan(now=appointment.starts_at + timedelta(hours=23)) == 0
    assert communications.plan(now=appointment.starts_at + timedelta(hours=24)) == 2
    assert communications.plan(now=appointment.starts_at + timedelta(hours=25)) == 0
    email = messages("followup_absent")[0]
    assert f"{SITE}/\n" in email.body
    # Two days later than its time, a follow-up is not sent any more.
    other = book(world, 1)
    other.attendance = "absent"
    db.session.commit()
    assert communications.plan(now=other.starts_at + timedelta(hours=24 + 49)) == 0


def test_followup_after_a_cancellation_unless_booked_again(world):
    switch_on("followup_cancelled", 2)
    first, second = book(world, 0), book(world, 1)
    booking.cancel(first)
    booking.cancel(second)
    book(world, 1, slot=world.slots[3])  # the second person booked again
    now = datetime.now(UTC) + timedelta(hours=2, minutes=1)
    assert communications.plan(now=now) == 2
    assert {m.appointment_id for m in messages("followup_cancelled")} == {first.id}


def test_window_opens_at_eight_on_daylight_saving_days(app):
    # 2026-03-08: clocks go from 2:00 to 3:00 (EST -> EDT); 2026-11-01: from 2:00 to 1:00.
    spring = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert next_open(spring) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT
    autumn = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT... or EST
    assert next_open(autumn) == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST
    late = datetime(2026, 3, 8, 3, 30, tzinfo=UTC)  # 22:30 EST the evening before
    assert next_open(late) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    day = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # 10:00 EST
    assert next_open(day) == day


def test_night_reminder_waits_for_the_window_and_confirmation_goes_at_once(world):
    switch_on("reminder_1", 30)  # 09:00 appointment: 03:00 two days before
    appointment = book(world)
    night = appointment.starts_at - timedelta(hours=30)
    assert communications.plan(now=night) == 2
    assert dispatch_due(now=night) == 2  # the confirmations asked for just now
    assert {m.status for m in messages("confirmation")} == {"sent"}
    assert {m.status for m in messages("reminder_1")} == {"pending"}
    assert dispatch_due(now=night + timedelta(hours=4)) == 0  # 07:00
    assert dispatch_due(now=night + timedelta(hours=5)) == 2
    assert {m.status for m in messages("reminder_1")} == {"sent"}


def test_reminder_that_would_arrive_after_the_appointment_is_dropped(app):
    world = make_world()
    block = world.add_block(local_today() + timedelta(days=3), "06:00", "07:00")
    switch_on("reminder_2", 4)  # 06:00 appointment: due 02:00, window opens 08:00
    appointment = book(world, slot=slots_of(block)[0])
    assert communications.plan(now=appointment.starts_at - timedelta(hours=4)) == 2
    assert {(m.status, m.last_error) for m in messages("reminder_2")} == {
        ("dropped", "would arrive after the appointment")}
    dispatch_due(now=appointment.starts_at - timedelta(hours=1))
    assert {m.status for m in messages("reminder_2")} == {"dropped"}


def test_confirming_from_the_reminder_link_marks_it_confirmed(world, client):
    switch_on("reminder_1", 48)
    appointment = book(world)
    communications.plan(now=appointment.starts_at - timedelta(hours=47))
    link = messages("reminder_1")[0].body.split(SITE)[1].split()[0]
    page = client.get(link, follow_redirects=True)
    assert page.status_code == 200
    response = client.post(f"/appointment/{appointment.token}/confirm", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "confirmed"


def test_send_now_queues_through_the_same_path_once_a_minute(world):
    switch_on("reminder_1", 48, by_sms=False)
    appointment = book(world)
    now = appointment.starts_at - timedelta(hours=24)  # 09:00 the day before
    assert communications.send_now(appointment, "reminder_1", None, now=now) == 1
    assert communications.send_now(appointment, "reminder_1", None, now=now) == 0
    assert dispatch_due(now=now) == 3  # with the two confirmations: not taken for stale
    assert {m.status for m in messages("reminder_1")} == {"sent"}
    bare = booking.book(BookingRequest(world.slots[1], world.service, patient_data(5)))
    with pytest.raises(communications.NothingToSend):
        communications.send_now(bare, "followup_absent", None, now=now)


def test_communications_tab_counts_the_sms_characters(world, client, auth):
    from webapp.accounts.roles import Role

    switch_on("reminder_1", 48)
    auth.login(Role.PILOTE)
    page = client.get("/admin/config/communications", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "SMS as sent" in text
    assert "Confirm or cancel: https://rdv.example.org/" in text
    assert "characters" in text


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the planner's zone, `day_offset` days from today, as UTC."""
    from datetime import time

    from webapp.timeutil import planner_zone

    return datetime.combine(local_today() + timedelta(days=day_offset), time(hour, minute),
                            tzinfo=planner_zone()).astimezone(UTC)


def test_a_move_by_staff_at_night_is_told_when_the_window_opens(world):
    appointment = book(world)
    dispatch_due()  # the confirmations, asked for just now: sent whatever the hour
    night = local(1, 3)
    booking.move(appointment, BookingRequest(world.slots[2], world.service, {}), now=night)
    assert communications.plan(now=night) == 2
    opens = local(1, 8)
    assert {m.due_at for m in messages("moved")} == {opens}
    assert dispatch_due(now=night) == 0
    assert dispatch_due(now=opens - timedelta(minutes=1)) == 0
    assert dispatch_due(now=opens) == 2
    assert {m.status for m in messages("moved")} == {"sent"}


def test_a_cancellation_by_staff_at_night_waits_for_the_window(world):
    from webapp.scheduling.notices import notify_cancelled

    appointment = book(world)
    dispatch_due()
    night = local(1, 2)  # queued now, tried at 02:00 tomorrow
    booking.cancel(appointment)
    assert notify_cancelled(appointment) == 2
    db.session.commit()
    assert dispatch_due(now=night) == 0  # claimed, then put back until the window opens
    notices = messages("cancelled_by_staff")
    assert {(m.status, m.attempts) for m in notices} == {("pending", 0)}
    opens = local(1, 8)
    assert {m.due_at for m in notices} == {opens}
    assert dispatch_due(now=opens) == 2


def test_a_reminder_late_in_the_queue_is_dropped_when_it_would_arrive_too_late(app):
    world = make_world()
    block = world.add_block(local_today() + timedelta(days=3), "07:00", "08:00")
    switch_on("reminder_2", 10)  # 07:00 appointment: due 21:00 the evening before, in window
    appointment = book(world, slot=slots_of(block)[0])
    due = appointment.starts_at - timedelta(hours=10)
    assert communications.plan(now=due) == 2
    assert {m.status for m in messages("reminder_2")} == {"pending"}
    # The sender was down until 22:30: the window is closed, and at 08:00 it would be late.
    dispatch_due(now=due + timedelta(hours=1, minutes=30))
    assert {(m.status, m.last_error) for m in messages("reminder_2")} == {
        ("dropped", "would arrive after the appointment")}


@pytest.mark.parametrize(("day", "hours", "planned_at", "opens"), [
    # 2027-03-14, clocks go from 2:00 to 3:00: 30 h before 09:00 EDT on the 15th is 03:00 EDT;
    # planned at 03:30 EDT (07:30 UTC), sent at 08:00 EDT (12:00 UTC).
    (datetime(2027, 3, 15).date(), 30, datetime(2027, 3, 14, 7, 30, tzinfo=UTC),
     datetime(2027, 3, 14, 12, 0, tzinfo=UTC)),
    # 2027-11-07, clocks go from 2:00 back to 1:00: 32 h before 09:00 EST on the 8th is the
    # second 01:00 (EST); planned at 01:30 EST (06:30 UTC), sent at 08:00 EST (13:00 UTC).
    (datetime(2027, 11, 8).date(), 32, datetime(2027, 11, 7, 6, 30, tzinfo=UTC),
     datetime(2027, 11, 7, 13, 0, tzinfo=UTC)),
])
def test_a_reminder_due_on_a_daylight_saving_night_goes_at_eight(app, day, hours, planned_at,
                                                                  opens):
    world = make_world()
    block = world.add_block(day, "09:00", "10:00")
    switch_on("reminder_1", hours)
    appointment = book(world, slot=slots_of(block)[0])
    dispatch_due()  # the confirmations
    assert communications.plan(now=planned_at) == 2
    assert {m.due_at for m in messages("reminder_1")} == {opens}
    assert dispatch_due(now=opens - timedelta(minutes=1)) == 0
    assert dispatch_due(now=opens) == 2
    assert appointment.starts_at - opens > timedelta(hours=20)


def test_a_reminder_sent_by_hand_is_not_taken_for_a_move(world):
    switch_on("reminder_1", 48)
    appointment = book(world)
    now = appointment.starts_at - timedelta(hours=24)
    assert communications.send_now(appointment, "reminder_1", None, now=now) == 2
    communications.plan(now=now)
    assert messages("moved") == []  # the "@<minute>" occurrence is not an earlier time


def test_planning_finds_what_is_due_in_sql_on_both_databases(any_db_app):
    world = make_world(days_ahead=3, start="09:00", end="10:00")
    switch_on("reminder_1", 48)
    switch_on("followup_cancelled", 1)
    kept, moved = book(world, 0), book(world, 1)
    cancelled = book(world, 2, slot=world.slots[1])
    quiet = booking.book(BookingRequest(world.slots[1], world.service, patient_data(3)))
    at = kept.starts_at - timedelta(hours=47)
    assert communications.plan(now=at) == 6  # three reminders, by email and SMS
    booking.move(moved, BookingRequest(world.slots[2], world.service, {}))
    booking.cancel(cancelled)
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    # The move: two notices and two new reminders; the cancellation: two follow-ups.
    assert communications.plan(now=max(later, at)) == 6
    assert communications.plan(now=max(later, at) + timedelta(minutes=1)) == 0
    assert {m.appointment_id for m in messages("moved")} == {moved.id}
    assert {m.appointment_id for m in messages("followup_cancelled")} == {cancelled.id}
    assert quiet.id not in {m.appointment_id for m in messages()}


def test_a_reminder_of_a_batch_is_not_sent_once_its_appointment_is_cancelled(world, monkeypatch):
    """The batch is loaded at once; the appointment's state is read again before each one."""
    from webapp.messaging import outbox

    switch_on("reminder_1", 48, by_sms=False)
    first, second = book(world, 0), book(world, 1)
    at = first.starts_at - timedelta(hours=47)
    dispatch_due()  # the confirmations
    communications.plan(now=at)
    deliver = outbox.OutboxBackend.deliver

    def cancel_the_second(self, message):
        deliver(self, message)
        if message.appointment_id == first.id:
            db.session.execute(Appointment.__table__.update()
                               .where(Appointment.id == second.id).values(status="cancelled"))

    monkeypatch.setattr(outbox.OutboxBackend, "deliver", cancel_the_second)
    assert dispatch_due(now=at) == 1
    statuses = {m.appointment_id: m.status for m in messages("reminder_1")}
    assert statuses == {first.id: "sent", second.id: "cancelled"}
