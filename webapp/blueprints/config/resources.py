"""Configuration › Resources: the teams and the staff accounts, with a search box."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import ROLE_DESCRIPTIONS, Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment
from ...models import Team
from ...organization import associations, staff
from . import bp

MAX_QUERY = 100


def search_query() -> str:
    return (request.values.get("q") or "").strip()[:MAX_QUERY]


def teams_list(query: str = "") -> list[Team]:
    teams = db.session.scalars(select(Team).order_by(Team.position, Team.name)).all()
    words = query.lower().split()
    return [t for t in teams if all(w in t.name.lower() for w in words)]


def lists_context(query: str = "") -> dict[str, Any]:
    """What the Resources tab shows: teams, accounts, association warnings."""
    return {"q": query, "teams": teams_list(query), "users": staff.accounts_list(query),
            "warnings": associations.warnings(), "category_label": staff.category_label,
            "role_descriptions": ROLE_DESCRIPTIONS}


@bp.get("/resources")
@requires(Perm.CONFIGURE)
def resources() -> Response:
    """Teams and staff accounts (guide §2.3, §2.4); htmx searches swap only the lists."""
    return page_or_fragment("config/resources.html", "config/_resource_lists.html",
                            **lists_context(search_query()))


@bp.get("/resources/warnings")
@requires(Perm.CONFIGURE)
def resource_warnings() -> Response | str:
    """The association warnings, refreshed after each change."""
    if not is_htmx():
        return redirect(url_for("config.resources"))
    return page_or_fragment("config/resources.html", "config/_warnings.html",
                            warnings=associations.warnings())
