"""Communications tab (CFG-6, §2.5): reminders and follow-ups, each active or not, with its
delay and channels, and a word on the time of day it goes out."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment
from ...messaging.timing import BEFORE, DESCRIPTIONS, KINDS, LABELS, delay_text, timing_hint
from ...models import CommunicationSetting
from ...organization.configuration import changes, snapshot
from . import bp
from .communication_forms import CommunicationForm
from .inplace import form_answer, row_or_list, saved_answer

ROW = "config/communications/_row.html"
FIELDS = ("active", "hours", "by_sms", "by_email")


def _setting(kind: str, create: bool = False) -> CommunicationSetting:
    """The setting of one kind of message; a missing row is made on the first save."""
    if kind not in KINDS:
        abort(404)
    setting = db.session.scalar(select(CommunicationSetting).where(
        CommunicationSetting.kind == kind))
    if setting is None:
        setting = CommunicationSetting(kind=kind, active=False, hours=24, by_email=True,
                                       by_sms=False)
        if create:
            db.session.add(setting)
    return setting


def _list_url(kind: str = "") -> str:
    return url_for("config.communications") + (f"#communication-{kind}" if kind else "")


@bp.get("/communications")
@requires(Perm.CONFIGURE)
def communications() -> str:
    """The four automated communications (CFG-6)."""
    return render_template("config/communications/index.html",
                           settings=[_setting(kind) for kind in KINDS])


@bp.get("/communications/<kind>")
@requires(Perm.CONFIGURE)
def communication(kind: str) -> Response:
    """One communication's row (an edit cancelled)."""
    return row_or_list(ROW, _list_url(kind), setting=_setting(kind))


@bp.route("/communications/<kind>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def communication_edit(kind: str) -> Response:
    """Modify when and how one communication is sent."""
    setting = _setting(kind)
    form = CommunicationForm(obj=setting)
    if form.validate_on_submit():
        setting = _setting(kind, create=True)
        before = snapshot(setting, FIELDS)
        form.save_to(setting)
        if diff := changes(before, setting):
            audit.record("communication.updated", setting, kind=kind, changes=diff)
        db.session.commit()
        return saved_answer(ROW, _("“%(name)s” saved.", name=LABELS[kind]), _list_url(kind),
                            setting=setting)
    return form_answer("config/communications/form.html", "config/communications/_form.html",
                       form=form, setting=setting)


@bp.post("/communications/<kind>/active")
@requires(Perm.CONFIGURE)
def communication_toggle(kind: str) -> Response:
    """Turn one communication on or off."""
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    setting = _setting(kind, create=True)
    if wanted == "1" and not (setting.by_sms or setting.by_email):
        message = _("Choose SMS, email or both before turning this message on.")
        if is_htmx():
            return page_or_fragment(ROW, ROW, setting=setting, error=message)
        flash(message, "error")
        return redirect(_list_url(kind))
    if setting.active != (wanted == "1"):
        audit.record("communication.updated", setting, kind=kind,
                     changes={"active": [setting.active, wanted == "1"]})
        setting.active = wanted == "1"
    db.session.commit()
    message = (_("“%(name)s” is active.", name=LABELS[kind]) if setting.active
               else _("“%(name)s” is inactive.", name=LABELS[kind]))
    return saved_answer(ROW, message, _list_url(kind), setting=setting)


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
            "timing_hint": timing_hint, "delay_text": delay_text, "timing_before": BEFORE}
