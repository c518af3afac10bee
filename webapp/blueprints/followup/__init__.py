"""Follow-up menu."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/admin/followup")

# The route modules add their views to `bp`.
from . import actions, checkin, export, views  # noqa: E402,F401
