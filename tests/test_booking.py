"""The booking engine, one behaviour at a time: what it books and everything it refuses."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from webapp import booking
from webapp.accounts.roles import Role
from webapp.booking import (
    BookingRequest,
    ConsentMissing,
    DuplicatePerson,
    NotFound,
    OnlineBookingClosed,
    OutsideHorizon,
    OverrideNotAllowed,
    ServiceNotOffered,
    SlotFull,
    SlotLocked,
    SlotPast,
    TeamNotAssociated,
    codes,
)
from webapp.booking.patients import PatientDataInvalid
from webapp.extensions import db
from webapp.models import (
    Appointment,
    AuditLog,
    Message,
    Organization,
    Patient,
    Slot,
    Status,
    User,
    utcnow,
)
from webapp.timeutil import local_today

from .factories import (
    assert_consistent,
    make_service,
    make_user,
    make_world,
    patient_data,
)


@pytest.fixture
def world(app):
    return make_world(days_ahead=1, per_slot=2)


@pytest.fixture
def staff(app) -> User:
    return make_user(Role.GESTION2)


def book(slot, service, n=0, now=None, **options):
    options.setdefault("language", "fr_CA")
    return booking.book(BookingRequest(slot, service, patient_data(n), **options), now=now)


def book_online(slot, service, n=0, **options):
    return book(slot, service, n, online=True, consent_at=utcnow(), **options)


# -- a booking -----------------------------------------------------------------------------

def test_booking_takes_a_place_and_records_everything(world, staff):
    slot = world.slots[0]
    appointment = booking.book(BookingRequest(
        slot, world.service, patient_data(0, email="marie@example.org"), comment="Bras gauche",
        by_user=staff, send_email=True, language="fr_CA"))
    assert appointment.status == Status.BOOKED
    assert len(appointment.coupon) == 6
    assert set(appointment.coupon) <= set(codes.COUPON_ALPHABET)
    assert not set(appointment.coupon) & set("0O1IL")
    assert len(appointment.token) >= 22
    assert appointment.starts_at == slot.starts_at
    assert appointment.location_id == world.location.id and appointment.team_id == world.team.id
    assert appointment.booked_by_id == staff.id and appointment.comment == "Bras gauche"
    assert appointment.patient.identity_key == "tremblay|marie|1940-01-01"
    assert db.session.get(Slot, slot.id).booked == 1
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "appointment.booked"))
    assert entry.object_id == appointment.id and entry.user_id == staff.id
    assert_consistent()


def test_confirmation_queued_per_channel_in_french(world):
    appointment = booking.book(BookingRequest(
        world.slots[3], world.service,
        patient_data(0, email="m@example.org", cell_phone="4185550100"),
        send_email=True, send_sms=True, language="fr_CA"))
    messages = {m.channel: m for m in db.session.scalars(select(Message))}
    assert set(messages) == {"email", "sms"}
    email, sms = messages["email"], messages["sms"]
    assert email.kind == "confirmation" and email.appointment_id == appointment.id
    assert email.recipient == "m@example.org" and sms.recipient == "418 555-0100"
    day = (local_today() + timedelta(days=1)).isoformat()
    for message in (email, sms):
        assert appointment.coupon in message.body
        assert day in message.body and "9 h 45" in message.body
        assert "Pharmacie A" in message.body and "1 rue Test, Alma, G8B 1M4" in message.body
    assert email.subject == f"Confirmation de rendez-vous {appointment.coupon}"
    assert "Bonjour Marie Tremblay" in email.body


def test_confirmation_in_english_with_instructions(world):
    world.service.instructions_en = "Wear a short-sleeved shirt."
    world.service.name_en = "COVID-19 – 1st dose"
    db.session.commit()
    booking.book(BookingRequest(world.slots[3], world.service,
                                patient_data(0, email="m@example.org"),
                                send_email=True, language="en"))
    email = db.session.scalar(select(Message))
    assert "9:45" in email.body and "Wear a short-sleeved shirt." in email.body
    assert "COVID-19 – 1st dose" in email.body and email.subject.startswith("Appointment")


def test_no_message_when_not_asked(world):
    booking.book(BookingRequest(world.slots[0], world.service,
                                patient_data(0, email="m@example.org"), send_email=False))
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_sending_without_address_is_a_field_error(world):
    with pytest.raises(PatientDataInvalid) as caught:
        booking.book(BookingRequest(world.slots[0], world.service, patient_data(0),
                                    send_email=True, send_sms=True))
    assert set(caught.value.errors) == {"email", "cell_phone"}
    assert db.session.get(Slot, world.slots[0].id).booked == 0


def test_missing_required_fields_change_nothing(world):
    world.service.field_rules = dict(world.service.field_rules, health_insurance_number="required")
    db.session.commit()
    with pytest.raises(PatientDataInvalid) as caught:
        booking.book(BookingRequest(world.slots[0], world.service, {"first_name": "Marie"}))
    assert set(caught.value.errors) == {"last_name", "birth_date", "health_insurance_number"}
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    assert_consistent()


def test_write_transaction_begins_immediate_on_sqlite(world):
    seen = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: seen.append(statement))
    book(world.slots[0], world.service)
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"]
    assert seen.index("BEGIN IMMEDIATE") < next(
        i for i, s in enumerate(seen) if s.startswith("UPDATE slot"))


def test_coupon_collision_gets_another_coupon(world, monkeypatch):
    first = book(world.slots[0], world.service, 0)
    coupons = iter([first.coupon, "ACDEFH"])
    monkeypatch.setattr(codes, "new_coupon", lambda: next(coupons))
    second = book(world.slots[1], world.service, 1)
    assert second.coupon == "ACDEFH"
    assert_consistent()


# -- full, past, locked, not offered -------------------------------------------------------

def test_full_slot_offers_the_nearest_other_times(world):
    slots = world.slots
    for n in range(2):
        book(slots[4], world.service, n)
    book(slots[3], world.service, 2)
    book(slots[3], world.service, 3)  # 09:45 is full too
    with pytest.raises(SlotFull) as caught:
        book(slots[4], world.service, 4)
    alternatives = [s.id for s in caught.value.alternatives]
    # 10:00 is full; nearest with places: 10:15, 09:30, 10:30, 09:15, 10:45 (time order)
    assert alternatives == [slots[1].id, slots[2].id, slots[5].id, slots[6].id, slots[7].id]
    with force_locale("en"):
        assert "last place" in str(caught.value.message)
    assert db.session.get(Slot, slots[4].id).booked == 2
    assert_consistent()


def test_past_slot_is_refused(app):
    world = make_world(days_ahead=-1)
    with pytest.raises(SlotPast):
        book(world.slots[0], world.service)
    assert booking.find_availability(world.service, world.location, online=False) == []


def test_staff_may_book_a_slot_under_way_citizens_may_not(world):
    slot = world.slots[0]
    during = slot.starts_at + timedelta(minutes=5)
    with pytest.raises(SlotPast):
        book_online(slot, world.service, now=during)
    assert book(slot, world.service, now=during).status == Status.BOOKED


def test_locked_slot_refused_online_allowed_to_staff(app):
    world = make_world(days_ahead=1)
    locked = world.add_block(local_today() + timedelta(days=2), "09:00", "10:00",
                             online_open=False)
    slot = locked.slots[0]
    with pytest.raises(SlotLocked) as caught:
        book_online(slot, world.service)
    with force_locale("en"):
        assert "not open for online booking" in str(caught.value.message)
    assert book(slot, world.service).status == Status.BOOKED


def test_online_booking_closed_by_the_switch(app):
    world = make_world(days_ahead=1, online=False)
    with pytest.raises(OnlineBookingClosed):
        book_online(world.slots[0], world.service)
    assert booking.find_availability(world.service, online=True) == []
    assert book(world.slots[0], world.service).status == Status.BOOKED


def test_online_outside_the_horizon(app):
    world = make_world(days_ahead=5)
    world.service.horizon_days = 3
    db.session.commit()
    with pytest.raises(OutsideHorizon):
        book_online(world.slots[0], world.service)
    assert booking.find_availability(world.service, online=True) == []
    assert len(booking.find_availability(world.service, online=False)) == 12


def test_service_not_offered_in_the_block(world):
    other = make_service("Influenza")
    world.team.services.append(other)
    db.session.commit()
    with pytest.raises(ServiceNotOffered):
        book(world.slots[0], other)
    assert booking.find_availability(other, online=False) == []


def test_team_not_associated(world):
    world.team.services = []
    db.session.commit()
    with pytest.raises(TeamNotAssociated):
        book(world.slots[0], world.service)
    assert booking.find_availability(world.service, online=False) == []
    world.team.all_services = True
    db.session.commit()
    assert book(world.slots[0], world.service).status == Status.BOOKED


def test_team_not_associated_with_the_location(world):
    world.team.locations = [world.other_location]
    db.session.commit()
    with pytest.raises(TeamNotAssociated):
        book(world.slots[0], world.service)


def test_online_needs_consent(world):
    with pytest.raises(ConsentMissing):
        book(world.slots[0], world.service, online=True)


# -- availability -----------------------------------------------------------------------

def test_availability_for_citizens_and_staff(app):
    world = make_world(days_ahead=1, per_slot=1)
    day = local_today() + timedelta(days=1)
    locked = world.add_block(day, "13:00", "14:00", online_open=False)
    book(world.slots[0], world.service)
    online = booking.find_availability(world.service, world.location, day, online=True)
    staff = booking.find_availability(world.service, world.location, day, online=False)
    assert world.slots[0] not in online and world.slots[0] not in staff
    assert len(online) == 11 and len(staff) == 15
    assert set(locked.slots) <= set(staff) and not set(locked.slots) & set(online)
    assert [s.starts_at for s in staff] == sorted(s.starts_at for s in staff)
    assert booking.available_days(world.service, world.location, online=True) == [day]
    other_day = booking.find_availability(world.service, world.location,
                                          day + timedelta(days=1), online=False)
    assert other_day == []


def test_availability_is_one_query(world):
    world.add_block(local_today() + timedelta(days=2), "08:00", "20:00", 3)
    statements = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement))
    org = db.session.get(Organization, 1)  # the switch: one look-up per request anyway
    assert world.service.active and org.online_booking_open
    statements.clear()
    slots = booking.find_availability(world.service, online=False)
    assert len(slots) == 12 + 48
    assert len(statements) == 1
    statements.clear()
    assert len(booking.find_availability(world.service, online=True)) == 12 + 48
    assert len(statements) == 1, statements


def test_inactive_location_or_service_hidden_online(world):
    world.location.active = False
    db.session.commit()
    assert booking.find_availability(world.service, online=True) == []
    with pytest.raises(NotFound):
        book_online(world.slots[0], world.service)
    world.location.active = True
    world.service.active = False
    db.session.commit()
    assert booking.find_availability(world.service, online=True) == []


# -- the same person twice -----------------------------------------------------------------

def test_same_person_refused_then_accepted_with_a_reason(world, staff):
    first = booking.book(BookingRequest(
        world.slots[0], world.service, patient_data(0, first_name="Marie-Ève", last_name="Côté")))
    twin = patient_data(0, first_name="marie eve", last_name="COTE")
    with pytest.raises(DuplicatePerson) as caught:
        booking.book(BookingRequest(world.slots[1], world.service, twin, by_user=staff))
    assert caught.value.existing.id == first.id
    with pytest.raises(OverrideNotAllowed):
        booking.book(BookingRequest(world.slots[1], world.service, twin, consent_at=utcnow(),
                                    online=True, override_reason="asked twice"))
    second = booking.book(BookingRequest(world.slots[1], world.service, twin, by_user=staff,
                                         override_reason="  Second arm, per the nurse  "))
    assert second.duplicate_override == "Second arm, per the nurse"
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "appointment.duplicate_override"))
    assert entry.object_id == second.id and entry.details["existing"] == first.id
    assert entry.user_id == staff.id
    assert_consistent()


def test_same_health_insurance_number_is_the_same_person(world):
    book(world.slots[0], world.service, 0, )
    booking.book(BookingRequest(world.slots[1], world.service,
                                patient_data(1, health_insurance_number="TREM 4001 0112")))
    with pytest.raises(DuplicatePerson):
        booking.book(BookingRequest(
            world.slots[2], world.service,
            patient_data(2, first_name="Autre", health_insurance_number="trem40010112")))


def test_duplicates_only_count_upcoming_active_same_service(world):
    first = book(world.slots[0], world.service, 0)
    booking.cancel(first, reason="changed her mind")
    again = book(world.slots[1], world.service, 0)
    other = make_service("Influenza")
    world.team.services.append(other)
    world.block.services.append(other)
    db.session.commit()
    assert book(world.slots[2], other, 0).status == Status.BOOKED
    later = again.starts_at + timedelta(minutes=1)
    assert book(world.slots[3], world.service, 0, now=later).status == Status.BOOKED


# -- tampered ids ------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["abc", "-1", "0", "1.5", "1e3", "99999999999", " ", None,
                                 "٣", "2147483648", True])
def test_tampered_slot_ids(world, raw):
    with pytest.raises(NotFound):
        booking.get_slot(raw)


def test_lookups_by_id_and_token(world):
    slot = booking.get_slot(str(world.slots[0].id))
    assert slot.id == world.slots[0].id
    assert booking.get_service(str(world.service.id), online=True) == world.service
    world.service.active = False
    db.session.commit()
    with pytest.raises(NotFound):
        booking.get_service(str(world.service.id), online=True)
    with pytest.raises(NotFound):
        booking.get_service("999", online=False)
    appointment = book(world.slots[0], world.service)
    assert booking.get_appointment(appointment.token) == appointment
    for token in ("", "x" * 22, appointment.token + "'", "../" * 10, appointment.coupon):
        with pytest.raises(NotFound):
            booking.get_appointment(token)
    assert booking.normalize_coupon(f" {appointment.coupon.lower()[:3]}-{appointment.coupon[3:]}") \
        == appointment.coupon
    assert booking.normalize_coupon("O0O0O0") is None


def test_eligibility_answers(app):
    from webapp.models import EligibilityAnswer, EligibilityQuestion

    world = make_world(days_ahead=1)
    yes = EligibilityAnswer(text_fr="Oui", text_en="Yes", eligible=True)
    no = EligibilityAnswer(text_fr="Non", text_en="No", eligible=False)
    question = EligibilityQuestion(text_fr="18 ans?", text_en="18?", answers=[yes, no])
    world.service.questions.append(question)
    db.session.commit()
    slot = world.slots[0]
    for answers in (None, {str(question.id): no.id}, {str(question.id): "999"},
                    {str(question.id): "x"}):
        with pytest.raises(booking.BookingError):
            book_online(slot, world.service, eligibility=answers)
    assert db.session.get(Slot, slot.id).booked == 0
    done = book_online(slot, world.service, eligibility={str(question.id): str(yes.id)})
    assert done.eligibility == {str(question.id): yes.id}
    # a team restricted to other answers does not serve this patient online
    world.team.answers = [no]
    db.session.commit()
    with pytest.raises(TeamNotAssociated):
        book_online(world.slots[1], world.service, 1, eligibility={str(question.id): yes.id})


def test_hold_of_another_slot_is_refused(world):
    held = booking.hold(BookingRequest(world.slots[0], world.service, online=False))
    with pytest.raises(NotFound):
        booking.book(BookingRequest(world.slots[1], world.service, patient_data(0)), hold=held)
    done = booking.book(BookingRequest(world.slots[0], world.service, patient_data(0),
                                       online=False), hold=held)
    assert done.status == Status.BOOKED


# -- translations ----------------------------------------------------------------------------

def test_errors_speak_french(world):
    book(world.slots[0], world.service, 0)
    book(world.slots[0], world.service, 1)
    with force_locale("fr_CA"), pytest.raises(SlotFull) as caught:
        book(world.slots[0], world.service, 2)
    with force_locale("fr_CA"):
        assert "dernière place" in str(caught.value.message)


def test_a_patient_row_per_booking(world):
    book(world.slots[0], world.service, 0)
    book(world.slots[1], world.service, 1)
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 2


def _plans(call):
    """EXPLAIN QUERY PLAN (SQLite) of every statement `call()` runs."""
    captured = []

    def capture(conn, cursor, statement, parameters, *args):
        captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    raw = db.engine.raw_connection()
    try:
        return [[row[-1] for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + sql, params)]
                for sql, params in captured if "\nFROM slot" in sql]
    finally:
        raw.close()


@pytest.mark.parametrize("online", [True, False])
def test_availability_queries_use_the_slot_indexes(world, online):
    org = db.session.get(Organization, 1)  # noqa: F841 (kept: no reload inside the calls)
    day = world.block.day
    calls = [
        lambda: booking.find_availability(world.service, world.location, online=online),
        lambda: booking.find_availability(world.service, world.location, day, online=online),
        lambda: booking.find_availability(world.service, online=online),
        lambda: booking.available_days(world.service, world.location, online=online),
        lambda: booking.nearest_alternatives(world.slots[3], world.service, online=online),
    ]
    for call in calls:
        plans = _plans(call)
        assert plans
        for plan in plans:
            assert not any(line.startswith("SCAN slot") for line in plan), plan
            assert any(line.startswith("SEARCH slot USING INDEX ix_slot_") for line in plan), plan


# -- the engine's shape ------------------------------------------------------------------------

def test_the_app_calls_the_engine_through_its_public_names():
    """Outside webapp/booking, nothing imports the engine's internals (tests of them may)."""
    import ast
    from pathlib import Path

    internals = {"engine", "holds", "checks", "seats", "request", "codes", "availability",
                 "errors"}
    root = Path(__file__).resolve().parent.parent
    found = []
    for path in [*(root / "webapp").rglob("*.py"), *(root / "bench").glob("*.py")]:
        if (root / "webapp" / "booking") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if "booking" in parts and parts[-1] in internals:
                    found.append(f"{path.relative_to(root)}: {node.module}")
    assert found == []
