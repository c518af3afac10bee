"""Messages menu: what was sent to patients, queued, failed or dropped (COM-3, COM-4)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/admin/messages")

# The route modules add their views to `bp`.
from . import views  # noqa: E402,F401
