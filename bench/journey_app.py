"""The planner as bench/journey_rush.py serves it: the product, unchanged, behind one
trusted proxy, so that each simulated phone's X-Forwarded-For address is its own (the
per-address limits then apply as in production, where a reverse proxy sets that header).

    gunicorn --bind 127.0.0.1:5300 bench.journey_app:app
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app  # noqa: E402

# BENCH_ADMISSION_SHARED=0: each worker minds only its own staff pages (for a comparison).
app = create_app({"TRUSTED_PROXIES": 1,
                  "ADMISSION_SHARED": os.environ.get("BENCH_ADMISSION_SHARED", "1") == "1"})
