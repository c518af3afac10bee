"""Automated communications (CFG-6, guide §2.5): the two reminders and two follow-ups, each
active or not, with its delay and its channels. Every change is audited; a change the rules
refuse raises CommunicationError and changes nothing. When each message goes out is
`messaging.timing`'s business."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..messaging.timing import KINDS
from ..models import CommunicationSetting
from . import Refused
from .changes import apply


class CommunicationError(Refused):
    pass


def setting_for(kind: str) -> CommunicationSetting:
    """The setting of one kind of message (one of KINDS); a missing row is made, with the
    defaults, when it is first saved."""
    if kind not in KINDS:
        raise KeyError(kind)
    found = db.session.scalar(select(CommunicationSetting).where(CommunicationSetting.kind == kind))
    return found or CommunicationSetting(kind=kind, active=False, hours=24, by_email=True,
                                         by_sms=False)


def _save(setting: CommunicationSetting, values: dict[str, Any]) -> CommunicationSetting:
    if setting not in db.session:
        db.session.add(setting)
    apply("communication.updated", setting, values, kind=setting.kind)
    return setting


def update_setting(setting: CommunicationSetting, data: dict[str, Any]) -> CommunicationSetting:
    """Save whether the message is sent, after how many hours, by SMS and/or email."""
    if data["active"] and not (data["by_sms"] or data["by_email"]):
        raise CommunicationError(_("Choose SMS, email or both to send this message."),
                                 "by_email")
    return _save(setting, data)


def set_active(setting: CommunicationSetting, active: bool) -> CommunicationSetting:
    """Turn the message on (it needs a channel) or off."""
    if active and not (setting.by_sms or setting.by_email):
        raise CommunicationError(_("Choose SMS, email or both before turning this message on."),
                                 "active")
    return _save(setting, {"active": active})
