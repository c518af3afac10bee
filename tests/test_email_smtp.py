"""Email through a real SMTP server on loopback (aiosmtpd): the received MIME is parsed."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from webapp import booking
from webapp.booking import BookingRequest
from webapp.extensions import db
from webapp.messaging import dispatch_due, queue
from webapp.models import Message, Organization

from .factories import make_world, patient_data


class Inbox:
    """Keeps every message the server accepted; refuses mailboxes named "refused"."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("refused@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_FROM="rdv@pharmacie.example", PUBLIC_URL="https://rdv.example.org")
    yield inbox
    controller.stop()


def book_with_sheet(app, language="fr_CA"):
    world = make_world(days_ahead=3)
    folder = Path(app.config["UPLOAD_FOLDER"]) / "services"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sheet.pdf").write_bytes(b"%PDF-1.4\n% information sheet\n%%EOF\n")
    world.service.attachment_path, world.service.attachment_name = "services/sheet.pdf", "Fiche.pdf"
    db.session.get(Organization, 1).email = "pharmacie@example.org"
    db.session.commit()
    return booking.book(BookingRequest(
        world.slots[0], world.service, patient_data(0, email="marie@example.org"),
        send_email=True, language=language))


def test_confirmation_is_text_html_sheet_and_calendar(app, smtp_server):
    appointment = book_with_sheet(app)
    assert dispatch_due() == 1
    [(to, raw)] = smtp_server.received
    assert to == ["marie@example.org"]
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Reply-To"] == "pharmacie@example.org"
    assert mail["Subject"] == f"Confirmation de rendez-vous {appointment.coupon}"
    assert mail["Message-ID"].startswith("<planner-message-")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert appointment.coupon in text and appointment.coupon in html
    assert '<html lang="fr-CA">' in html
    assert f'{appointment.token}">https://rdv.example.org/' in html  # the link, clickable
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(attachments) == {"rendez-vous.ics", "Fiche.pdf"}
    assert attachments["Fiche.pdf"].get_content().startswith(b"%PDF")
    ics = attachments["rendez-vous.ics"].get_content()
    ics = ics if isinstance(ics, str) else ics.decode()
    assert "BEGIN:VEVENT" in ics and f"UID:{appointment.coupon}@planner" in ics
    assert db.session.scalar(select(Message.status)) == "sent"


def test_reply_to_is_the_locations_email_when_it_has_one(app, smtp_server):
    appointment = book_with_sheet(app)
    appointment.location.email = "alma@pharmacie.example"
    db.session.commit()
    dispatch_due()
    mail = message_from_bytes(smtp_server.received[0][1], policy=policy.default)
    assert mail["Reply-To"] == "alma@pharmacie.example"


def test_english_patient_gets_english_email(app, smtp_server):
    book_with_sheet(app, language="en")
    dispatch_due()
    mail = message_from_bytes(smtp_server.received[0][1], policy=policy.default)
    assert mail["Subject"].startswith("Appointment confirmation")
    assert '<html lang="en">' in mail.get_body(("html",)).get_content()
    assert "appointment.ics" in {p.get_filename() for p in mail.iter_attachments()}


def test_html_escapes_what_the_text_says(app, smtp_server):
    queue("password_reset", "email", "a@example.org", "<b>x</b> & https://e.example/?a=1&b=2",
          subject="S")
    db.session.commit()
    dispatch_due()
    html = message_from_bytes(smtp_server.received[0][1], policy=policy.default) \
        .get_body(("html",)).get_content()
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in html
    assert '<a href="https://e.example/?a=1&amp;b=2">' in html


def test_refused_address_fails_at_once_with_the_servers_reason(app, smtp_server):
    message = queue("confirmation", "email", "refused@example.org", "Hi", subject="S")
    db.session.commit()
    assert dispatch_due() == 0
    db.session.refresh(message)
    assert message.status == "failed"
    assert message.last_error == "550 5.1.1 No such user here"


def test_server_down_is_retried_later(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),
                      MAIL_TIMEOUT=2)
    message = queue("confirmation", "email", "a@example.org", "Hi", subject="S")
    db.session.commit()
    assert dispatch_due() == 0
    db.session.refresh(message)
    assert message.status == "pending" and message.attempts == 1
    assert "refused" in message.last_error.lower()


def test_server_that_never_answers_is_retried_later(app):
    with socket.socket() as silent:  # accepts the connection, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
                          MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=0.5)
        message = queue("confirmation", "email", "a@example.org", "Hi", subject="S")
        db.session.commit()
        assert dispatch_due() == 0
    db.session.refresh(message)
    assert message.status == "pending" and message.attempts == 1
    assert "timed out" in message.last_error.lower()


@pytest.fixture
def tls_server(app, tmp_path):
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_USE_TLS=True, MAIL_TIMEOUT=5)
    yield inbox
    controller.stop()


def test_starttls_checks_the_certificate_unless_told_not_to(app, tls_server):
    message = queue("confirmation", "email", "a@example.org", "Hi", subject="S")
    db.session.commit()
    assert dispatch_due() == 0  # a self-signed certificate is refused...
    db.session.refresh(message)
    assert "certificate" in message.last_error.lower()
    app.config["MAIL_TLS_VERIFY"] = False  # ...unless the install says so (a local relay)
    message.due_at = message.created_at
    db.session.commit()
    assert dispatch_due() == 1
    assert tls_server.received[0][0] == ["a@example.org"]
