"""What the statistics page shows of a report: tables, plots and key figures."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...statistics import Filters, report
from ...statistics.charts import bars_and_capacity, heat_map, split
from ...statistics.tables import attendance_parts, channel_parts, rate, shown_hours, tables


def page_context(filters: Filters) -> dict[str, Any]:
    """The report of `filters`, its tables by key and its plots."""
    result = report(filters)
    total = result.total
    return {
        "filters": filters,
        "report": result,
        "tables": {table.key: table for table in tables(result)},
        "bars": bars_and_capacity(result.by_period, _("Appointments"), _("Capacity"),
                                  result.grouping),
        "attendance": split(attendance_parts(total)),
        "channels": split(channel_parts(total)),
        "heat": heat_map(result.heat, shown_hours(result.heat)),
        "keys": [(_("Appointments booked"), total.booked), (_("Fill rate"), rate(total.fill_rate)),
                 (_("Places left"), total.places_left), (_("Online"), total.online),
                 (_("No-shows (absent)"), total.absent), (_("Cancelled"), total.cancelled)],
    }
