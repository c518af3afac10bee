"""Staff sign-in, sign-out and password reset (ACC-1, ACC-2, ACC-6)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/admin")

# The route modules add their views to `bp`.
from . import views  # noqa: E402,F401
