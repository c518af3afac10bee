"""The public site, for citizens: home, terms and privacy policy."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    """The planner's public home page."""
    return render_template("public/home.html")


@bp.get("/terms")
def terms() -> str:
    """Terms of use."""
    return render_template("public/terms.html")


@bp.get("/privacy")
def privacy() -> str:
    """Privacy policy."""
    return render_template("public/privacy.html")


from . import logo  # noqa: E402,F401  (the logo route registers on this blueprint)
