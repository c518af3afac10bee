"""SMS (COM-5): the provider interface, Twilio's Messages API over HTTP, and the GSM-7 count.

`SMS_BACKEND` chooses: "outbox" (default: kept in the database for staff to read) or
"twilio" (`TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM`: a number or a Messaging
Service SID "MG..."; `TWILIO_API_URL` for a test server). Twilio takes no idempotency key on
this API: a crash between its acceptance and our commit may send one SMS twice (see
docs/ARCHITECTURE.md "Messages").
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Optional

from flask import current_app

from ..models import Message
from . import optout
from .gsm import Length, length, to_gsm7
from .outbox import SMS_BACKENDS, Dropped, PermanentFailure, RetryLater

# Twilio error codes: the recipient replied STOP; the number cannot receive SMS.
OPTED_OUT = 21610
PERMANENT_CODES = frozenset({21211, 21612, 21614, 21408, 21606, OPTED_OUT})
# Replies by which a patient stops or restarts SMS (Twilio's default keywords, and French).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT",
                        "REVOKE", "ARRET", "ARRÊT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


def e164(number: str) -> str:
    """418 555-0100 -> +14185550100 (North American numbers by default)."""
    phone = optout.normalised(number)
    if phone is None:
        raise PermanentFailure(f"not a valid phone number: {number}")
    return phone


class TwilioBackend:
    """Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json, Basic auth."""

    name = "twilio"

    def deliver(self, message: Message) -> None:
        config = current_app.config
        sid, token = str(config["TWILIO_ACCOUNT_SID"]), str(config["TWILIO_AUTH_TOKEN"])
        sender = str(config["TWILIO_FROM"])
        fields = {"To": e164(message.recipient), "Body": message.body}
        fields["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        base = str(config.get("TWILIO_API_URL") or "https://api.twilio.com").rstrip("/")
        request = urllib.request.Request(
            f"{base}/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json",
            data=urllib.parse.urlencode(fields).encode(), method="POST",
            headers={"Authorization": "Basic " + base64.b64encode(
                f"{sid}:{token}".encode()).decode(), "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=float(config.get("SMS_TIMEOUT", 20))):
                return
        except urllib.error.HTTPError as error:
            refusal = _refusal(error)
            if isinstance(refusal, Dropped):
                # The owner replied STOP: no later SMS is tried (outbox.send drops them).
                optout.remember(message.recipient, str(refusal))
            raise refusal from None


def signature(url: str, fields: Mapping[str, str], token: str) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 of the URL followed by every field (sorted by
    name, name then value), keyed with the auth token, in base64."""
    signed = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def incoming(url: str, fields: Mapping[str, str], given: str) -> Optional[bool]:
    """Handle an SMS a patient sent us (Twilio's incoming-message webhook): True if it
    stopped SMS to its number, False if it restarted them, None if it said neither. Raises
    PermissionError when the signature is not Twilio's. The caller commits."""
    token = str(current_app.config.get("TWILIO_AUTH_TOKEN") or "")
    if not token or not hmac.compare_digest(signature(url, fields, token), given or ""):
        raise PermissionError("not signed by the provider")
    word = (fields.get("OptOutType") or fields.get("Body") or "").strip().upper()
    sender = fields.get("From", "")
    if word in STOP_WORDS:
        optout.remember(sender, f"{optout.OPTED_OUT} (STOP): replied {word}")
        return True
    if word in START_WORDS:
        optout.forget(sender)
        return False
    return None


def _refusal(error: urllib.error.HTTPError) -> Exception:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    code, text = body.get("code"), body.get("message") or error.reason
    reason = f"{error.code} {code or ''} {text}".replace("  ", " ").strip()
    if error.code == 429:
        retry = error.headers.get("Retry-After", "60")
        return RetryLater(reason, float(retry) if retry.isdigit() else 60)
    if code == OPTED_OUT:
        return Dropped(f"{optout.OPTED_OUT} (STOP): {reason}")
    if code in PERMANENT_CODES or error.code in (400, 404):
        return PermanentFailure(reason)
    return RuntimeError(reason)  # 401 (bad credentials), 5xx...: retried, shown to staff


SMS_BACKENDS["twilio"] = TwilioBackend
__all__ = ["Length", "TwilioBackend", "e164", "length", "to_gsm7"]
