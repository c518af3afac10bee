"""The staff Messages screen: filters, counts per day, the text as sent (audited), send again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp import booking
from webapp.accounts.roles import Role
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.models import AuditLog, Message, utcnow

from .factories import make_user, make_world, patient_data
from .helpers import HX, text


@pytest.fixture
def world(app):
    return make_world(days_ahead=2)


def book(world, n=0, slot=None, team=None):
    slot = slot or world.slots[n]
    appointment = booking.book(BookingRequest(
        slot, world.service, patient_data(n, email=f"p{n}@example.org"), send_email=True))
    return appointment


def failed(appointment):
    message = db.session.scalar(select(Message).where(Message.appointment_id == appointment.id))
    message.status, message.last_error, message.attempts = "failed", "550 No such user", 5
    db.session.commit()
    return message


def test_the_days_messages_with_status_and_reason(world, client, auth):
    failed(book(world, 0))
    book(world, 1)
    auth.login(Role.GESTION1)
    page = text(client.get("/admin/messages/"))
    assert "p0@example.org" in page and "p1@example.org" in page
    assert "550 No such user" in page
    assert "Renvoyer" in page or "Send again" in page
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "access.messages"))
    assert entry.details["count"] == 2


def test_filters_by_status_with_and_without_htmx(world, client, auth):
    failed(book(world, 0))
    book(world, 1)
    auth.login(Role.PILOTE)
    fragment = client.get("/admin/messages/?status=failed", headers=HX)
    assert "HX-Request" in fragment.headers["Vary"]
    body = text(fragment)
    assert "<html" not in body and 'id="messages-results"' in body
    assert "p0@example.org" in body and "p1@example.org" not in body
    assert "<html" in text(client.get("/admin/messages/?status=failed"))


@pytest.mark.parametrize("query", ["day=2026-13-45", "status=zzz", "kind=<script>", "day=x" * 50])
def test_bad_filters_say_so_and_never_fail(world, client, auth, query):
    auth.login(Role.PILOTE)
    response = client.get(f"/admin/messages/?{query}")
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)


def test_reading_the_text_is_audited(world, client, auth):
    appointment = book(world, 0)
    message = db.session.scalar(select(Message))
    auth.login(Role.GESTION1)
    fragment = text(client.get(f"/admin/messages/{message.id}", headers=HX))
    assert appointment.coupon in fragment and "<html" not in fragment
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "access.messages")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.object_id == message.id and entry.details["appointment"] == appointment.id


def test_send_again_queues_a_failed_message_once(world, client, auth):
    message = failed(book(world, 0))
    auth.login(Role.GESTION1)
    row = text(client.post(f"/admin/messages/{message.id}/again", headers=HX))
    assert f'id="message-{message.id}"' in row
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)
    again = client.post(f"/admin/messages/{message.id}/again", follow_redirects=True)
    assert again.status_code == 200
    db.session.refresh(message)
    assert message.status == "pending"
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.action == "message.sent_again")) == "message.sent_again"


def test_roles_and_scope(world, client, auth):
    mine = book(world, 0)
    other_block = world.add_block(world.block.day, "14:00", "15:00", team=world.other_team)
    from .factories import slots_of

    theirs = book(world, 1, slot=slots_of(other_block)[0])
    their_message = db.session.scalar(select(Message).where(
        Message.appointment_id == theirs.id))
    make_user(Role.GESTION3, "g3@test.example", teams=[world.team])
    auth.login(Role.GESTION3, "g3@test.example")
    page = text(client.get("/admin/messages/"))
    assert mine.patient.email in page and theirs.patient.email not in page
    assert client.get(f"/admin/messages/{their_message.id}").status_code == 404
    assert client.post(f"/admin/messages/{their_message.id}/again").status_code == 404
    auth.logout()
    auth.login(Role.CONSULTATION1)
    assert client.get("/admin/messages/").status_code == 403


def test_counts_per_day(world, client, auth):
    book(world, 0)
    message = db.session.scalar(select(Message))
    message.due_at = utcnow() - timedelta(days=1)
    message.status = "sent"
    db.session.commit()
    auth.login(Role.PILOTE)
    page = client.get("/admin/messages/").get_data(as_text=True)
    assert 'class="table counts"' in page
    assert "<td>1</td>" in page


def test_counts_per_day_by_local_day_and_status(world):
    from datetime import datetime, time

    from webapp.messaging import listing, queue
    from webapp.timeutil import local_today, planner_zone

    appointment = book(world, 0)
    today = local_today()

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute),
                                tzinfo=planner_zone())

    for n, (when, status) in enumerate((
            (at(0, 0), "sent"), (at(0, 23, 59), "failed"), (at(1, 23, 59), "sent"),
            (at(6, 0), "dropped"), (at(7, 23, 59), "sent"))):
        message = queue("reminder_1", "email", "a@example.org", "x", due_at=when,
                        appointment_id=appointment.id)
        message.status, message.occurrence = status, str(n)
    db.session.commit()
    db.session.execute(Message.__table__.delete().where(Message.kind == "confirmation"))
    counts = dict(listing.counts_per_day(today, None, None))
    assert len(counts) == 7 and today - timedelta(days=7) not in counts
    assert counts[today] == {"sent": 1, "failed": 1}
    assert counts[today - timedelta(days=1)] == {"sent": 1}
    assert counts[today - timedelta(days=6)] == {"dropped": 1}
    assert sum(sum(c.values()) for c in counts.values()) == 4
