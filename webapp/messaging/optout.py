"""SMS opt-outs (COM-5): a number whose owner replied STOP gets no more SMS from us.

The provider tells us: Twilio answers error 21610 "unsubscribed recipient" to a send, and
posts the patient's STOP reply to our incoming-SMS address (`public.sms_incoming`). The
number is remembered in E.164, and a later SMS to it, however the number was typed, is
"dropped" with the reason OPTED_OUT instead of being tried again. Emails still go.
"""
from __future__ import annotations

from typing import Optional

import phonenumbers
from sqlalchemy import delete, select

from ..dbtx import insert_or_skip
from ..extensions import db
from ..models import SmsOptOut, utcnow

# The reason recorded on a message not sent because of an opt-out (the Messages screen
# puts it in words).
OPTED_OUT = "opted out"


def normalised(number: str) -> Optional[str]:
    """418 555-0100 -> +14185550100 (North American by default); None if not a number."""
    try:
        parsed = phonenumbers.parse(number, "CA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_opted_out(number: str) -> bool:
    phone = normalised(number)
    return phone is not None and db.session.scalar(
        select(SmsOptOut.phone).where(SmsOptOut.phone == phone)) is not None


def remember(number: str, reason: str) -> None:
    """Record that this number opted out (once, whichever process learns it first); the
    caller commits."""
    phone = normalised(number)
    if phone is None:
        return
    db.session.execute(insert_or_skip(SmsOptOut.__table__),
                       {"phone": phone, "reason": reason[:300], "created_at": utcnow()})


def forget(number: str) -> None:
    """The owner replied START: SMS may go to this number again; the caller commits."""
    phone = normalised(number)
    if phone is not None:
        db.session.execute(delete(SmsOptOut).where(SmsOptOut.phone == phone))
