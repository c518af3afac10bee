"""Sign-in throttling that slows an attacker down without locking anyone out (issue 13).

Failures are counted under two keys: the email typed from one address, and the address
alone (password spraying over many emails). After a few free failures under a key, the
next attempt under it waits: `LOGIN_FIRST_WAIT_SECONDS`, doubled at each further failure, at
most `LOGIN_MAX_WAIT_MINUTES`. The account itself is never locked: its owner, from another
address, signs in as usual. The keys are the same for known and unknown emails, and a
throttled attempt does the same reads, hashing and write as any other, so neither the
answer nor its timing says which emails have an account.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import SignInThrottle

# A key's failures are forgotten after this long without one: a day for an email from an
# address; an hour for a whole address, so that a pharmacy whose staff share one address
# is not slowed by a day's worth of typos.
FORGET_ACCOUNT_AFTER = timedelta(days=1)
FORGET_ADDRESS_AFTER = timedelta(hours=1)


def keys(email: str, address: Optional[str]) -> tuple[str, str]:
    """The (email from address, address) keys of an attempt, hashed with the secret key."""
    where = address or "-"
    return _hash(f"account:{email.strip().lower()}:{where}"), _hash(f"address:{where}")


def _hash(key: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def counters(hashes: tuple[str, ...]) -> dict[str, SignInThrottle]:
    """The counters of these keys (one indexed query)."""
    rows = db.session.scalars(select(SignInThrottle).where(SignInThrottle.key_hash.in_(hashes)))
    return {row.key_hash: row for row in rows}


def waiting(rows: dict[str, SignInThrottle], now: datetime) -> bool:
    """Whether an attempt under these keys must still wait."""
    return any(row.wait_until is not None and row.wait_until > now for row in rows.values())


def note_attempt(hashes: tuple[str, str], rows: dict[str, SignInThrottle], now: datetime,
                 *, failed: bool) -> bool:
    """Count a failure (or only note a refused attempt made during a wait: same write, no
    count) under both keys; True when the account-from-address key starts to wait now."""
    account_key, address_key = hashes
    free = {account_key: int(current_app.config["LOGIN_MAX_FAILURES"]),
            address_key: int(current_app.config["LOGIN_ADDRESS_MAX_FAILURES"])}
    forget = {account_key: FORGET_ACCOUNT_AFTER, address_key: FORGET_ADDRESS_AFTER}
    started = False
    for key in hashes:
        row = rows.get(key)
        if row is None:
            row = SignInThrottle(key_hash=key, failures=0, last_attempt_at=now)
            db.session.add(row)
        elif row.last_attempt_at < now - forget[key]:
            row.failures, row.wait_until = 0, None
        row.last_attempt_at = now
        if failed:
            row.failures += 1
            wait = wait_after(row.failures, free[key])
            if wait:
                row.wait_until = now + wait
                started = started or (key == account_key and row.failures == free[key])
    return started


def wait_after(failures: int, free: int) -> Optional[timedelta]:
    """How long the next attempt waits after `failures` failures, `free` of them free."""
    if failures < free:
        return None
    first = int(current_app.config["LOGIN_FIRST_WAIT_SECONDS"])
    longest = 60 * int(current_app.config["LOGIN_MAX_WAIT_MINUTES"])
    return timedelta(seconds=min(longest, first * 2 ** min(failures - free, 20)))


def forget(account_key: str, rows: dict[str, SignInThrottle]) -> None:
    """A successful sign-in clears its account-from-address count (not the address's)."""
    row = rows.get(account_key)
    if row is not None:
        db.session.delete(row)
