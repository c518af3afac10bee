"""Before → after snapshots of configuration objects, for the audit log."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The plain values of some attributes of an object."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each value that changed."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return value
