"""Writing the audit log."""
from __future__ import annotations

from typing import Any, Optional

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditLog


def record(action: str, obj: Optional[Any] = None, user_id: Optional[int] = None,
           **details: Any) -> AuditLog:
    """Add an audit entry to the session (committed with the change it describes)."""
    entry = AuditLog(**values(action, obj, user_id, **details))
    db.session.add(entry)
    return entry


def values(action: str, obj: Optional[Any] = None, user_id: Optional[int] = None,
           **details: Any) -> dict[str, Any]:
    """The columns of an audit entry, for a bulk `insert(AuditLog)` in a hot path."""
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    return {
        "action": action,
        "user_id": user_id,
        "object_type": type(obj).__name__ if obj is not None else "",
        "object_id": getattr(obj, "id", None),
        "details": {k: _plain(v) for k, v in details.items()},
        "ip": request.remote_addr if has_request_context() else None,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def record_access(what: str, obj: Optional[Any] = None, **details: Any) -> AuditLog:
    """A staff member saw patients' personal data (Québec's Law 25): who, what, when, from
    where. `what` names the screen or export (action `access.<what>`); `details` say which
    patients or filters (ids and counts, never the data itself). Committed with the
    request's transaction: views that only read call `commit_access()` after it."""
    return record(f"access.{what}", obj, **details)


def commit_access() -> None:
    """Commit the access rows a reading page just recorded, keeping what the page loaded as
    it is: after a plain commit every object the page then shows (each appointment, each
    patient) would be read again, one query each (a day view of 500 appointments made
    1,000 queries, and the more so in a rush)."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
