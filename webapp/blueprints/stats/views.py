"""Statistics menu: the figures of a period, plotted and tabled, and their Excel export."""
from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_babel import gettext as _

from ...accounts.permissions import location_scope, requires
from ...accounts.roles import Perm
from ...htmx import page_or_fragment
from ...statistics import PRESETS, Filters, StatsInputError, filter_options, read_filters, report
from ...statistics.export import workbook
from ...statistics.tables import tables
from ...timeutil import local_today
from . import bp
from .page import page_context


def asked_filters() -> Filters:
    """The filters of the URL, checked against the active role's location scope."""
    args = request.args
    return read_filters(args.get("preset", ""), args.get("start", ""), args.get("end", ""),
                        args.getlist("location"), args.getlist("service"),
                        args.getlist("team"), today=local_today(), scope=location_scope())


@bp.get("/")
@requires(Perm.STATISTICS)
def index() -> Response:
    """The statistics of a period (this month unless the URL asks otherwise)."""
    context: dict[str, Any] = {"options": filter_options(location_scope()), "presets": PRESETS}
    try:
        context.update(page_context(asked_filters()))
    except StatsInputError as refused:
        context.update(error=refused.message, asked=request.args)
        return page_or_fragment("stats/index.html", "stats/_report.html", status=400, **context)
    return page_or_fragment("stats/index.html", "stats/_report.html", **context)


@bp.get("/export.xlsx")
@requires(Perm.STATISTICS)
def export() -> Response:
    """The period's tables as an Excel workbook, one sheet per table."""
    try:
        filters = asked_filters()
    except StatsInputError as refused:
        return Response(refused.message, status=400, mimetype="text/plain")
    name = f"{_('statistics')}-{filters.start.isoformat()}-{filters.end.isoformat()}.xlsx"
    return Response(workbook(tables(report(filters))), headers={
        "Content-Disposition": f'attachment; filename="{name}"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
