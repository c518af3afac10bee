"""Health check and language switch, shared by the public site and the staff pages."""
from __future__ import annotations

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from ... import health
from ...extensions import db
from ...web import remember_language, safe_next
from . import bp


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database accepts a write and the disk has room; 503 with the reason."""
    problem = health.problem()
    if problem:
        return {"status": "unavailable", "reason": problem}, 503
    return {"status": "ok"}, 200


@bp.post("/lang")
def set_language() -> Response:
    """Switch the interface language, remembered by the browser and the account."""
    wanted = request.form.get("lang", "")
    lang = {"fr": "fr_CA", "fr_CA": "fr_CA", "en": "en"}.get(wanted)
    target = safe_next(request.form.get("next"), url_for("public.home"))
    response = redirect(target)
    if lang is None:
        return response
    remember_language(response, lang)
    db.session.commit()
    return response
