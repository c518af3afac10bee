"""Appointments menu: the slot calendar of a location (APT-1, APT-6, §4.1, §4.2, §4.7)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/admin/appointments")

# The route modules add their views to `bp`.
from . import booking, detail, views  # noqa: E402,F401
