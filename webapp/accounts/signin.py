"""Signing in, throttling and password reset (ACC-1, ACC-6), apart from the views."""
from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import Optional

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..models import User, utcnow
from ..timeutil import local_today
from . import throttle

RESET_SALT = "password-reset"


def authenticate(email: str, password: str, address: Optional[str] = None, *,
                 now: Optional[datetime] = None) -> Optional[User]:
    """The account if the credentials are right and it may sign in now; None otherwise.

    Every refusal looks the same to the caller and takes the same work (one password hash
    checked, against a dummy one for an unknown email; the same counters read and written),
    so neither the answer nor its timing tells which accounts exist. Failures slow down the
    next attempts from that address (`throttle`); the account is never locked."""
    now = now or utcnow()
    hashes = throttle.keys(email, address)
    rows = throttle.counters(hashes)
    user = User.by_email(email)
    right = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    paused = throttle.waiting(rows, now)
    if paused or not right or user is None or not user.may_sign_in_on(local_today()):
        if throttle.note_attempt(hashes, rows, now, failed=not paused) and user is not None:
            audit.record("account.locked", user, user_id=user.id)
        _commit_counters()
        return None
    throttle.forget(hashes[0], rows)
    user.last_login_at = now
    audit.record("account.sign_in", user, user_id=user.id)
    db.session.commit()
    return user


def _commit_counters() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous attempt created the same counter: it counted
        db.session.rollback()


@cache
def _dummy_hash() -> str:
    """A hash made as real ones are (same method and cost), of no one's password."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def reset_token(user: User) -> str:
    """A signed token naming the account and its current password (so it is single-use)."""
    return _serializer().dumps({"u": user.id, "f": user.fingerprint})


def user_for_reset(token: str) -> Optional[User]:
    """The account a reset token is for, if it is genuine, unused and not expired."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.is_active or user.fingerprint != data.get("f"):
        return None
    return user


def set_password(user: User, password: str) -> None:
    user.set_password(password)
    audit.record("account.password_changed", user)
