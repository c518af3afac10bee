"""What a configuration change did, for the audit log: one rule for plain values, one diff,
one vocabulary for the entries.

Every configured resource records through these functions, so every entry says the same
thing the same way: `after` (the values of what was created), `changes` ({field: [before,
after]} for what was modified) or `before` (the values of what was removed), beside details
of its own (`kind`, `service_id`...). The audit log screen (`blueprints/config/audit_text.py`)
reads exactly these keys.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .. import audit


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The plain values of some attributes of an object."""
    return {name: plain(getattr(obj, name)) for name in fields}


def plain(value: Any) -> Any:
    """A value as the log keeps it: dates as ISO text, containers copied (a later change of
    the object never changes a snapshot taken before), sets in a stable order."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(plain(item) for item in value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each value that changed."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value}


def record_created(action: str, obj: Any, values: dict[str, Any], **details: Any) -> None:
    audit.record(action, obj, **details, after=values)


def record_changes(action: str, obj: Any, before: dict[str, Any], after: dict[str, Any],
                   **details: Any) -> dict[str, list[Any]]:
    """Record what changed between two snapshots (nothing when nothing did)."""
    changes = diff(before, after)
    if changes:
        audit.record(action, obj, **details, changes=changes)
    return changes


def record_removed(action: str, obj: Any, values: dict[str, Any], **details: Any) -> None:
    audit.record(action, obj, **details, before=values)


def apply(action: str, obj: Any, values: dict[str, Any], **details: Any) -> dict[str, list[Any]]:
    """Set attributes of an object and record those whose value changed."""
    before = snapshot(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    return record_changes(action, obj, before, snapshot(obj, values), **details)
