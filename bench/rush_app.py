"""BENCHMARK ONLY, not part of the product: the planner plus one booking endpoint.

It measures the booking engine alone (bench/journey_rush.py measures the citizen's real
pages); this wrapper adds `POST /bench/book` (no CSRF: loopback benchmark only) to the real application. It
calls the real engine, `webapp.booking.book`, exactly as a view would: parse the form,
book, answer. Everything else (`/healthz`, middleware, headers, sessions) is the product.

    gunicorn --bind 127.0.0.1:5200 bench.rush_app:app
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from flask import request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import booking, create_app  # noqa: E402
from webapp.extensions import csrf  # noqa: E402
from webapp.models import utcnow  # noqa: E402

app = create_app()


@csrf.exempt
def bench_book() -> tuple[dict[str, Any], int]:
    """Book one place as the public page would (online, with consent, email coupon)."""
    form = request.form
    try:
        slot = booking.get_slot(form.get("slot"))
        service = booking.get_service(form.get("service"), online=True)
        appointment = booking.book(booking.BookingRequest(
            slot, service, form, consent_at=utcnow(), online=True, send_email=True,
            language=form.get("language", "fr_CA")))
    except booking.SlotFull as full:
        return {"error": "full", "alternatives": [s.id for s in full.alternatives]}, 409
    except booking.PatientDataInvalid as invalid:
        return {"error": "invalid", "fields": {k: str(v) for k, v in invalid.errors.items()}}, 422
    except booking.BookingError as refused:
        return {"error": type(refused).__name__, "message": str(refused.message)}, 409
    return {"coupon": appointment.coupon}, 201


app.add_url_rule("/bench/book", "bench_book", bench_book, methods=["POST"])

