"""Helpers every test module shares: read a response as a person does, ask as htmx does."""
from __future__ import annotations

import html
from typing import Any

HX = {"HX-Request": "true"}


def text(response: Any) -> str:
    """The page as a person reads it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.get_data(as_text=True)).replace("<wbr>", "")
