"""Follow-up menu: the filtered list as an Excel workbook (FUP-6)."""
from __future__ import annotations

from flask import request, send_file
from werkzeug.wrappers import Response

from ... import audit, followup, followup_export
from ...accounts.permissions import location_scope, requires, team_scope
from ...accounts.roles import Perm
from ...formatting import iso_date
from . import bp
from .views import ATTENDANCE_LABELS, STATUS_LABELS


@bp.get("/export.xlsx")
@requires(Perm.FOLLOWUP_VIEW)
def export() -> Response:
    """Download every appointment the filters select (not only the page) as .xlsx."""
    query = followup.parse(request.args)
    output, rows = followup_export.write(query, location_scope(), team_scope(),
                                         {**STATUS_LABELS, **ATTENDANCE_LABELS})
    audit.record_access("followup_export", filters=query.params(), rows=rows)
    audit.commit_access()
    name = f"followup-{iso_date(query.first_day)}-{query.period}.xlsx"
    return send_file(output, as_attachment=True, download_name=name, max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
