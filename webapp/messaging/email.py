"""Email as patients receive it (COM-1): text and HTML alternatives, the service's
information sheet, an .ics for a confirmation or a move, Reply-To the appointment's location
(or the planner); sent over SMTP with STARTTLS or implicit TLS.

The text part is the message exactly as recorded (what staff read on the Messages screen);
the HTML part says the same thing, with its links made clickable.
"""
from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any, Optional

from flask import current_app

from ..booking.citizen import calendar_file
from ..booking.confirmations import address_of
from ..extensions import db
from ..formatting import localized
from ..models import Appointment, Message, Organization
from ..organization.uploads import absolute_path
from .outbox import EMAIL_BACKENDS, PermanentFailure, idempotency_key

# Messages that carry the appointment as a calendar file.
WITH_CALENDAR = frozenset({"confirmation", "moved"})
LINK = re.compile(r"(https?://[^\s<>\"]+)")


def html_paragraphs(text: str) -> list[list[list[tuple[str, Optional[str]]]]]:
    """Paragraphs of lines of (text, link or None) pieces: the template escapes every piece."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            pieces = LINK.split(line)
            lines.append([(piece, piece if i % 2 else None)
                          for i, piece in enumerate(pieces) if piece])
        paragraphs.append(lines)
    return paragraphs


def reply_address(appointment: Optional[Appointment], org: Optional[Organization]) -> str:
    """Where a patient's answer goes: the appointment's location, else the organization."""
    if appointment is not None and appointment.location.email:
        return appointment.location.email
    return org.email if org is not None and org.email else ""


def build(message: Message) -> EmailMessage:
    """The MIME message for one outbox row."""
    config = current_app.config
    org = db.session.get(Organization, 1)
    appointment = (db.session.get(Appointment, message.appointment_id)
                   if message.appointment_id is not None else None)
    language = message.language if message.language in ("fr_CA", "en") else "fr_CA"
    sender = str(config["MAIL_FROM"])
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    # The same for every attempt: a receiving system can tell a repeat after a crash.
    domain = sender.rpartition("@")[2].strip("> ") or "localhost"
    mail["Message-ID"] = f"<{idempotency_key(message)}@{domain}>"
    reply_to = reply_address(appointment, org)
    if reply_to:
        mail["Reply-To"] = reply_to
    mail.set_content(message.body)
    html = current_app.jinja_env.get_template("email/message.html").render(
        lang="fr-CA" if language == "fr_CA" else "en", subject=message.subject,
        planner=localized(org, "name", language) if org else "",
        paragraphs=html_paragraphs(message.body))
    mail.add_alternative(html, subtype="html")
    if appointment is not None:
        _attach(mail, message, appointment, language)
    return mail


def _attach(mail: EmailMessage, message: Message, appointment: Appointment,
            language: str) -> None:
    service = appointment.service
    if message.kind in WITH_CALENDAR:
        ics = calendar_file(appointment, title=localized(service, "name", language),
                            location=appointment.location,
                            address=address_of(appointment.location),
                            description=f"{appointment.coupon}")
        name = "rendez-vous.ics" if language == "fr_CA" else "appointment.ics"
        mail.add_attachment(ics, maintype="text", subtype="calendar", filename=name,
                            params={"method": "PUBLISH"})
    sheet = absolute_path(service.attachment_path) if message.kind == "confirmation" else None
    if sheet is not None:
        kind = sheet.suffix.lstrip(".").lower()
        maintype, subtype = ("application", "pdf") if kind == "pdf" else ("image", kind)
        mail.add_attachment(sheet.read_bytes(), maintype=maintype, subtype=subtype,
                            filename=service.attachment_name or sheet.name)


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not current_app.config.get("MAIL_TLS_VERIFY", True):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _refusal(code: int, text: Any) -> Exception:
    reason = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    # 5xx: the server will never take it (unknown mailbox...); 4xx: try again later.
    return PermanentFailure(reason) if code >= 500 else RuntimeError(reason)


class SmtpBackend:
    """One connection for a batch of messages (`outbox` calls `close` after the batch); a
    connection the server closed in between is opened again once."""

    name = "smtp"

    def __init__(self) -> None:
        self._smtp: Optional[smtplib.SMTP] = None

    def _open(self) -> smtplib.SMTP:
        config = current_app.config
        host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
        timeout = float(config.get("MAIL_TIMEOUT", 20))
        smtp: smtplib.SMTP
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=_tls_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except Exception:
            smtp.close()
            raise
        return smtp

    def deliver(self, message: Message) -> None:
        mail = build(message)
        reused = self._smtp is not None
        try:
            try:
                self._send(mail)
            except smtplib.SMTPServerDisconnected:
                self.close()
                if not reused:
                    raise
                self._send(mail)  # the server closed an idle connection: once more
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = next(iter(refused.recipients.values()))
            raise _refusal(code, text) from None
        except smtplib.SMTPResponseException as error:
            raise _refusal(error.smtp_code, error.smtp_error) from None
        except Exception:
            self.close()  # timed out, reset...: start afresh with the next message
            raise

    def _send(self, mail: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        self._smtp.send_message(mail)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


EMAIL_BACKENDS["smtp"] = SmtpBackend
