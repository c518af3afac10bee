"""Configuration menu."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("config", __name__, url_prefix="/admin/config")

# The route modules add their views to `bp`.
from . import (  # noqa: E402,F401
    access_log,
    audit_log,
    checklist_page,
    communications,
    locations,
    personal_data,
    public_page,
    questions,
    resources,
    services,
    staff_accounts,
    staff_roles,
    teams,
    views,
)
