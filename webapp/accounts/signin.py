"""Signing in, lockout and password reset (ACC-1, ACC-6), apart from the views."""
from __future__ import annotations

from datetime import timedelta
from typing import Optional

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit
from ..extensions import db
from ..models import User, utcnow
from ..timeutil import local_today

RESET_SALT = "password-reset"


def authenticate(email: str, password: str) -> Optional[User]:
    """The account if the credentials are right and it may sign in now; None otherwise.

    Every refusal looks the same to the caller, so an attacker learns nothing about which
    accounts exist. Repeated failures lock the account for a while.
    """
    user = User.by_email(email)
    if user is None:
        # Spend the same time as a real check, so timing reveals nothing either.
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return None
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.failed_logins = 0
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            audit.record("account.locked", user, user_id=user.id)
        db.session.commit()
        return None
    if not user.may_sign_in_on(local_today()):
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("account.sign_in", user, user_id=user.id)
    db.session.commit()
    return user


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
    user.failed_logins = 0
    user.locked_until = None
    audit.record("account.password_changed", user)


_DUMMY_HASH = (
    "scrypt:32768:8:1$dummysaltdummys$"
    "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
    "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
)
