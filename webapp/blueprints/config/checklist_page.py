"""Configuration › Checklist: the guide's aide-mémoire, computed live (CFG-9)."""
from __future__ import annotations

from flask import render_template

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...organization import checklist
from . import bp


@bp.get("/checklist")
@requires(Perm.CONFIGURE)
def checklist_page() -> str:
    """Every item of the aide-mémoire, done or flagged, with a link to fix it."""
    return render_template("config/checklist.html", checklist=checklist.build())
