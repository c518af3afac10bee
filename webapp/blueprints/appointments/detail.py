"""One appointment: its confirmation and coupon (APT-3, §4.4), and changing it (APT-4, §4.5)."""
from __future__ import annotations

from typing import Any, Optional

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ... import audit
from ... import booking as engine
from ...accounts.permissions import can, requires, team_scope
from ...accounts.roles import Perm
from ...booking.coupon_qr import qr_svg
from ...booking.patients import validate
from ...booking.staff_steps import (
    UPCOMING,
    Choice,
    messages_for,
    patient_values,
    read_choice,
    slot_in_scope,
)
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment, redirect_to
from ...models import Appointment, utcnow
from ...scheduling.notices import notify_cancelled
from ...timeutil import local_today
from ..schedules.access import visible_locations
from . import bp
from .access import appointment_or_403, location_from


@bp.get("/<int:appointment_id>")
@requires(Perm.APPOINTMENTS_VIEW)
def detail(appointment_id: int) -> Response:
    """The confirmation: number, patient, service, team, when, where, instructions, the
    coupon's QR code and the messages queued for the patient."""
    appointment = appointment_or_403(appointment_id)
    response = page_or_fragment(
        "appointments/detail.html", "appointments/_detail.html", a=appointment,
        qr=qr_svg(appointment.coupon, _("QR code of the confirmation number %(coupon)s",
                                        coupon=appointment.coupon)),
        messages=messages_for(appointment), can_book=can(Perm.APPOINTMENTS_BOOK),
        saved=request.args.get("saved") == "1")
    audit.record_access("appointment", appointment, patient=appointment.patient_id)
    audit.commit_access()
    return response


def _upcoming(appointment: Appointment) -> bool:
    return appointment.status in UPCOMING and appointment.starts_at > utcnow()


def _move_choice(appointment: Appointment, values: Any) -> Optional[Choice]:
    """For an upcoming appointment, the new service / location / date / time chosen."""
    if not _upcoming(appointment):
        return None
    location = location_from(values.get("location"), appointment.location)
    args = dict(values)
    args.setdefault("service", str(appointment.service_id))
    if not values.get("date"):
        args["date"] = appointment.starts_at.astimezone(location_tz()).date().isoformat()
    choice = read_choice(args, location, local_today(), team_scope(), utcnow())
    raw_slot = values.get("slot")
    if raw_slot:
        try:
            choice.slot = engine.get_slot(raw_slot)
        except engine.NotFound:
            abort(404)
        if not slot_in_scope(choice.slot, location, team_scope()):
            abort(403)
    return choice


def location_tz() -> Any:
    from ...timeutil import planner_zone

    return planner_zone()


def render_edit(appointment: Appointment, values: dict[str, str], errors: dict[str, Any],
                status: int = 200, **extra: Any) -> Response:
    return page_or_fragment(
        "appointments/edit.html", "appointments/_edit.html", status if not is_htmx() else 200,
        a=appointment, choice=_move_choice(appointment, request.values), values=values,
        errors=errors, locations=visible_locations(), **extra)


@bp.get("/<int:appointment_id>/edit")
@requires(Perm.APPOINTMENTS_BOOK)
def edit(appointment_id: int) -> Response:
    """Change the details; an upcoming appointment may also move (service, place, time)."""
    appointment = appointment_or_403(appointment_id)
    values = dict(patient_values(appointment.patient), comment=appointment.comment or "")
    audit.record_access("appointment", appointment, patient=appointment.patient_id)
    audit.commit_access()
    return render_edit(appointment, values, {})


@bp.post("/<int:appointment_id>/edit")
@requires(Perm.APPOINTMENTS_BOOK)
def edit_save(appointment_id: int) -> Response:
    """Move first (atomic in the engine), then the details; a refusal changes nothing."""
    appointment = appointment_or_403(appointment_id)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    choice = _move_choice(appointment, request.form)
    moving = choice is not None and choice.slot is not None and choice.service is not None
    service = choice.service if moving and choice and choice.service else appointment.service
    try:  # the details are checked first, so a move is never left half done
        validate(values, service.field_rules or {})
    except engine.PatientDataInvalid as error:
        return render_edit(appointment, values, dict(error.errors, form=error.message), 422)
    try:
        if moving and choice is not None and choice.slot and choice.service:
            engine.move(appointment, engine.BookingRequest(
                choice.slot, choice.service, by_user=current_user,
                override_reason=values.get("override_reason") or None,
                early_reason=values.get("early_reason") or None))
        engine.update_details(appointment, values, comment=values.get("comment", ""),
                              by_user=current_user)
    except engine.PatientDataInvalid as error:
        return render_edit(appointment, values, dict(error.errors, form=error.message), 422)
    except engine.TooEarly as error:
        return render_edit(appointment, values, {"form": error.message, "early": True}, 409)
    except engine.SlotFull as error:
        return render_edit(appointment, values, {"slot": error.message}, 409,
                           alternatives=error.alternatives)
    except engine.BookingError as error:
        return render_edit(appointment, values, {"slot": error.message}, 409)
    return redirect_to(url_for(".detail", appointment_id=appointment.id, saved=1))


@bp.route("/<int:appointment_id>/cancel", methods=["GET", "POST"])
@requires(Perm.APPOINTMENTS_BOOK)
def cancel(appointment_id: int) -> Response:
    """Cancel one upcoming appointment with a reason: the place is freed, the patient told."""
    appointment = appointment_or_403(appointment_id)
    error = None
    if not _upcoming(appointment):
        error = _("Only an upcoming appointment can be cancelled.")
    elif request.method == "POST":
        reason = request.form.get("reason", "").strip()[:2000]
        if not reason:
            error = _("Give the reason for the cancellation.")
        elif engine.cancel(appointment, by_user=current_user, reason=reason):
            notify_cancelled(appointment)
            db.session.commit()
            flash(_("The appointment %(coupon)s is cancelled; its place is free again.",
                    coupon=appointment.coupon), "success")
            return redirect_to(url_for(".detail", appointment_id=appointment.id))
        else:
            error = _("This appointment was cancelled meanwhile.")
    status = 422 if error and request.method == "POST" else 200
    return page_or_fragment("appointments/cancel.html", "appointments/_cancel.html", status,
                            a=appointment, error=error, upcoming=_upcoming(appointment))
