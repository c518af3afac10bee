"""Confirmation numbers (coupons) and the random tokens of the patient's links."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from typing import Optional

COUPON_ALPHABET = "ACDEFHJKMNPRTWXY3479"  # no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V
COUPON_LENGTH = 6
ATTEMPTS = 5  # new codes after a (rare) collision with existing ones


def new_coupon() -> str:
    return "".join(secrets.choice(COUPON_ALPHABET) for _ in range(COUPON_LENGTH))


def new_token() -> str:
    """128 random bits for the patient's confirm/cancel/modify links (22 characters)."""
    return secrets.token_urlsafe(16)


def keyed_token(secret: str | bytes, key: str) -> str:
    """The token a hold asked for with `key` gets: the same key always names the same
    hold, and nobody without the secret can work out a token from a key (22 characters,
    like `new_token`)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(raw, f"hold:{key}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_codes() -> Iterator[tuple[str, str]]:
    """A coupon and a token for each attempt at writing an appointment: the database's
    unique constraints refuse one already taken, and the next attempt draws again."""
    for _attempt in range(ATTEMPTS):
        yield new_coupon(), new_token()


def normalize_coupon(raw: str) -> Optional[str]:
    coupon = re.sub(r"[\s\-]", "", str(raw or "")).upper()
    ok = len(coupon) == COUPON_LENGTH and all(c in COUPON_ALPHABET for c in coupon)
    return coupon if ok else None
