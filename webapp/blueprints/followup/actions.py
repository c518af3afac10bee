"""Follow-up menu: bulk actions on ticked rows or on every row matching (FUP-7): attendance,
confirm, cancel."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from ... import followup, followup_messages
from ...accounts.permissions import location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...formatting import decimal
from ...htmx import page_or_fragment, redirect_to
from . import bp
from .views import ACTION_LABELS

ALL_ACTIONS = (*followup.ACTIONS, *followup_messages.SENDS)


@bp.post("/bulk")
@requires(Perm.FOLLOWUP_EDIT)
def bulk() -> Response:
    """Ask to confirm, then apply the chosen action to the ticked (or all matching) rows."""
    query = followup.parse(request.form)
    back = url_for("followup.index", **query.params())
    action = request.form.get("action", "")
    reason = request.form.get("reason", "").strip()[:2000]
    every = request.form.get("all") == "1"
    ids = followup.chosen_ids(request.form.getlist("id"), query if every else None,
                              location_scope(), team_scope())
    if action not in ALL_ACTIONS or not ids:
        flash(_("Tick at least one appointment and choose an action."), "error")
        return redirect_to(back)
    left_out = _left_out(query, ids) if every else 0
    missing_reason = action == "cancel" and not reason and request.form.get("confirmed") == "1"
    if request.form.get("confirmed") != "1" or missing_reason:
        return page_or_fragment("followup/confirm.html", "followup/_confirm.html", q=query,
                                count=len(ids), action=action, label=ACTION_LABELS[action],
                                ids=ids, every=every, back=back, missing_reason=missing_reason,
                                left_out=left_out, max_bulk=followup.MAX_BULK)
    if action in followup.ATTENDANCES:
        result = followup.set_attendance(ids, action, location_scope(), team_scope())
    elif action in followup_messages.SENDS:
        result = followup_messages.send(action, ids, location_scope(), team_scope(),
                                        current_user)
    else:
        result = followup.confirm_or_cancel(action, ids, location_scope(), team_scope(),
                                            current_user, reason)
    flash(report(result, left_out), "success" if result.done else "info")
    return redirect_to(back)


def _left_out(query: followup.FollowupQuery, ids: list[int]) -> int:
    """How many matching rows "tick all" leaves out (beyond `MAX_BULK`): counted only when
    the cap was reached."""
    if len(ids) < followup.MAX_BULK:
        return 0
    return max(0, followup.matching_count(query, location_scope(), team_scope()) - len(ids))


def report(result: followup.BulkResult, left_out: int = 0) -> str:
    """ "N done, M skipped because ..." in the user's language, in plural words; and the
    matching rows "tick all" left out, beyond the most one action handles."""
    done = ngettext("%(num)d done.", "%(num)d done.", result.done)
    reasons = "; ".join(skipped(reason, count) for reason, count in result.skipped.items())
    text = done + (" " + _("Skipped: %(reasons)s.", reasons=reasons) if reasons else "")
    if left_out:
        text += " " + ngettext(
            "%(count)s other matching appointment was not processed: one action handles at "
            "most %(most)s. Narrow the filters (the dates, for example) to reach it.",
            "%(count)s other matching appointments were not processed: one action handles at "
            "most %(most)s. Narrow the filters (the dates, for example) to reach them.",
            left_out, count=decimal(left_out, 0), most=decimal(followup.MAX_BULK, 0))
    return text


def skipped(reason: str, n: int) -> str:
    """How many rows were left alone, and why (French agrees the words with the count)."""
    if reason == "cancelled":
        return ngettext("%(num)d already cancelled", "%(num)d already cancelled", n)
    if reason == "unchanged":
        return ngettext("%(num)d already marked so", "%(num)d already marked so", n)
    if reason == "confirmed":
        return ngettext("%(num)d already confirmed", "%(num)d already confirmed", n)
    if reason == "past":
        return ngettext("%(num)d already past", "%(num)d already past", n)
    if reason == "changed":
        return ngettext("%(num)d changed meanwhile", "%(num)d changed meanwhile", n)
    if reason == "no_contact":
        return ngettext("%(num)d without an email or cell phone for messages",
                        "%(num)d without an email or cell phone for messages", n)
    if reason == "not_absent":
        return ngettext("%(num)d neither absent nor cancelled",
                        "%(num)d neither absent nor cancelled", n)
    if reason == "waiting":
        return ngettext("%(num)d with a message already waiting to be sent",
                        "%(num)d with a message already waiting to be sent", n)
    return ngettext("%(num)d not found or outside your teams",
                    "%(num)d not found or outside your teams", n)
