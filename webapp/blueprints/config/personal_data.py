"""Configuration › Personal data (Québec's Law 25): how long personal data is kept, the
next anonymisation, and one person's data exported or erased on request. The rules are
in `webapp.operations.retention`, the same the commands call."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...audit import commit_access, record_access
from ...extensions import db
from ...htmx import page_or_fragment, redirect_to
from ...models import Organization, Patient
from ...operations import (
    RetentionError,
    erase_person,
    export_person,
    find_people,
    held_on,
    preview,
    set_retention_days,
)
from . import bp
from .retention_forms import PersonSearchForm, RetentionForm


def _organization() -> Organization:
    return db.get_or_404(Organization, 1)


def _patient(patient_id: int) -> Patient:
    patient = db.get_or_404(Patient, patient_id)
    if patient.anonymized_at is not None:  # nothing left to export or erase
        abort(404)
    return patient


def _page(form: RetentionForm | None = None, status: int = 200) -> tuple[str, int]:
    search = PersonSearchForm(formdata=request.args)
    people: list[tuple[Patient, dict[str, int]]] = []
    if search.asked and search.validate():
        found = find_people(search.last_name.data or "", search.first_name.data or "",
                            search.birth_day, search.coupon.data or "")
        people = [(p, held_on(p)) for p in found]
        if found:
            record_access("person_search", patients=[p.id for p in found])
            commit_access()
    form = form or RetentionForm(data={"retention_days": _organization().retention_days})
    return render_template("config/personal_data.html", form=form, search=search,
                           people=people, next_run=preview()), status


@bp.get("/personal-data")
@requires(Perm.CONFIGURE)
def personal_data() -> tuple[str, int]:
    """The retention period, the next anonymisation, and the search for one person."""
    return _page()


@bp.post("/personal-data/period")
@requires(Perm.CONFIGURE)
def retention_period() -> Response | tuple[str, int]:
    """Set how long personal data is kept after a person's last appointment (audited)."""
    form = RetentionForm()
    if not form.validate():
        return _page(form, 422)
    try:
        set_retention_days(int(form.retention_days.data or 0))
    except RetentionError:  # the form checks the same range: only a stale page gets here
        return _page(form, 422)
    db.session.commit()
    flash(_("Personal data is now kept %(days)d days after the last appointment.",
            days=form.retention_days.data), "success")
    return redirect(url_for(".personal_data"))


@bp.get("/personal-data/people/<int:patient_id>/export")
@requires(Perm.CONFIGURE)
def person_export(patient_id: int) -> Response:
    """Everything held on one person, as a JSON file (audited)."""
    data = export_person(_patient(patient_id))
    db.session.commit()  # the audit row
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="person-{patient_id}.json"',
        "Cache-Control": "no-store"})


@bp.route("/personal-data/people/<int:patient_id>/erase", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def person_erase(patient_id: int) -> Response | str:
    """Erase one person's personal data (after the dialog naming what goes), audited."""
    patient = _patient(patient_id)
    held = held_on(patient)
    error = None
    if request.method == "POST":
        try:
            erase_person(patient)
        except RetentionError:  # the one refusal: an appointment to come
            error = _("This person has an appointment to come: cancel it first, so that no "
                      "place stays taken by nobody.")
        else:
            db.session.commit()
            flash(_("Personal data erased: the appointments stay, anonymous, in the "
                    "statistics."), "success")
            return redirect_to(url_for(".personal_data"))
    context: dict[str, Any] = {"patient": patient, "held": held, "error": error}
    return page_or_fragment("config/personal_data_erase.html",
                            "config/_personal_data_erase.html", **context)
