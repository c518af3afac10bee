"""Timing requests through the Flask test client, shared by the benchmarks."""
from __future__ import annotations

import time
from typing import Any


def timed_gets(client: Any, url: str, requests: int) -> tuple[list[float], Any]:
    """One warm-up GET (must answer 200), then `requests` GETs: their durations in ms,
    sorted, and the last response."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings), response


def p50(timings: list[float]) -> float:
    middle = len(timings) // 2
    return (timings[middle] + timings[~middle]) / 2


def p95(timings: list[float]) -> float:
    return timings[max(0, int(round(0.95 * len(timings))) - 1)]
