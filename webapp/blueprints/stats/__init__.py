"""Statistics menu."""
from __future__ import annotations

from flask import Blueprint

from ...statistics.tables import cell_text

bp = Blueprint("stats", __name__, url_prefix="/admin/statistics")
bp.add_app_template_filter(cell_text, "stat_cell")

# The route modules add their views to `bp`.
from . import views  # noqa: E402,F401
