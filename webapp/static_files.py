"""Static files under fingerprinted names, cached for a year (issue 16, point 10).

`url_for("static", filename="app.css")` writes `/static/app.3f2a9c1e.css`: the name
changes whenever the file does, so a browser may keep it a year without asking again (on a
slow phone connection, revalidating CSS and JS cost ~40 % of each step). The plain name
still works, revalidated as before. No build step: the digest is taken on first use.
"""
from __future__ import annotations

import hashlib
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, send_from_directory
from werkzeug.wrappers import Response

YEAR = 365 * 24 * 3600
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")


@lru_cache(maxsize=256)
def _digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


RECHECK_SECONDS = 2.0  # a page names a dozen files: look at each on disk at most this often
_named: dict[tuple[str, str], tuple[float, str]] = {}


def fingerprinted(folder: str, filename: str) -> str:
    """`app.css` -> `app.<digest>.css`; the name unchanged for a file that does not exist."""
    now = time.monotonic()
    known = _named.get((folder, filename))
    if known is not None and now - known[0] < RECHECK_SECONDS:
        return known[1]
    name = _fingerprinted(folder, filename)
    if name != filename:  # only files that exist: a URL cannot grow this
        _named[(folder, filename)] = (now, name)
    return name


def _fingerprinted(folder: str, filename: str) -> str:
    path = Path(folder) / filename
    if not path.is_file() or "." not in path.name:
        return filename
    digest = _digest(str(path), path.stat().st_mtime)
    stem, ext = filename.rsplit(".", 1)
    return f"{stem}.{digest}.{ext}"


def init_app(app: Flask) -> None:
    folder = app.static_folder
    if not folder:
        return

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprinted(folder, values["filename"])

    def static(filename: str) -> Response:
        match = FINGERPRINTED.match(filename)
        if match and not (Path(folder) / filename).is_file():
            plain = match["stem"] + match["ext"]
            if fingerprinted(folder, plain) == filename:
                response = send_from_directory(folder, plain, max_age=YEAR)
                response.cache_control.immutable = True
                response.cache_control.public = True
                return response
            filename = plain  # a page from before the file changed: today's, revalidated
        return send_from_directory(folder, filename,
                                   max_age=current_app.get_send_file_max_age(filename))

    app.view_functions["static"] = static
