"""Configuration › Access log: who read which patient's data, and when (Pilot only)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import access_log, audit, params
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import page_or_fragment
from . import bp
from .access_text import access_lines
from .audit_log import account_choices
from .audit_text import ACTIONS
from .staff_forms import AccessFilterForm

PER_PAGE = 50
FILTERS = ("start", "end", "account", "patient")


@bp.get("/access-log")
@requires(Perm.CONFIGURE)
def access_log_page() -> Response:
    """Reads of patients' data, filtered by patient, staff member and dates (audited too)."""
    form = AccessFilterForm(formdata=request.args)
    form.account.choices = account_choices(_("All staff members"))
    filters = access_log.AccessFilters()
    if form.validate():
        filters = access_log.AccessFilters(form.start.data, form.end.data,
                                           params.to_id(form.account.data),
                                           (form.patient.data or "").strip())
    page = params.to_int(request.args.get("page"), 1, 100_000) or 1
    entries = db.paginate(access_log.query(filters), page=page, per_page=PER_PAGE,
                          error_out=False)
    patients = access_log.patients_of(list(entries.items))
    audit.record_access("access_log", None, page=page, start=filters.start, end=filters.end,
                        staff=filters.user_id, patient_search=bool(filters.patient),
                        patients=sorted({p.id for p in patients.values()}))
    audit.commit_access()
    return page_or_fragment(
        "config/access_log.html", "config/_access_entries.html", form=form, entries=entries,
        filters={k: v for k, v in request.args.items() if k in FILTERS}, actions=ACTIONS,
        patients=patients, access_lines=access_lines)
