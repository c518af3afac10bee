"""The citizen's appointment: confirmation page, confirm, cancel, calendar file (PUB-7, PUB-8)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import booking
from ...booking.citizen import calendar_file, confirmation_recipients, find_for_cancel
from ...booking.confirmations import address_of
from ...booking.coupon_qr import qr_svg
from ...extensions import db, limiter
from ...formatting import localized
from ...models import Appointment, Location, Service, Status
from . import bp

CANCEL_LOOKUP_LIMIT = "10 per minute"


def _appointment(token: str) -> Appointment:
    try:
        appointment = booking.get_appointment(token, with_place=True)
    except booking.NotFound:
        abort(404)
    if appointment.status not in (Status.BOOKED.value, Status.CONFIRMED.value,
                                  Status.CANCELLED.value):
        abort(404)
    return appointment


@bp.get("/r/<token>")
def short(token: str) -> Response:
    """The short link sent by SMS."""
    return redirect(url_for("public.appointment", token=token))  # type: ignore[return-value]


@bp.get("/appointment/<token>")
def appointment(token: str) -> str:
    """The appointment with its confirmation number; confirm or cancel it (never on a GET)."""
    item = _appointment(token)
    new = request.args.get("new") == "1"
    return render_template("public/appointment.html", appointment=item,
                           service=db.session.get(Service, item.service_id),
                           location=db.session.get(Location, item.location_id),
                           new=new, sent=confirmation_recipients(item) if new else {},
                           qr=qr_svg(item.coupon, _("QR code of the confirmation number %(coupon)s",
                                                    coupon=item.coupon)))


@bp.post("/appointment/<token>/confirm")
@limiter.limit(CANCEL_LOOKUP_LIMIT)
def confirm(token: str) -> Response:
    """The patient confirms they will come."""
    item = _appointment(token)
    try:
        booking.confirm(item)
        flash(_("Thank you: your appointment is confirmed."), "success")
    except booking.BookingError as error:
        flash(str(error.message), "error")
    return redirect(url_for("public.appointment", token=token))  # type: ignore[return-value]


@bp.post("/appointment/<token>/cancel")
@limiter.limit(CANCEL_LOOKUP_LIMIT)
def cancel(token: str) -> Response:
    """The patient cancels: the place is freed at once."""
    item = _appointment(token)
    try:
        if booking.cancel(item, reason=_("Cancelled by the patient online"), online=True):
            flash(_("Your appointment is cancelled. The place is free for someone else."),
                  "success")
    except booking.BookingError as error:
        flash(str(error.message), "error")
    return redirect(url_for("public.appointment", token=token))  # type: ignore[return-value]


@bp.get("/appointment/<token>/calendar.ics")
def calendar(token: str) -> Response:
    """Add to my calendar."""
    item = _appointment(token)
    service, location = item.service, item.location
    body = calendar_file(item, title=localized(service, "name"), location=location,
                         address=f"{localized(location, 'name')}, {address_of(location)}",
                         description=_("Confirmation number: %(coupon)s", coupon=item.coupon))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f"attachment; filename=appointment-{item.coupon}.ics"})


@bp.route("/cancel", methods=["GET", "POST"])
@limiter.limit(CANCEL_LOOKUP_LIMIT, methods=["POST"])
def cancel_lookup() -> Response | str | tuple[str, int]:
    """Find an appointment by confirmation number plus birth date or email (PUB-8)."""
    if request.method == "GET":
        return render_template("public/cancel_lookup.html", values={})
    values = {"coupon": request.form.get("coupon", "")[:20],
              "second": request.form.get("second", "")[:254]}
    item = find_for_cancel(values["coupon"], values["second"])
    if item is None:
        return render_template("public/cancel_lookup.html", values=values, not_found=True), 404
    return redirect(url_for("public.appointment", token=item.token))  # type: ignore[return-value]
