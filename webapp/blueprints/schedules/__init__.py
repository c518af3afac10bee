"""Schedules menu: time blocks by location, day, week and month (SCH-1..7, guide §3)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("schedules", __name__, url_prefix="/admin/schedules")

# The route modules add their views to `bp`.
from . import blocks, cloning, views  # noqa: E402,F401
