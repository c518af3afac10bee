"""Answers shared by the configuration lists edited in place: with htmx a row opens into its
form and swaps back once saved; without it, the same URLs serve whole pages and redirects."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request
from werkzeug.wrappers import Response

from ...htmx import is_htmx, page_or_fragment


def form_answer(page: str, fragment: str, **context: Any) -> Response:
    """The form, whole page or fragment; a refused post answers 422 to a plain browser."""
    form = context.get("form")
    refused = bool(form is not None and (form.errors or getattr(form, "refused", False)))
    status = 422 if request.method == "POST" and refused and not is_htmx() else 200
    return page_or_fragment(page, fragment, status=status, **context)


def saved_answer(fragment: str, message: str, list_url: str, **context: Any) -> Response:
    """After a save: htmx gets the row back (marked saved); a browser goes back to the list."""
    if is_htmx():
        return page_or_fragment(fragment, fragment, saved=True, **context)
    flash(message, "success")
    return redirect(list_url)


def row_or_list(fragment: str, list_url: str, **context: Any) -> Response:
    """One row for htmx (an edit cancelled); the list, at that row, for a plain request."""
    if is_htmx():
        return page_or_fragment(fragment, fragment, **context)
    return redirect(list_url)


def step_of(value: str | None) -> int:
    """The "direction" of an order button: -1 up, +1 down, 0 anything else."""
    return {"up": -1, "down": 1}.get(value or "", 0)
