"""Moving, cancelling, confirming, holds and capacity edits, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp import booking
from webapp.booking import (
    AlreadyBooked,
    BookingRequest,
    CapacityBelowBooked,
    ChangedMeanwhile,
    NotConfirmable,
    NotModifiable,
    SlotFull,
    SlotPast,
    codes,
)
from webapp.dbtx import write_transaction
from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, Patient, Slot, Status, utcnow

from .factories import assert_consistent, make_service, make_world, patient_data


@pytest.fixture
def world(any_db_app):
    return make_world(days_ahead=1, per_slot=2)


def book(slot, service, n=0, now=None, **options):
    return booking.book(BookingRequest(slot, service, patient_data(n), **options), now=now)


def move(appointment, slot, service=None, now=None):
    return booking.move(appointment, BookingRequest(slot, service or appointment.service),
                        now=now)


def hold(slot, service, minutes=booking.HOLD_MINUTES, now=None, **options):
    return booking.hold(BookingRequest(slot, service, **options), minutes=minutes, now=now)


def finalize(held, patient, now=None, **options):
    return booking.finalize_hold(
        held, BookingRequest(held.slot, held.service, patient, **options), now=now)


def booked(slot):
    return db.session.scalar(select(Slot.booked).where(Slot.id == slot.id))


# -- move --------------------------------------------------------------------------------

def test_move_takes_the_new_place_and_frees_the_old(world):
    old, new = world.slots[0], world.slots[5]
    appointment = book(old, world.service)
    move(appointment, new)
    assert (booked(old), booked(new)) == (0, 1)
    assert appointment.slot_id == new.id and appointment.starts_at == new.starts_at
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "appointment.moved"))
    assert entry.details["before"]["slot"] == old.id and entry.details["after"]["slot"] == new.id
    assert_consistent()


def test_move_to_a_full_slot_changes_nothing(world):
    appointment = book(world.slots[0], world.service, 0)
    book(world.slots[1], world.service, 1)
    book(world.slots[1], world.service, 2)
    with pytest.raises(SlotFull) as caught:
        move(appointment, world.slots[1])
    assert caught.value.alternatives
    assert db.session.get(Appointment, appointment.id).slot_id == world.slots[0].id
    assert (booked(world.slots[0]), booked(world.slots[1])) == (1, 2)
    assert_consistent()


def test_move_downwards_in_id_order_works_too(world):
    appointment = book(world.slots[6], world.service)
    move(appointment, world.slots[2])
    assert (booked(world.slots[6]), booked(world.slots[2])) == (0, 1)


def test_past_or_cancelled_appointment_cannot_move(world):
    appointment = book(world.slots[0], world.service)
    with pytest.raises(NotModifiable):
        move(appointment, world.slots[1], now=world.slots[0].starts_at)
    booking.cancel(appointment, reason="x")
    with pytest.raises(NotModifiable):
        move(appointment, world.slots[1])
    assert_consistent()


def test_move_changes_the_service_within_a_block_that_offers_it(world):
    other = make_service("COVID-19 – 2e dose")
    world.team.services.append(other)
    world.block.services.append(other)
    db.session.commit()
    appointment = book(world.slots[0], world.service)
    move(appointment, world.slots[0], service=other)
    assert appointment.service_id == other.id and booked(world.slots[0]) == 1
    assert_consistent()


def test_move_of_a_stale_appointment_is_refused(world):
    appointment = book(world.slots[0], world.service)
    stale_slot_id = appointment.slot_id
    move(appointment, world.slots[3])
    db.session.refresh(appointment)
    # someone else's screen still shows the first time: simulate by forcing the old slot
    from sqlalchemy.orm import attributes
    attributes.set_committed_value(appointment, "slot_id", stale_slot_id)
    with pytest.raises(ChangedMeanwhile):
        move(appointment, world.slots[5])
    assert_consistent()


# -- cancel and confirm -----------------------------------------------------------------------

def test_cancel_frees_the_place_once(world):
    appointment = book(world.slots[0], world.service)
    assert booking.cancel(appointment, reason="called") is True
    assert booking.cancel(appointment, reason="called again") is False
    assert booked(world.slots[0]) == 0
    assert appointment.status == Status.CANCELLED and appointment.cancel_reason == "called"
    assert_consistent()


def test_citizen_cannot_cancel_a_past_appointment_online(world):
    appointment = book(world.slots[0], world.service)
    with pytest.raises(booking.NotCancellable):
        booking.cancel(appointment, online=True, reason="", now=world.slots[0].ends_at)
    assert booking.cancel(appointment, reason="staff", now=world.slots[0].ends_at)


def test_confirm(world):
    appointment = book(world.slots[0], world.service)
    assert booking.confirm(appointment) is True
    assert appointment.status == Status.CONFIRMED and appointment.confirmed_at
    assert booking.confirm(appointment) is False
    booking.cancel(appointment, reason="x")
    with pytest.raises(NotConfirmable):
        booking.confirm(appointment)
    assert_consistent()


def test_update_details_even_after_cancellation(world):
    appointment = book(world.slots[0], world.service)
    booking.cancel(appointment, reason="x")
    booking.update_details(appointment, patient_data(0, first_name="Marie-Ève"),
                           comment="Rappeler")
    assert appointment.patient.first_name == "Marie-Ève" and appointment.comment == "Rappeler"
    assert appointment.patient.identity_key.startswith("tremblay|marieeve|")
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "appointment.details_changed"))
    assert set(entry.details["fields"]) == {"first_name", "comment"}


# -- holds -----------------------------------------------------------------------------------

def test_hold_then_finalize(world):
    slot = world.slots[0]
    held = hold(slot, world.service, online=False, language="en")
    assert held.status == Status.HELD and held.hold_expires_at > utcnow()
    assert booked(slot) == 1
    done = finalize(held, patient_data(0, email="m@example.org"), online=False,
                    send_email=True, language="en")
    assert done.status == Status.BOOKED and done.hold_expires_at is None
    assert done.patient.last_name == "Tremblay" and booked(slot) == 1
    assert db.session.scalar(select(Message.body)).count(done.coupon) == 1
    with pytest.raises(AlreadyBooked):
        finalize(held, patient_data(0), online=False)
    assert_consistent()


def test_lapsed_holds_are_released_once(world):
    slot = world.slots[0]
    held = hold(slot, world.service, online=False)
    later = held.hold_expires_at + timedelta(seconds=1)
    assert booking.release_expired_holds(held.hold_expires_at - timedelta(seconds=1)) == 0
    assert booking.release_expired_holds(later) == 1
    assert booking.release_expired_holds(later) == 0
    assert booked(slot) == 0 and held.status == Status.EXPIRED
    assert_consistent()


def test_lapsed_hold_retakes_a_free_place(world):
    slot = world.slots[0]
    held = hold(slot, world.service, online=False)
    booking.release_expired_holds(held.hold_expires_at)
    done = finalize(held, patient_data(0), online=False)
    assert done.status == Status.BOOKED and booked(slot) == 1
    assert_consistent()


def test_lapsed_hold_whose_place_was_taken_gets_alternatives(world):
    slot = world.slots[0]
    held = hold(slot, world.service, online=False)
    booking.release_expired_holds(held.hold_expires_at)
    book(slot, world.service, 1)
    book(slot, world.service, 2)
    with pytest.raises(SlotFull) as caught:
        finalize(held, patient_data(0), online=False)
    assert slot.id not in [s.id for s in caught.value.alternatives]
    assert len(caught.value.alternatives) == 5
    assert held.status == Status.EXPIRED and booked(slot) == 2
    assert_consistent()


def test_an_unreleased_lapsed_hold_still_owns_its_place(world):
    slot = world.slots[0]
    held = hold(slot, world.service, online=False, minutes=1)
    done = finalize(held, patient_data(0), online=False, now=utcnow() + timedelta(minutes=5))
    assert done.status == Status.BOOKED and booked(slot) == 1


def test_hold_on_a_full_slot(world):
    slot = world.slots[0]
    book(slot, world.service, 1)
    hold(slot, world.service, online=False)
    with pytest.raises(SlotFull):
        hold(slot, world.service, online=False)
    assert_consistent()


def test_finalize_when_the_time_has_passed(world):
    held = hold(world.slots[0], world.service, online=False)
    with pytest.raises(SlotPast):
        finalize(held, patient_data(0), online=True, now=world.slots[0].starts_at)


def test_day_old_lapsed_holds_are_forgotten(world):
    held = hold(world.slots[0], world.service, online=False)
    booking.release_expired_holds(held.hold_expires_at)
    booking.release_expired_holds(held.hold_expires_at + timedelta(days=1, minutes=1))
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 0


# -- capacity ---------------------------------------------------------------------------------

def test_capacity_never_below_booked(world):
    slot = world.slots[0]
    book(slot, world.service, 0)
    book(slot, world.service, 1)
    with write_transaction():
        booking.set_capacity(slot, 5)
    assert slot.capacity == 5
    with pytest.raises(CapacityBelowBooked) as caught, write_transaction():
        booking.set_capacity(slot, 1)
    assert caught.value.booked == 2
    assert db.session.get(Slot, slot.id).capacity == 5
    with write_transaction():
        booking.set_capacity(slot, 2)
    assert db.session.get(Slot, slot.id).capacity == 2
    assert_consistent()


def test_the_scheduler_releases_lapsed_holds(app, monkeypatch):
    from webapp import leader
    from webapp.extensions import scheduler
    from webapp.jobs import install_jobs

    monkeypatch.setattr(leader, "still_leader", lambda app: True)  # this process runs the jobs

    world = make_world(days_ahead=1)
    held = hold(world.slots[0], world.service, online=False, minutes=-1)
    install_jobs(app)
    try:
        job = scheduler.get_job("release_holds")
        assert job is not None and job.trigger.interval.total_seconds() == 60
        job.func()
    finally:
        scheduler.remove_all_jobs()
    db.session.expire_all()
    assert held.status == Status.EXPIRED and booked(world.slots[0]) == 0


def test_coupon_collision_retries_in_a_new_transaction(world, monkeypatch):
    first = book(world.slots[0], world.service, 0)
    coupons = iter([first.coupon, first.coupon, "ACDEFH"])
    monkeypatch.setattr(codes, "new_coupon", lambda: next(coupons))
    second = book(world.slots[1], world.service, 1)
    assert second.coupon == "ACDEFH"
    assert_consistent()
