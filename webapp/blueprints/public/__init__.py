"""The public site, for citizens: find a location, its page, terms and privacy policy."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)

# The route modules add their views to `bp`.
from . import appointment_views, booking_views, logo, sms_incoming, views  # noqa: E402,F401
