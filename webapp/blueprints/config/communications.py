"""Communications tab (CFG-6, §2.5): reminders and follow-ups, each active or not, with its
delay and channels, and a word on the time of day it goes out. The rules and the audit are
`organization.communications`'."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flask import abort, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import language
from ...messaging.communications import sample_sms
from ...messaging.sms import length as sms_length
from ...messaging.timing import BEFORE, DESCRIPTIONS, KINDS, LABELS, delay_text, timing_hint
from ...models import CommunicationSetting
from ...organization.communications import (
    CommunicationError,
    set_active,
    setting_for,
    update_setting,
)
from . import bp
from .communication_forms import CommunicationForm
from .inplace import InPlace, save_form, switch

COMMUNICATIONS = InPlace.under("config/communications", "communication",
                               "config.communications")


def _setting(kind: str) -> CommunicationSetting:
    if kind not in KINDS:
        abort(404)
    return setting_for(kind)


@bp.get("/communications")
@requires(Perm.CONFIGURE)
def communications() -> str:
    """The four automated communications (CFG-6)."""
    return render_template("config/communications/index.html",
                           settings=[setting_for(kind) for kind in KINDS])


@bp.get("/communications/<kind>")
@requires(Perm.CONFIGURE)
def communication(kind: str) -> Response:
    """One communication's row (an edit cancelled)."""
    return COMMUNICATIONS.row_or_list(COMMUNICATIONS.list_url(kind), setting=_setting(kind))


@bp.route("/communications/<kind>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def communication_edit(kind: str) -> Response:
    """Modify when and how one communication is sent."""
    setting = _setting(kind)
    form = CommunicationForm(obj=setting)
    if save_form(form, lambda: update_setting(setting, form.setting_data())):
        return COMMUNICATIONS.saved(_("“%(name)s” saved.", name=LABELS[kind]),
                                    COMMUNICATIONS.list_url(kind), setting=setting)
    return COMMUNICATIONS.form_answer(form=form, setting=setting)


@bp.post("/communications/<kind>/active")
@requires(Perm.CONFIGURE)
def communication_toggle(kind: str) -> Response:
    """Turn one communication on or off."""
    active = switch()
    setting = _setting(kind)
    try:
        set_active(setting, active)
    except CommunicationError as error:
        return COMMUNICATIONS.saved(error.message, COMMUNICATIONS.list_url(kind), error=True,
                                    setting=setting)
    db.session.commit()
    message = (_("“%(name)s” is active.", name=LABELS[kind]) if setting.active
               else _("“%(name)s” is inactive.", name=LABELS[kind]))
    return COMMUNICATIONS.saved(message, COMMUNICATIONS.list_url(kind), setting=setting)


@bp.get("/communications/<kind>/hint")
@requires(Perm.CONFIGURE)
def communication_hint(kind: str) -> str:
    """What a delay typed in the form means for the time of day of the send."""
    if kind not in KINDS:
        abort(404)
    hours = request.args.get("hours", "").strip()
    hint = timing_hint(kind, int(hours)) if hours.isdigit() and len(hours) < 6 else None
    return render_template("config/communications/_hint.html", hint=hint, kind=kind)


@bp.context_processor
def _timing_helpers() -> dict[str, object]:
    return {"timing_labels": LABELS, "timing_descriptions": DESCRIPTIONS,
            "timing_hint": timing_hint, "delay_text": delay_text, "timing_before": BEFORE,
            "sms_preview": sms_preview}


@dataclass(frozen=True)
class SmsPreview:
    text: str
    level: str  # "ok" or "warn"
    note: str


def sms_preview(kind: str) -> Optional[SmsPreview]:
    """The example SMS of a communication, with its length in SMS (GSM-7: 160 characters)."""
    text = sample_sms(kind, language())
    if text is None:
        return None
    size = sms_length(text)
    if not size.gsm7:
        return SmsPreview(text, "warn", _(
            "%(count)s characters, some outside the SMS alphabet: the limit falls to 70 "
            "characters, so it goes as %(parts)s SMS.", count=size.characters, parts=size.parts))
    if size.parts > 1:
        return SmsPreview(text, "warn", _(
            "%(count)s characters: more than 160, so it goes as %(parts)s SMS. Shorter names "
            "of the service or location keep it to one.", count=size.characters,
            parts=size.parts))
    return SmsPreview(text, "ok", _("%(count)s characters: one SMS (160 at most).",
                                    count=size.characters))
