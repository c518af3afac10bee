"""The details step of the citizen's booking: the form, and saving it (PUB-5, PUB-6, PUB-9)."""
from __future__ import annotations

from typing import Any, Optional

from flask import make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import audit, booking
from ...booking.citizen import answers_query, new_attempt
from ...booking.patients import (
    FIELD_HINTS,
    FIELD_INPUTS,
    FIELD_LABELS,
    SEXES,
    PatientDataInvalid,
    ambiguous_birth_date,
    validate,
)
from ...extensions import db
from ...formatting import date_text
from ...models import Appointment, Location, Service, Slot, utcnow
from ...web import remember_language

FORM_FIELDS = ("first_name", "last_name", "birth_date", "health_insurance_number", "sex",
               "postal_code", "phone", "comment")
BEFORE_CONTACTS = FORM_FIELDS[:-1]


def details_context(appointment: Appointment, errors: Optional[dict[str, Any]] = None,
                    values: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    service = db.session.get(Service, appointment.service_id)
    slot = db.session.get(Slot, appointment.slot_id)
    rules = service.field_rules or {} if service else {}
    fields = [{"name": name, "label": FIELD_LABELS[name], "rule": rules.get(name, "optional"),
               "input": FIELD_INPUTS.get(name, ("text", "off")), "hint": FIELD_HINTS.get(name)}
              for name in BEFORE_CONTACTS if rules.get(name, "optional") != "hidden"]
    read = ambiguous_birth_date((values or {}).get("birth_date", ""))
    if read is not None:  # say how 05/12/1948 was read, for whoever meant month first
        fields = [{**f, "hint": _("Read as %(day)s.", day=date_text(read, "day_month_name_year"))}
                  if f["name"] == "birth_date" else f for f in fields]
    remaining = 0
    if appointment.hold_expires_at is not None:
        remaining = max(0, int((appointment.hold_expires_at - utcnow()).total_seconds()))
    labels = {**{f["name"]: f["label"] for f in fields}, "cell_phone": FIELD_LABELS["cell_phone"],
              "email": FIELD_LABELS["email"], "comment": FIELD_LABELS["comment"],
              "consent": _("Consent")}
    return {
        "appointment": appointment, "service": service, "slot": slot, "labels": labels,
        "location": db.session.get(Location, appointment.location_id),
        "fields": fields, "rules": rules, "sexes": SEXES, "errors": errors or {},
        "values": values or {}, "remaining": remaining, "birth_read": read,
        "answers": answers_query(appointment.eligibility or {}),
    }


READ_AS = "birth_date_read"  # the ambiguous birth date as typed when the page said how it read
KEPT_PREFIX = "keep_"  # the typed details, carried in hidden fields to another time


def form_values(prefix: str = "") -> dict[str, Any]:
    """The details typed in the form (or carried with `prefix` from another page)."""
    form = {k[len(prefix):]: v for k, v in request.form.items() if k.startswith(prefix)}
    values: dict[str, Any] = {name: str(form.get(name, "")).strip()[:2000]
                              for name in (*FORM_FIELDS, "email", "cell_phone", READ_AS)}
    # The confirmation goes to every contact the citizen gave (PUB-7): no box to forget.
    values.update(for_whom="other" if form.get("for_whom") == "other" else "me",
                  send_email=bool(values["email"]), send_sms=bool(values["cell_phone"]),
                  consent=form.get("consent") == "1")
    return values


def _consent_errors(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not values["consent"]:
        errors["consent"] = _("Accept the terms of use and the privacy policy to book.")
    return errors


def kept_fields(values: dict[str, Any]) -> dict[str, str]:
    """The typed details as hidden fields, so choosing another time keeps them."""
    fields = {f"{KEPT_PREFIX}{k}": str(v) for k, v in values.items()
              if isinstance(v, str) and v and (k, v) != ("for_whom", "me")}
    fields.update({f"{KEPT_PREFIX}consent": "1"} if values.get("consent") else {})
    return fields


def in_language(wanted: str, template: str, **context: Any) -> Response:
    """A page of a form in progress shown again in the other language (its typed details
    carried in `context`), the choice remembered: nothing is saved."""
    lang = "en" if wanted == "en" else "fr_CA"
    with force_locale(lang):
        page = render_template(template, **context)
    return remember_language(make_response(page), lang)  # type: ignore[no-any-return]


def switch_language(appointment: Appointment, wanted: str) -> Response:
    """The form again in the other language, with what was typed."""
    return in_language(wanted, "public/details.html",
                       **details_context(appointment, values=form_values()))


def submit_details(appointment: Appointment, language: str) -> Response | str | tuple[str, int]:
    """Save the details: the hold becomes the appointment, or the page says what is wrong."""
    values = form_values()
    token = appointment.token  # known now: the booking below expires the object
    context = details_context(appointment, values=values)
    errors = _consent_errors(values)
    patient = {k: values[k] for k in (*FORM_FIELDS, "email", "cell_phone")}
    try:
        validate(patient, context["rules"])
    except PatientDataInvalid as invalid:
        errors = {**invalid.errors, **errors}
    read = context["birth_read"]
    if read is not None and values[READ_AS] != values["birth_date"] \
            and "birth_date" not in errors:
        errors["birth_date"] = _(  # the first time the page says how it read the date
            "Read as %(day)s. If that is right, press “Book this appointment” again; "
            "otherwise write the month in letters, for example 12 May 1948.",
            day=date_text(read, "day_month_name_year"))
    try:
        if errors:
            raise PatientDataInvalid(errors)
        booked = booking.book(booking.BookingRequest(
            context["slot"], context["service"], patient, eligibility=appointment.eligibility,
            comment=values["comment"], consent_at=utcnow(), online=True,
            send_email=values["send_email"], send_sms=values["send_sms"], language=language),
            hold=appointment)
    except PatientDataInvalid as invalid:
        context["errors"] = {**invalid.errors, **errors}
        return render_template("public/details.html", **context), 422
    except booking.SlotFull as full:  # the 10 minutes ran out and someone took the place
        return render_template("public/race.html", location=context["location"],
                               service=context["service"], alternatives=full.alternatives,
                               answers=context["answers"], attempt=new_attempt(),
                               lost=context["slot"], expired=True, kept=kept_fields(values)), 409
    except booking.BookingError as error:
        booking.release_hold(appointment)  # this person cannot book this time: give the place back
        return render_template("public/step_error.html", location=context["location"],
                               service=context["service"], message=error.message,
                               answers=context["answers"]), 409
    session.pop("hold", None)
    if values["for_whom"] == "other":
        audit.record("appointment.booked_for_another_person", booked)
        db.session.commit()
    return redirect(url_for("public.appointment", token=token, new=1))
