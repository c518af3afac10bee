"""The order of configured lists (services, questions and their answers, locations): what
the public pages show first, moved one place at a time."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import EligibilityAnswer, EligibilityQuestion, Location, Service

T = TypeVar("T", Service, Location, EligibilityQuestion, EligibilityAnswer)


def ordered(model: type[T], *where: Any) -> list[T]:
    return list(db.session.scalars(select(model).where(*where).order_by(model.position, model.id)))


def next_position(items: Sequence[Any]) -> int:
    return max((item.position or 0 for item in items), default=0) + 1


def move(items: list[T], item: T, step: int) -> bool:
    """Move `item` one place up (step -1) or down (+1) and renumber 1..n; False at an end."""
    index = items.index(item)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    return True


def shift(items: list[Any], item: Any, step: int, action: str, **details: Any) -> bool:
    """Move `item` among `items` and record its new place; False (nothing recorded) at an end."""
    if not move(items, item, step):
        return False
    audit.record(action, item, **details, position=item.position)
    return True
