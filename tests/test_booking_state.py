"""Any sequence of bookings, moves, cancellations, capacity edits, holds and lapses keeps
every slot's `booked` equal to its active appointments, within its capacity."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select, update

from webapp import booking
from webapp.booking import BookingRequest
from webapp.dbtx import write_transaction
from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, Patient, Service, Slot, utcnow

from .factories import assert_consistent, make_world, patient_data

SLOTS = 4
refusals = (booking.SlotFull, booking.NotModifiable, booking.AlreadyBooked, booking.NotFound,
            booking.ChangedMeanwhile, booking.NotConfirmable)


def test_counts_stay_exact_whatever_happens(app):
    world = make_world(days_ahead=1, per_slot=2, end="10:00")
    slot_ids = [s.id for s in world.slots][:SLOTS]
    service_id = world.service.id

    class Bookings(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            for table in (Message, AuditLog, Appointment, Patient):
                db.session.execute(delete(table))
            db.session.execute(update(Slot).values(booked=0, capacity=2))
            db.session.commit()
            self.now = utcnow()
            self.people = 0
            self.capacity = dict.fromkeys(slot_ids, 2)

        def slot(self, i: int) -> Slot:
            return db.session.get(Slot, slot_ids[i])

        def appointment(self, k: int) -> Appointment | None:
            ids = db.session.scalars(select(Appointment.id).order_by(Appointment.id)).all()
            return db.session.get(Appointment, ids[k % len(ids)]) if ids else None

        def attempt(self, action, *args, **kwargs):
            try:
                return action(*args, **kwargs)
            except refusals:
                return None

        @rule(i=st.integers(0, SLOTS - 1))
        def book(self, i: int) -> None:
            self.people += 1
            self.attempt(booking.book, BookingRequest(
                self.slot(i), db.session.get(Service, service_id), patient_data(self.people)),
                now=self.now)

        @rule(i=st.integers(0, SLOTS - 1))
        def hold(self, i: int) -> None:
            self.attempt(booking.hold, BookingRequest(
                self.slot(i), db.session.get(Service, service_id), online=False), now=self.now)

        @rule(k=st.integers(0, 50))
        def finalize(self, k: int) -> None:
            appointment = self.appointment(k)
            if appointment is not None:
                self.people += 1
                self.attempt(booking.finalize_hold, appointment, BookingRequest(
                    appointment.slot, appointment.service, patient_data(self.people),
                    online=False), now=self.now)

        @rule(k=st.integers(0, 50), i=st.integers(0, SLOTS - 1))
        def move(self, k: int, i: int) -> None:
            appointment = self.appointment(k)
            if appointment is not None:
                self.attempt(booking.move, appointment,
                             BookingRequest(self.slot(i), appointment.service), now=self.now)

        @rule(k=st.integers(0, 50))
        def cancel(self, k: int) -> None:
            appointment = self.appointment(k)
            if appointment is not None:
                booking.cancel(appointment, reason="test", now=self.now)

        @rule(k=st.integers(0, 50))
        def confirm(self, k: int) -> None:
            appointment = self.appointment(k)
            if appointment is not None and appointment.status != "held":
                self.attempt(booking.confirm, appointment, now=self.now)

        @rule(i=st.integers(0, SLOTS - 1), capacity=st.integers(0, 4))
        def set_capacity(self, i: int, capacity: int) -> None:
            slot = self.slot(i)
            booked_before = slot.booked
            try:
                with write_transaction():
                    booking.set_capacity(slot, capacity)
            except booking.CapacityBelowBooked:
                assert capacity < booked_before
            else:
                assert capacity >= booked_before
                self.capacity[slot.id] = capacity

        @rule(minutes=st.sampled_from([1, 5, 11]))
        def time_passes(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)
            booking.release_expired_holds(self.now)

        @invariant()
        def counts_are_exact(self) -> None:
            assert_consistent()
            capacities = dict(db.session.execute(select(Slot.id, Slot.capacity)).all())
            assert all(capacities[k] == v for k, v in self.capacity.items())

    run_state_machine_as_test(Bookings, settings=settings(
        max_examples=30, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
