"""Statistics of the campaign (STA-1): the counting rules (`counting`, read its docstring),
the tables every screen and export shows (`tables`), the plots (`charts`) and the Excel
workbook (`export`). Counts only: no patient's data leaves this package."""
from __future__ import annotations

from .counting import (
    LEAD_BUCKETS,
    LEAD_LABELS,
    MAX_DAYS,
    PRESETS,
    QUERY_COUNT,
    Counts,
    Filters,
    Reminders,
    Report,
    StatsInputError,
    filter_options,
    preset_range,
    read_filters,
    report,
)

__all__ = [
    "LEAD_BUCKETS", "LEAD_LABELS", "MAX_DAYS", "PRESETS", "QUERY_COUNT", "Counts", "Filters",
    "Reminders", "Report", "StatsInputError", "filter_options", "preset_range", "read_filters", "report",
]
