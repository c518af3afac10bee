"""The citizen's booking steps: eligibility, date, time, hold, details, confirmation."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from ... import booking
from ...booking.citizen import (
    IneligibleAnswer,
    MissingAnswer,
    answers_from,
    answers_query,
    day_from,
    new_attempt,
    one_per_time,
)
from ...extensions import db, limiter
from ...models import Appointment, Location, Service, Slot, Status
from ...organization import associations
from ...params import to_id
from . import bp
from .details import (
    KEPT_PREFIX,
    details_context,
    form_values,
    in_language,
    kept_fields,
    submit_details,
    switch_language,
)

PUBLIC_POST_LIMIT = "30 per minute"


def _place(location_id: int, service_id: int) -> tuple[Location, Service]:
    found = associations.offered_at(location_id, service_id)
    if found is None:
        abort(404)
    return found


def _language() -> str:
    return "en" if str(get_locale()).startswith("en") else "fr_CA"


def _answers_or_page(place: Location, service: Service) -> dict[str, int] | Response | str:
    """The checked answers, or the page that says what is wrong with them."""
    try:
        return answers_from(service, request.args)
    except MissingAnswer:
        return render_template("public/location.html", location=place, service=service,
                               available=True, missing_answer=True), 400  # type: ignore
    except IneligibleAnswer:
        return render_template("public/not_eligible.html", location=place, service=service)


@bp.get("/book/<int:location_id>/<int:service_id>/dates")
def dates(location_id: int, service_id: int) -> str | Response | tuple[str, int]:
    """The days with open availability, within the service's horizon (PUB-4)."""
    place, service = _place(location_id, service_id)
    answers = _answers_or_page(place, service)
    if not isinstance(answers, dict):
        return answers
    days = booking.available_days(service, place, online=True, answers=answers)
    return render_template("public/dates.html", location=place, service=service, days=days,
                           answers=answers_query(answers))


@bp.route("/book/<int:location_id>/<int:service_id>/<day>", methods=["GET", "POST"])
@limiter.limit(PUBLIC_POST_LIMIT, methods=["POST"])
def times(location_id: int, service_id: int, day: str) -> str | Response | tuple[str, int]:
    """The day's times with places left. A POST carries details typed for another time
    (hidden fields) through a language switch: the page again in the other language."""
    place, service = _place(location_id, service_id)
    answers = _answers_or_page(place, service)
    if not isinstance(answers, dict):
        return answers
    chosen = day_from(day)
    if chosen is None:
        abort(404)
    context = _times_context(place, service, chosen, answers,
                             _kept() if request.method == "POST" else {})
    if request.method == "POST":
        return in_language(request.form.get("switch_lang", ""), "public/times.html", **context)
    return render_template("public/times.html", **context)


def _times_context(place: Location, service: Service, day: date, answers: dict[str, int],
                   kept: dict[str, str]) -> dict[str, Any]:
    slots = one_per_time(booking.available_times(service, place, day, answers=answers))
    return {"location": place, "service": service, "day": day, "slots": slots,
            "answers": answers_query(answers), "attempt": new_attempt(), "kept": kept}


@bp.post("/book/hold")
@limiter.limit(PUBLIC_POST_LIMIT)
def take_hold() -> Response | str | tuple[str, int]:
    """Hold the chosen time for a few minutes while the citizen types their details."""
    try:
        slot = booking.get_slot(request.form.get("slot"))
    except booking.NotFound:
        abort(404)
    service_id = to_id(request.form.get("service"))
    if service_id is None:
        abort(404)
    # One query checks the location, the active service and their association.
    place, service = _place(slot.location_id, service_id)
    answers = answers_from_form(service)
    if not isinstance(answers, dict):
        return answers
    previous = _session_hold()
    if previous is not None and (previous.slot_id, previous.service_id) == (slot.id, service.id):
        return redirect(url_for("public.details", token=previous.token))  # the same tap again
    if previous is not None:
        booking.release_hold(previous)  # one hold per browser session
    try:
        held = booking.hold(booking.BookingRequest(slot, service, eligibility=answers, online=True,
                                                   language=_language(),
                                                   client=booking.client_key(request.remote_addr)),
                            key=request.form.get("attempt"))
    except booking.SlotFull as full:
        return render_template("public/race.html", location=place, service=service,
                               alternatives=one_per_time(full.alternatives),
                               answers=answers_query(answers), attempt=new_attempt(),
                               lost=slot, kept=_kept()), 409
    except booking.BookingError as error:
        return render_template("public/step_error.html", location=place, service=service,
                               message=error.message, answers=answers_query(answers)), 409
    session["hold"] = held.token
    if _kept():  # details typed for a lost time: the form again, filled in (a re-post is
        # harmless, the same attempt key names the same hold)
        return render_template("public/details.html",
                               **details_context(held, values=form_values(KEPT_PREFIX)))
    return redirect(url_for("public.details", token=held.token))


def _kept() -> dict[str, str]:
    return kept_fields(form_values(KEPT_PREFIX)) if any(
        k.startswith(KEPT_PREFIX) for k in request.form) else {}


def answers_from_form(service: Service) -> dict[str, int]:
    try:
        return answers_from(service, request.form)
    except (MissingAnswer, IneligibleAnswer):
        abort(400)


def _session_hold() -> Appointment | None:
    """The hold this browser session still has, if any."""
    token = session.get("hold")
    if not token:
        return None
    previous = db.session.scalar(db.select(Appointment).where(Appointment.token == token))
    return previous if previous is not None and previous.status == Status.HELD.value else None


def _held(token: str) -> Appointment:
    try:
        appointment = booking.get_appointment(token, with_place=True)
    except booking.NotFound:
        abort(404)
    return appointment


@bp.route("/hold/<token>", methods=["GET", "POST"])
@limiter.limit(PUBLIC_POST_LIMIT, methods=["POST"])
def details(token: str) -> Response | str | tuple[str, int]:
    """The patient's details and consent; saving turns the hold into the appointment."""
    appointment = _held(token)
    if appointment.status in (Status.BOOKED.value, Status.CONFIRMED.value):
        return redirect(url_for("public.appointment", token=token))
    if appointment.status not in (Status.HELD.value, Status.EXPIRED.value):
        abort(404)
    if request.method == "POST" and request.form.get("switch_lang"):
        return switch_language(appointment, request.form["switch_lang"])
    if request.method == "POST":
        return submit_details(appointment, _language())
    return render_template("public/details.html", **details_context(appointment))


@bp.post("/hold/<token>/release")
def release(token: str) -> Response | str:
    """Back to the times: the held place is given back at once."""
    appointment = _held(token)
    booking.release_hold(appointment)
    session.pop("hold", None)
    slot = db.session.get(Slot, appointment.slot_id)
    day = slot.day if slot else date.today()
    kept = kept_fields(form_values())  # the details form sent along: its typed details
    if kept:  # stay in the next form (a POST page, so they never sit in a URL)
        place, service = _place(appointment.location_id, appointment.service_id)
        return render_template("public/times.html", **_times_context(  # type: ignore
            place, service, day, {k: int(v) for k, v in (appointment.eligibility or {}).items()},
            kept))
    return redirect(url_for("public.times", location_id=appointment.location_id,
                            service_id=appointment.service_id, day=day.isoformat(),
                            **{f"q{k}": v for k, v in (appointment.eligibility or {}).items()}))

