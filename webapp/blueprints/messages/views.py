"""Messages screen: the day's messages by kind, channel and status, counts per day, the text
as sent (audited: it is patient data) and "send again" for a failed one."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ... import audit, booking
from ...accounts.permissions import location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment, redirect_to
from ...messaging import listing
from ...models import Message
from ...timeutil import local_today
from . import bp


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    # App-wide: an appointment's detail lists its messages with messages/_table.html.
    return {"kind_labels": listing.KIND_LABELS, "channel_labels": listing.CHANNEL_LABELS,
            "status_labels": listing.STATUS_LABELS, "reason_text": listing.reason_text}


def _visible(message_id: int) -> Message:
    message = listing.get_visible(message_id, location_scope(), team_scope())
    if message is None:
        abort(404)
    return message


@bp.get("/")
@requires(Perm.MESSAGES_VIEW)
def index() -> Response:
    """The messages of a day, filtered, with the counts of the last days."""
    filters = listing.parse_filters(request.args, local_today())
    found = listing.find(filters, location_scope(), team_scope())
    counts = listing.counts_per_day(local_today(), location_scope(), team_scope())
    busy = booking.busy_addresses(filters.day, location_scope(), team_scope())
    audit.record_access("messages", None, count=len(found), **filters.query())
    audit.commit_access()
    return page_or_fragment("messages/index.html", "messages/_results.html",
                            filters=filters, messages=found, counts=counts, busy=busy,
                            page_size=listing.PAGE_SIZE)


@bp.get("/<int:message_id>")
@requires(Perm.MESSAGES_VIEW)
def text(message_id: int) -> Response:
    """One message exactly as it was sent."""
    message = _visible(message_id)
    audit.record_access("messages", message, appointment=message.appointment_id)
    audit.commit_access()
    return page_or_fragment("messages/text.html", "messages/_text.html", message=message)


@bp.post("/<int:message_id>/again")
@requires(Perm.MESSAGES_VIEW)
def send_again(message_id: int) -> Response:
    """Queue a failed message again."""
    message = _visible(message_id)
    try:
        listing.send_again(message, current_user)
    except listing.NotRetryable:
        note = _("Only a failed message can be sent again; this one is %(status)s.",
                 status=listing.STATUS_LABELS.get(message.status, message.status))
        if is_htmx():
            return page_or_fragment("", "messages/_row.html", message=message, note=note)
        flash(note, "error")
        return redirect_to(url_for("messages.index"))
    db.session.commit()
    note = _("The message will be sent again in a moment.")
    if is_htmx():
        return page_or_fragment("", "messages/_row.html", message=message, note=note)
    flash(note, "success")
    return redirect_to(url_for("messages.index"))
