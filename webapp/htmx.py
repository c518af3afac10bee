"""One place decides whether a request comes from htmx, and how to answer it."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, make_response, redirect, render_template, request


def is_htmx() -> bool:
    # A history restore (back button after hx-push-url) needs the whole page.
    return (request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
            and not request.headers.get("HX-History-Restore-Request"))


def htmx_target() -> str | None:
    return request.headers.get("HX-Target")


def page_or_fragment(page: str, fragment: str, status: int = 200, **context: Any) -> Response:
    """Render the whole page, or only its fragment for an htmx request."""
    template = fragment if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_to(url: str) -> Response:
    """Redirect a plain request, or tell htmx to load the page."""
    response: Response
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
    else:
        response = make_response(redirect(url))
    response.vary.add("HX-Request")
    return response


def trigger(response: Response, *events: str, **events_with_detail: Any) -> Response:
    """Ask htmx to fire events on the page once this answer arrives. Several calls add up in
    one JSON `HX-Trigger` header (as django-htmx's `trigger_client_event`): htmx 2 fires each
    key with its value as the event's detail."""
    fired = json.loads(response.headers.get("HX-Trigger") or "{}")
    fired.update({event: {} for event in events}, **events_with_detail)
    response.headers["HX-Trigger"] = json.dumps(fired)
    return response


def retarget(response: Response, selector: str, swap: str = "outerHTML") -> Response:
    """Send the answer of an htmx request to another element than the one it targeted."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response
