"""Configuration rules shared by the views and tests: order, change records, service groups,
postal codes of locations (CFG-1, CFG-2, CFG-3)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional, TypeVar

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..extensions import db
from ..geo import Area, area_for, normalize_postal_code
from ..models import EligibilityAnswer, EligibilityQuestion, Location, Service

T = TypeVar("T", Service, Location, EligibilityQuestion, EligibilityAnswer)

SERVICE_FIELDS = (
    "name_fr", "name_en", "description_fr", "description_en", "duration_minutes", "active",
    "instructions_fr", "instructions_en", "no_availability_fr", "no_availability_en",
    "availability_fr", "availability_en", "field_rules", "show_duration", "horizon_days",
    "min_interval_days", "next_service_id", "vaccine_group", "attachment_name",
    "attachment_path",
)
LOCATION_FIELDS = ("name_fr", "name_en", "address", "city", "postal_code", "latitude",
                   "longitude", "message_fr", "message_en", "active")


class PostalCodeError(ValueError):
    """A postal code that is malformed or whose area (FSA) is unknown."""


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    value = {name: getattr(obj, name) for name in fields}
    return {k: dict(v) if isinstance(v, dict) else v for k, v in value.items()}


def changes(before: dict[str, Any], obj: Any) -> dict[str, list[Any]]:
    """{field: [before, after]} for each field that changed, for the audit log."""
    after = snapshot(obj, before)
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


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


def clean_group(group: Optional[str]) -> Optional[str]:
    group = " ".join((group or "").split())
    return group.lower() or None


def duration_partners(service: Service, group: Optional[str],
                      next_service_id: Optional[int]) -> list[Service]:
    """The other services that must keep this service's duration: same vaccine group,
    its next dose, or the service whose next dose it is (§2.1: 1st and 2nd dose alike)."""
    links = []
    if group:
        links.append(Service.vaccine_group == group)
    if next_service_id:
        links.append(Service.id == next_service_id)
    if service.id is not None:
        links.append(Service.next_service_id == service.id)
    if not links:
        return []
    query = select(Service).where(or_(*links)).order_by(Service.position, Service.id)
    return [s for s in db.session.scalars(query) if s.id != service.id]


def duration_mismatches(service: Service, duration: int, group: Optional[str],
                        next_service_id: Optional[int]) -> list[Service]:
    return [s for s in duration_partners(service, group, next_service_id)
            if s.duration_minutes != duration]


def locate(raw: str) -> tuple[str, Area]:
    """Normalise a Canadian postal code and find its area, or raise PostalCodeError."""
    code = normalize_postal_code(raw)
    if code is None:
        raise PostalCodeError(_("Enter a Canadian postal code, for example G8B 1M4."))
    area = area_for(code)
    if area is None:
        raise PostalCodeError(_("The area %(fsa)s of this postal code is unknown: check the "
                                "first three characters.", fsa=code[:3]))
    return code, area


def place(location: Location, code: str, area: Area) -> None:
    """Set the location's postal code and the coordinates of its area (FSA centroid)."""
    location.postal_code = code
    location.latitude, location.longitude = area.latitude, area.longitude
