"""Staff sessions known on the server (issue 13).

The signed cookie alone cannot be taken back: a copy of it would keep working after
sign-out. So each sign-in opens a row here and puts a random token in the session; every
request checks the row still exists and was used within the idle time. Sign-out deletes it.
The account itself (deactivated, outside its access window, roles changed) is read again
on every request by the user loader, so those take effect on the next click too.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import StaffSession, User, utcnow

TOKEN_KEY = "sid"
# last_seen_at is written at most this often: one small write a minute per signed-in person.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def open_session(user: User, now: Optional[datetime] = None) -> str:
    """A new server-side session for `user`; its token goes in the browser's session."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id,
                                                  StaffSession.last_seen_at < now - idle_limit()))
    db.session.add(StaffSession(token_hash=_hash(token), user_id=user.id, created_at=now,
                                last_seen_at=now))
    db.session.commit()
    return token


def is_open(user: User, token: object, now: Optional[datetime] = None) -> bool:
    """Whether `token` names a live session of `user` (and note it was used)."""
    if not isinstance(token, str) or not token:
        return False
    now = now or utcnow()
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None or row.user_id != user.id:
        return False
    if now - row.last_seen_at > idle_limit():
        db.session.delete(row)
        db.session.commit()
        return False
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return True


def close_session(token: object) -> None:
    """Sign-out: the session ends on the server."""
    if isinstance(token, str) and token:
        db.session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))
        db.session.commit()
