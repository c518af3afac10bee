"""The Schedules blueprint object, shared by the modules that add its views."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("schedules", __name__, url_prefix="/admin/schedules")
