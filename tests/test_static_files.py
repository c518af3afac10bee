"""Static files under fingerprinted names with long-lived cache headers (issue 16)."""
from __future__ import annotations

import re


def test_pages_link_fingerprinted_files_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.[0-9a-f]{10}\.css)"', page).group(1)
    assert re.search(r'src="/static/app\.[0-9a-f]{10}\.js"', page)
    assert re.search(r'rel="icon" href="/static/favicon\.[0-9a-f]{10}\.svg"', page)
    response = client.get(css)
    assert response.status_code == 200 and b"body" in response.data
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]


def test_plain_and_stale_names_are_revalidated_and_unknown_ones_404(client):
    plain = client.get("/static/app.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")
    stale = client.get("/static/app.0123456789.css")  # a page cached before a change
    assert stale.status_code == 200 and "immutable" not in stale.headers.get("Cache-Control", "")
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404
