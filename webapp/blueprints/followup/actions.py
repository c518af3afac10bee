"""Follow-up menu: attendance marked on ticked rows or on every row matching (FUP-7)."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ... import followup
from ...accounts.permissions import location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...htmx import page_or_fragment, redirect_to
from . import bp
from .views import ATTENDANCE_LABELS

SKIP_REASONS = {"cancelled": _l("already cancelled"), "unchanged": _l("already marked so"),
                "out_of_scope": _l("not found or outside your teams")}


@bp.post("/attendance")
@requires(Perm.FOLLOWUP_EDIT)
def attendance() -> Response:
    """Ask to confirm, then mark the chosen appointments present, absent, not eligible..."""
    query = followup.parse(request.form)
    back = url_for("followup.index", **query.params())
    mark = request.form.get("attendance", "")
    every = request.form.get("all") == "1"
    ids = followup.chosen_ids(request.form.getlist("id"), query if every else None,
                              location_scope(), team_scope())
    if mark not in followup.ATTENDANCES or not ids:
        flash(_("Tick at least one appointment and choose what to mark."), "error")
        return redirect_to(back)
    if request.form.get("confirmed") != "1":
        return page_or_fragment("followup/confirm.html", "followup/_confirm.html", q=query,
                                count=len(ids), mark=mark, label=ATTENDANCE_LABELS[mark],
                                ids=ids, every=every, back=back)
    result = followup.set_attendance(ids, mark, location_scope(), team_scope())
    flash(report(result), "success" if result.done else "info")
    return redirect_to(back)


def report(result: followup.BulkResult) -> str:
    """ "N done, M skipped because ..." in the user's language."""
    done = _("%(done)s done.", done=result.done)
    reasons = "; ".join(_("%(count)s %(reason)s", count=count, reason=SKIP_REASONS[reason])
                        for reason, count in result.skipped.items())
    return done + (" " + _("Skipped: %(reasons)s.", reasons=reasons) if reasons else "")
