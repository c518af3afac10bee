"""Staff cancel one appointment from its detail (reason, place freed, patient told), and
rebook a cancelled one for the same patient (FUP-8)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.factories import make_user, make_world, take_places
from tests.helpers import HX, text
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Appointment, Message


def _upcoming(client: Any) -> Appointment:
    client.set_cookie("lang", "en")
    world = make_world(days_ahead=2)
    [appointment] = take_places(world.slots[0], world.service, send_email=True,
                                email="lea@example.org")
    return appointment


def test_cancel_with_reason_frees_the_place_and_tells_the_patient(client: Any, auth: Any) -> None:
    appointment = _upcoming(client)
    auth.login(Role.GESTION2)
    url = f"/admin/appointments/{appointment.id}/cancel"
    assert "Reason for the cancellation" in text(client.get(url, headers=HX))
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 422 and "Give the reason" in text(refused)
    page = text(client.post(url, data={"reason": "Clinic closed"}, follow_redirects=True))
    assert "is cancelled; its place is free again" in page and "Reason: Clinic closed" in page
    db.session.expire_all()
    cancelled = db.session.get(Appointment, appointment.id)
    assert cancelled.status == "cancelled" and cancelled.slot.booked == 0
    assert db.session.scalar(select(Message.recipient).where(
        Message.appointment_id == appointment.id)) == "lea@example.org"
    again = client.post(url, data={"reason": "twice"})
    assert "Only an upcoming appointment" in text(again)
    # the cancelled appointment shows in the follow-up list "with cancellations"
    day = cancelled.slot.starts_at.date().isoformat()
    assert cancelled.coupon in text(client.get(f"/admin/followup/?report=all&period=week&day={day}"))
    # and can be rebooked for the same patient
    assert client.get(f"/admin/appointments/book?from={appointment.id}").status_code == 200


def test_cancel_needs_a_booking_role_and_the_team(client: Any, auth: Any) -> None:
    appointment = _upcoming(client)
    auth.login(Role.CONSULTATION1)
    url = f"/admin/appointments/{appointment.id}/cancel"
    assert client.post(url, data={"reason": "x"}).status_code == 403
    auth.logout()
    make_user(Role.GESTION3, teams=[])
    auth.login(Role.GESTION3)
    assert client.post(url, data={"reason": "x"}).status_code == 403
    assert client.post("/admin/appointments/99999999999/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "booked"
