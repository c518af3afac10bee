"""My profile, role switcher, About and help (ACC-3, ACC-4, ACC-5)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/admin")

# The route modules add their views to `bp`.
from . import views  # noqa: E402,F401
