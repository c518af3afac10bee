"""The Appointments menu through the client: calendar, booking steps, confirmation, modify,
rebook, and every kind of bad input (APT-1..APT-6)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp import booking as engine
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, Service, Slot, Status, utcnow
from webapp.timeutil import local_today

from .factories import make_service, make_world, patient_data
from .helpers import HX, text


@pytest.fixture
def world(app, client, auth):
    world = make_world(days_ahead=2, per_slot=2)
    auth.login(Role.GESTION1)
    client.set_cookie("lang", "en")
    return world


def count(model=Appointment):
    return db.session.scalar(select(func.count()).select_from(model))


def day_of(world):
    return (local_today() + timedelta(days=2)).isoformat()


def form(world, slot=None, **fields):
    slot = slot or world.slots[0]
    values = {"location": str(world.location.id), "service": str(world.service.id),
              "date": day_of(world), "slot": str(slot.id), "sent": "1"}
    values.update(patient_data())
    values.update(fields)
    return values


def book_one(world, slot=None, n=0, **fields):
    data = patient_data(n)
    data.update(fields)
    return engine.book(engine.BookingRequest(slot or world.slots[0], world.service, data))


# --- calendar (APT-1, APT-6, §4.2) -----------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, HX])
def test_calendar_week_shows_slots_and_bubbles(client, world, headers):
    appointment = book_one(world, comment="Allergie aux œufs")
    response = client.get(f"/admin/appointments/?location={world.location.id}"
                          f"&date={day_of(world)}", headers=headers)
    page = text(response)
    assert response.status_code == 200
    assert "is-open" in page and "Marie Tremblay" in page
    assert "Allergie aux œufs" in page  # the bubble
    assert f"/admin/appointments/{appointment.id}" in page
    assert "1 left" in page and "2 left" in page
    assert ("<html" in page) is (not headers)


def test_calendar_locked_block_is_reddish_and_month_view(client, world):
    world.add_block(local_today() + timedelta(days=3), "13:00", "14:00", 1, online_open=False)
    locked_day = (local_today() + timedelta(days=3)).isoformat()
    page = text(client.get(f"/admin/appointments/?location={world.location.id}"
                           f"&date={locked_day}&view=day"))
    assert "is-locked" in page
    month = client.get(f"/admin/appointments/?view=month&date={day_of(world)}")
    assert month.status_code == 200 and "month-grid" in text(month)


def test_quick_availability_lists_next_times(client, world):
    page = text(client.get(f"/admin/appointments/?show=availability&date={day_of(world)}"))
    assert "apt-quick" in page and "09:00" in page and "2 left" in page


def test_calendar_bad_filters_fall_back_with_message(client, world):
    response = client.get("/admin/appointments/?date=2026-13-45&view=year")
    assert response.status_code == 200
    assert "Unknown date" in text(response)


def test_calendar_unknown_location_404_and_out_of_scope_403(client, app, auth, world):
    assert client.get("/admin/appointments/?location=9999").status_code == 404
    from webapp.models import User
    user = User.by_email("gestion1@test.example")
    user.roles[0].location_id = world.other_location.id
    db.session.commit()
    assert client.get(f"/admin/appointments/?location={world.location.id}").status_code == 403


# --- booking (APT-2) --------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, HX])
def test_booking_steps_keep_state_in_url(client, world, headers):
    step1 = client.get(f"/admin/appointments/book?location={world.location.id}"
                       f"&date={day_of(world)}", headers=headers)
    assert step1.status_code == 200 and "Choose a service" in text(step1)
    step2 = text(client.get(f"/admin/appointments/book?location={world.location.id}"
                            f"&service={world.service.id}&date={day_of(world)}", headers=headers))
    assert "09:00" in step2 and f"slot={world.slots[0].id}" in step2
    step3 = text(client.get(f"/admin/appointments/book?location={world.location.id}"
                            f"&service={world.service.id}&date={day_of(world)}"
                            f"&slot={world.slots[0].id}", headers=headers))
    assert 'name="first_name"' in step3 and 'name="send_email"' in step3


@pytest.mark.parametrize("headers", [{}, HX])
def test_book_saves_and_shows_confirmation(client, world, headers):
    response = client.post("/admin/appointments/book", headers=headers,
                           data=form(world, email="marie@example.org", send_email="y",
                                     comment="Vient avec sa fille"))
    appointment = db.session.scalar(select(Appointment))
    assert appointment is not None and appointment.comment == "Vient avec sa fille"
    assert appointment.booked_by_id is not None and not appointment.online
    if headers:
        assert response.headers["HX-Redirect"].endswith(f"/{appointment.id}?saved=1")
    else:
        assert response.status_code == 302
    page = text(client.get(f"/admin/appointments/{appointment.id}"))
    assert appointment.coupon in page and "Marie Tremblay" in page
    assert "<svg" in page and 'class="qr"' in page and "style=" not in page.split("<svg")[1][:2000]
    assert "marie@example.org" in page  # the outbox row
    assert db.session.scalar(select(Message.channel)) == "email"


def test_coupon_box_default_ticked_when_filled_and_untickable(client, world):
    client.post("/admin/appointments/book", data=form(world, email="m@example.org",
                                                       cell_phone="418 555-0100",
                                                       send_sms="y"))
    appointment = db.session.scalar(select(Appointment))
    assert appointment.send_sms and not appointment.send_email


def test_missing_and_invalid_fields_are_refused(client, world):
    data = form(world, first_name="", birth_date="1965-02-30",
                health_insurance_number="XX12", email="nope", cell_phone="123")
    response = client.post("/admin/appointments/book", data=data)
    page = text(response)
    assert response.status_code == 422
    assert "This field is required." in page
    assert "Enter a date such as 12/05/1948" in page
    assert "health insurance number has 4 letters" in page
    assert "Enter a valid email address" in page
    assert "10-digit phone number" in page
    assert count() == 0
    hx = client.post("/admin/appointments/book", data=data, headers=HX)
    assert hx.status_code == 200 and "This field is required." in text(hx)


def test_slot_filled_meanwhile_offers_nearest_times(client, world):
    slot = world.slots[0]
    book_one(world, slot, 1)
    book_one(world, slot, 2)
    response = client.post("/admin/appointments/book", data=form(world, slot))
    page = text(response)
    assert response.status_code == 409
    assert "just taken by someone else" in page and "Nearest other times" in page
    assert count() == 2


def test_past_slot_is_refused(client, world):
    past = world.add_block(local_today() - timedelta(days=1), "09:00", "10:00", 1)
    slot = db.session.scalar(select(Slot).where(Slot.block_id == past.id))
    response = client.post("/admin/appointments/book",
                           data=form(world, slot, date=(local_today() - timedelta(days=1))
                                     .isoformat()))
    assert response.status_code == 422 and "already passed" in text(response)
    assert count() == 0


def test_service_not_offered_in_block_is_refused(client, world):
    other = make_service("Zona", name_en="Shingles")
    world.team.services.append(other)
    db.session.commit()
    response = client.post("/admin/appointments/book", data=form(world, service=str(other.id)))
    assert response.status_code == 422 and "not offered at this time" in text(response)
    assert count() == 0


def test_duplicate_person_refused_then_overridden_with_reason(client, world):
    book_one(world, world.slots[1])
    response = client.post("/admin/appointments/book", data=form(world))
    assert response.status_code == 409
    assert "already has an upcoming appointment" in text(response)
    assert 'name="override_reason"' in text(response)
    assert count() == 1
    client.post("/admin/appointments/book", data=form(world, override_reason="Erreur de dose"))
    assert count() == 2
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "appointment.duplicate_override")) == 1


def test_tampered_ids_are_404(client, world):
    assert client.post("/admin/appointments/book",
                       data={**form(world), "slot": "99999"}).status_code == 404
    assert client.get("/admin/appointments/book?slot=abc").status_code == 404
    assert client.get("/admin/appointments/book?location=9999").status_code == 404
    assert client.get("/admin/appointments/999999").status_code == 404
    assert client.get("/admin/appointments/book?from=999999").status_code == 404
    assert count() == 0


def test_unknown_service_says_so(client, world):
    page = text(client.get(f"/admin/appointments/book?location={world.location.id}&service=777"))
    assert "not offered at this location" in page


# --- confirmation, modify, rebook (APT-3..5) --------------------------------------------------

@pytest.mark.parametrize("headers", [{}, HX])
def test_modify_moves_upcoming_appointment(client, world, headers):
    appointment = book_one(world)
    new_slot = world.slots[3]
    page = text(client.get(f"/admin/appointments/{appointment.id}/edit", headers=headers))
    assert "Change the service, location, date or time" in page
    response = client.post(f"/admin/appointments/{appointment.id}/edit", headers=headers,
                           data={**patient_data(), "comment": "Déplacé", "location":
                                 str(world.location.id), "service": str(world.service.id),
                                 "date": day_of(world), "slot": str(new_slot.id)})
    shown = f"/admin/appointments/{appointment.id}?saved=1"
    if headers:  # htmx follows HX-Redirect to the confirmation
        assert (response.status_code, response.headers["HX-Redirect"]) == (204, shown)
    else:
        assert (response.status_code, response.headers["Location"]) == (302, shown)
    db.session.expire_all()
    moved = db.session.get(Appointment, appointment.id)
    assert moved.slot_id == new_slot.id and moved.comment == "Déplacé"
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"appointment.moved", "appointment.details_changed"} <= actions


def test_modify_cancelled_allows_details_only(client, world):
    appointment = book_one(world)
    engine.cancel(appointment)
    page = text(client.get(f"/admin/appointments/{appointment.id}/edit"))
    assert "only the comment and the patient" in page and 'name="slot"' not in page
    client.post(f"/admin/appointments/{appointment.id}/edit",
                data={**patient_data(), "first_name": "Marielle", "slot": str(world.slots[3].id)})
    db.session.expire_all()
    changed = db.session.get(Appointment, appointment.id)
    assert changed.patient.first_name == "Marielle"
    assert changed.slot_id == world.slots[0].id and changed.status == Status.CANCELLED.value


def test_modify_bad_details_change_nothing(client, world):
    appointment = book_one(world)
    response = client.post(f"/admin/appointments/{appointment.id}/edit",
                           data={**patient_data(), "birth_date": "2999-01-01",
                                 "slot": str(world.slots[3].id), "location":
                                 str(world.location.id), "date": day_of(world)})
    assert response.status_code == 422 and "cannot be in the future" in text(response)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).slot_id == world.slots[0].id


def test_rebook_prefills_and_opens_at_second_dose_interval(client, world):
    dose2 = make_service("COVID-19 – 2e dose", name_en="COVID-19 – 2nd dose")
    world.service.next_service = dose2
    world.service.min_interval_days = 28
    world.team.services.append(dose2)
    db.session.commit()
    appointment = book_one(world)
    page = text(client.get(f"/admin/appointments/book?from={appointment.id}"))
    earliest = (local_today() + timedelta(days=30)).isoformat()
    assert f'value="{earliest}"' in page and "at least 28 days after the first" in page
    assert "New appointment for Marie Tremblay" in page
    slot_page = text(client.get(f"/admin/appointments/book?from={appointment.id}"
                                f"&location={world.location.id}&service={world.service.id}"
                                f"&date={day_of(world)}&slot={world.slots[2].id}"))
    assert 'value="Tremblay"' in slot_page


# --- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.CONSULTATION1, Role.CONSULTATION2])
def test_consultation_roles_read_but_cannot_book(client, auth, world, role):
    appointment = book_one(world)
    client.post("/admin/logout")
    auth.login(role)
    from webapp.models import User
    user = User.by_email(f"{role.value}@test.example")
    user.teams.append(world.team)
    db.session.commit()
    assert client.get("/admin/appointments/").status_code == 200
    assert client.get(f"/admin/appointments/{appointment.id}").status_code == 200
    assert client.get("/admin/appointments/book").status_code == 403
    assert client.post("/admin/appointments/book", data=form(world)).status_code == 403
    assert client.get(f"/admin/appointments/{appointment.id}/edit").status_code == 403
    assert client.post(f"/admin/appointments/{appointment.id}/edit",
                       data=patient_data()).status_code == 403


def test_gestion3_cannot_touch_another_teams_appointment(client, auth, world):
    appointment = book_one(world)
    client.post("/admin/logout")
    auth.login(Role.GESTION3)
    from webapp.models import User
    User.by_email("gestion3@test.example").teams.append(world.other_team)
    db.session.commit()
    assert client.get(f"/admin/appointments/{appointment.id}").status_code == 403
    assert client.get(f"/admin/appointments/{appointment.id}/edit").status_code == 403
    assert client.post(f"/admin/appointments/{appointment.id}/edit",
                       data=patient_data(first_name="Zoé")).status_code == 403
    assert client.post("/admin/appointments/book", data=form(world)).status_code == 403
    page = text(client.get(f"/admin/appointments/?location={world.location.id}"
                           f"&date={day_of(world)}"))
    assert "Marie Tremblay" not in page
    assert count() == 1


def test_consultation2_sees_only_its_teams(client, auth, world):
    book_one(world)
    client.post("/admin/logout")
    auth.login(Role.CONSULTATION2)
    from webapp.models import User
    User.by_email("consultation2@test.example").teams.append(world.other_team)
    db.session.commit()
    page = text(client.get(f"/admin/appointments/?location={world.location.id}"
                           f"&date={day_of(world)}"))
    assert "Marie Tremblay" not in page
    assert re.search(r"New appointment", page) is None


def test_booking_at_a_location_outside_the_roles_scope_is_403(client, world):
    from webapp.models import User
    User.by_email("gestion1@test.example").roles[0].location_id = world.other_location.id
    db.session.commit()
    assert client.get(f"/admin/appointments/book?location={world.location.id}").status_code == 403
    assert client.post("/admin/appointments/book", data=form(world)).status_code == 403
    assert count() == 0


def test_gestion3_books_on_its_own_team(client, auth, world):
    client.post("/admin/logout")
    auth.login(Role.GESTION3)
    from webapp.models import User
    User.by_email("gestion3@test.example").teams.append(world.team)
    db.session.commit()
    response = client.post("/admin/appointments/book", data=form(world), headers=HX)
    assert "HX-Redirect" in response.headers and count() == 1


def test_modify_error_with_htmx_swaps_the_form(client, world):
    appointment = book_one(world)
    response = client.post(f"/admin/appointments/{appointment.id}/edit", headers=HX,
                           data={**patient_data(), "email": "not-an-email"})
    assert response.status_code == 200 and "Enter a valid email address" in text(response)
    assert 'id="edit"' in text(response) and "<html" not in text(response)


def test_move_to_a_full_slot_is_refused_and_nothing_moves(client, world):
    appointment = book_one(world)
    full = world.slots[2]
    book_one(world, full, 5)
    book_one(world, full, 6)
    response = client.post(f"/admin/appointments/{appointment.id}/edit",
                           data={**patient_data(), "location": str(world.location.id),
                                 "date": day_of(world), "slot": str(full.id)})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).slot_id == world.slots[0].id


def test_slot_not_offered_on_get_says_so(client, world):
    slot = world.slots[0]
    book_one(world, slot, 1)
    book_one(world, slot, 2)
    page = text(client.get(f"/admin/appointments/book?location={world.location.id}"
                           f"&service={world.service.id}&date={day_of(world)}&slot={slot.id}"))
    assert "just taken by someone else" in page and 'name="first_name"' not in page


def test_qr_svg_has_no_style_attribute():
    from webapp.booking.coupon_qr import qr_svg

    svg = str(qr_svg("AC3DEF", "QR <code>"))
    assert svg.startswith("<svg") and "style" not in svg and "<path" in svg
    assert "QR &lt;code&gt;" in svg


@pytest.mark.parametrize("url", [
    "/admin/appointments/?location=99999999999999999999",
    "/admin/appointments/book?slot=99999999999999999999",
    "/admin/appointments/book?from=99999999999999999999",
    "/admin/appointments/99999999999999999999",
    "/admin/appointments/99999999999999999999/edit",
    "/admin/appointments/book?location=%C2%B2",
])
def test_huge_or_odd_ids_are_404(client, world, url):
    assert client.get(url).status_code == 404


def test_a_huge_service_id_asks_to_choose_again(client, world):
    response = client.get(f"/admin/appointments/book?location={world.location.id}"
                          "&service=99999999999999999999")
    assert response.status_code == 200 and "Choose a service from the list." in text(response)


def test_calendar_slot_link_then_service_choice_keeps_the_time(client, world):
    slot = world.slots[1]
    page = text(client.get(f"/admin/appointments/book?location={world.location.id}"
                           f"&date={day_of(world)}&slot={slot.id}"))
    assert f'name="slot" value="{slot.id}"' in page  # kept while the service is chosen
    page = text(client.get(f"/admin/appointments/book?location={world.location.id}"
                           f"&date={day_of(world)}&slot={slot.id}&service={world.service.id}"))
    assert 'name="first_name"' in page
    other_day = (local_today() + timedelta(days=5)).isoformat()
    page = text(client.get(f"/admin/appointments/book?location={world.location.id}"
                           f"&date={other_day}&slot={slot.id}&service={world.service.id}"))
    assert 'name="first_name"' not in page and "just taken" not in page


# --- a next dose before the minimum interval (issue 17, point 1) ------------------------------

def second_dose_world(world):
    """The world's service is a 1st dose; its 2nd dose (28 days later at least) is given by
    the same team, in a block two days ahead; the 1st dose is booked in the world's block."""
    dose2 = world.other_service
    world.service.next_service = dose2
    world.service.min_interval_days = 28
    db.session.commit()
    block = world.add_block(local_today() + timedelta(days=2), "13:00", "14:00",
                            services=[dose2])
    return dose2, book_one(world), block


def test_second_dose_too_early_warns_and_needs_a_reason(client, world):
    dose2, first, block = second_dose_world(world)
    slot = db.session.scalars(select(Slot).where(Slot.block_id == block.id)).first()
    values = form(world, slot=slot, service=str(dose2.id), **{"from": str(first.id)})
    response = client.post("/admin/appointments/book", data=values)
    page = text(response)
    assert response.status_code == 409
    assert "Too early for this dose: at least 28 days" in page
    assert 'name="early_reason"' in page and count() == 1
    response = client.post("/admin/appointments/book", data=values, headers=HX)
    assert response.status_code == 200 and "Too early" in text(response) and count() == 1
    values["early_reason"] = "  Départ à l'étranger   le mois prochain "
    response = client.post("/admin/appointments/book", data=values)
    assert response.status_code == 302
    second = db.session.scalars(select(Appointment).order_by(Appointment.id.desc())).first()
    assert second.service_id == dose2.id
    assert second.early_reason == "Départ à l'étranger le mois prochain"
    entry = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "appointment.early_dose")).one()
    assert entry.object_id == second.id
    assert entry.details["reason"] == "Départ à l'étranger le mois prochain"
    detail = text(client.get(f"/admin/appointments/{second.id}"))
    assert "Given before the minimum interval" in detail and "Départ" in detail


def test_second_dose_after_the_interval_needs_no_reason(client, world):
    dose2, first, _block = second_dose_world(world)
    later = world.add_block(local_today() + timedelta(days=31), services=[dose2])
    slot = db.session.scalars(select(Slot).where(Slot.block_id == later.id)).first()
    values = form(world, slot=slot, service=str(dose2.id),
                  date=(local_today() + timedelta(days=31)).isoformat())
    assert client.post("/admin/appointments/book", data=values).status_code == 302
    assert db.session.scalars(select(Appointment).order_by(Appointment.id.desc())
                              ).first().early_reason is None


def test_moving_a_second_dose_too_early_warns_and_needs_a_reason(client, world):
    dose2, first, block = second_dose_world(world)
    later = world.add_block(local_today() + timedelta(days=31), services=[dose2])
    late_slot = db.session.scalars(select(Slot).where(Slot.block_id == later.id)).first()
    second = engine.book(engine.BookingRequest(late_slot, dose2, patient_data()))
    early_slot = db.session.scalars(select(Slot).where(Slot.block_id == block.id)).first()
    values = {**patient_data(), "location": str(world.location.id), "service": str(dose2.id),
              "date": day_of(world), "slot": str(early_slot.id)}
    response = client.post(f"/admin/appointments/{second.id}/edit", data=values)
    assert response.status_code == 409 and "Too early for this dose" in text(response)
    assert 'name="early_reason"' in text(response)
    db.session.expire_all()
    assert db.session.get(Appointment, second.id).slot_id == late_slot.id
    values["early_reason"] = "Hospitalisation prévue"
    assert client.post(f"/admin/appointments/{second.id}/edit", data=values).status_code == 302
    db.session.expire_all()
    moved = db.session.get(Appointment, second.id)
    assert moved.slot_id == early_slot.id and moved.early_reason == "Hospitalisation prévue"
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "appointment.early_dose")) == 1


def test_online_second_dose_too_early_is_refused(world):
    dose2, first, block = second_dose_world(world)
    slot = db.session.scalars(select(Slot).where(Slot.block_id == block.id)).first()
    with pytest.raises(engine.TooEarly):
        engine.book(engine.BookingRequest(slot, dose2, patient_data(), online=True,
                                          consent_at=utcnow(), early_reason="please"))


def test_modify_groups_times_by_team_and_half_day_and_marks_the_current_one(client, world):
    """Issue 17, point 6."""
    world.add_block(local_today() + timedelta(days=2), "13:00", "14:00", team=world.other_team)
    appointment = book_one(world)
    page = text(client.get(f"/admin/appointments/{appointment.id}/edit"))
    assert page.index("Équipe A") < page.index("Morning") < page.index("Équipe B")
    assert page.index("Équipe B") < page.index("Afternoon")
    assert "current appointment" in page and 'class="is-open current"' in page
    assert 'href="#apt-patient"' in page and 'id="apt-patient"' in page
    assert "Save the changes" in page and "Back without changing anything" in page
    assert ">Cancel<" not in page


def test_the_day_view_runs_a_fixed_number_of_queries_whatever_the_appointments(client, world):
    """The access row is committed without reloading what the page shows: one appointment
    or many, the same queries (each patient was read again, one query each)."""
    from sqlalchemy import event

    def queries():
        db.session.remove()  # a fresh session, as each request has in production
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            page = client.get(path)
            assert page.status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), text(page).count('class="apt-chip')

    slot_ids, service_id = [s.id for s in world.slots[:5]], world.service.id
    path = (f"/admin/appointments/?view=day&location={world.location.id}"
            f"&date={day_of(world)}")

    def book(n):
        engine.book(engine.BookingRequest(db.session.get(Slot, slot_ids[n // 2]),
                                          db.session.get(Service, service_id), patient_data(n)))

    book(0)
    queries()  # the first request of a session loads a little more
    one, shown = queries()
    assert shown == 1
    for n in range(1, 9):
        book(n)
    many, shown = queries()
    assert shown == 9 and many == one
