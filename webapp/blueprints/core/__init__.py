"""Health check and language switch, shared by the public site and the staff pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("core", __name__)

# The route modules add their views to `bp`.
from . import views  # noqa: E402,F401
