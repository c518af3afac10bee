"""The address Twilio posts the SMS patients send us to: a STOP reply stops SMS to that
number (COM-5). Signed by Twilio (X-Twilio-Signature), so not a form: no CSRF token."""
from __future__ import annotations

from flask import Response, abort, request

from ...extensions import csrf, db, limiter
from ...messaging import sms
from ...web import external_url
from . import bp

# An empty TwiML answer: we send no automatic reply (Twilio sends its own to STOP).
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@bp.post("/sms/incoming")
@csrf.exempt
@limiter.limit("60 per minute")
def sms_incoming() -> Response:
    fields = {name: request.form.get(name, "") for name in request.form}
    try:
        # Signed on the address configured at Twilio: this site's public address.
        sms.incoming(external_url("public.sms_incoming"), fields,
                     request.headers.get("X-Twilio-Signature", ""))
    except PermissionError:
        abort(403)
    db.session.commit()
    return Response(EMPTY, mimetype="text/xml")
