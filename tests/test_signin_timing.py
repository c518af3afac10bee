"""Sign-in answers take the same time whether the email has an account, the password is
wrong, or the attempt is throttled (issue 13, point 3: a locked account answered in 22 ms
against 310 ms, so timing told which emails exist). Only the ratio of medians is checked,
never an absolute duration."""
from __future__ import annotations

import statistics
import time

from webapp.accounts.roles import Role

from .conftest import PASSWORD, make_user

GENERIC = "mot de passe est incorrect"
SAMPLES = 21


def _timed(client, email: str, password: str, address: str) -> float:
    start = time.perf_counter()
    response = client.post("/admin/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)
    return elapsed


def test_wrong_password_unknown_email_and_throttled_take_the_same_time(app, client):
    make_user(Role.GESTION1, "known@test.example")
    make_user(Role.GESTION1, "target@test.example")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        client.post("/admin/login", data={"email": "target@test.example", "password": "bad"},
                    environ_base={"REMOTE_ADDR": "192.0.2.66"})
    _timed(client, "known@test.example", "warm-up", "192.0.2.1")
    # A busy machine (other processes, the rest of the suite) can skew one round; a real
    # difference shows in every round. Up to three rounds, on fresh addresses each.
    rounds = []
    for round_ in range(3):
        medians = _medians(client, round_)
        rounds.append(medians)
        if max(medians.values()) / min(medians.values()) < 1.10:
            return
    raise AssertionError(f"timing tells the cases apart in every round: {rounds}")


def _medians(client, round_: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"wrong": [], "unknown": [], "throttled": []}
    for n in range(SAMPLES):  # interleaved, in turn first, so a busy moment hits all three
        attempts = {
            "wrong": ("known@test.example", "bad", f"198.51.{100 + round_}.{n}"),
            "unknown": (f"nobody{round_}-{n}@test.example", "bad", f"203.0.{113 + round_}.{n}"),
            "throttled": ("target@test.example", PASSWORD, "192.0.2.66"),
        }
        kinds = list(attempts)
        for kind in kinds[n % 3:] + kinds[:n % 3]:
            times[kind].append(_timed(client, *attempts[kind]))
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    print({kind: f"{1000 * m:.1f} ms" for kind, m in medians.items()})
    return medians
