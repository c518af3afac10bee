"""The planner's logo, shown on the public page (uploaded in Configuration, CFG-7)."""
from __future__ import annotations

from flask import abort, send_file
from werkzeug.wrappers import Response

from ...organization import uploads
from ...web import organization
from . import bp


@bp.get("/logo")
def logo() -> Response:
    """The logo image, checked as an image when it was uploaded."""
    org = organization()
    path = uploads.absolute_path(org.logo_path if org else None)
    if org is None or path is None or not org.logo_path:
        abort(404)
    kind = uploads.kind_of(org.logo_path)
    if kind not in uploads.IMAGES:
        abort(404)
    return send_file(path, mimetype=uploads.MIMETYPES[kind], max_age=3600)
