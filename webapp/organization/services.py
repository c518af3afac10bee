"""Services (CFG-1, guide §2.1): created and modified with their attached file, kept in
order, turned on and off. The doses of one vaccine keep one duration (§2.1: 1st and 2nd dose
alike). Every change is audited; a change the rules refuse raises ServiceError and changes
nothing."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..extensions import db
from ..formatting import localized
from ..models import Service
from ..models.organization import default_field_rules
from . import Refused, uploads
from .changes import apply, record_created, snapshot
from .ordering import next_position, ordered, shift

FIELDS = (
    "name_fr", "name_en", "description_fr", "description_en", "duration_minutes", "active",
    "instructions_fr", "instructions_en", "no_availability_fr", "no_availability_en",
    "availability_fr", "availability_en", "field_rules", "show_duration", "horizon_days",
    "min_interval_days", "next_service_id", "vaccine_group", "attachment_name",
    "attachment_path",
)
FOLDER = "services"  # of the attached files, under UPLOAD_FOLDER


class ServiceError(Refused):
    """A refused service; for a duration its group does not share, `partners` names the
    services that would have to change too."""

    def __init__(self, message: str, field: str, partners: Sequence[Service] = ()) -> None:
        super().__init__(message, field)
        self.partners = list(partners)


def clean_group(group: Optional[str]) -> Optional[str]:
    group = " ".join((group or "").split())
    return group.lower() or None


def duration_partners(service: Service, group: Optional[str],
                      next_service_id: Optional[int]) -> list[Service]:
    """The other services that must keep this service's duration: same vaccine group,
    its next dose, or the service whose next dose it is."""
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


def _checked(service: Service, data: dict[str, Any], apply_to_group: bool) -> dict[str, Any]:
    """The values to write, once the rules that span services accept them."""
    values = {**data, "vaccine_group": clean_group(data.get("vaccine_group"))}
    if values.get("next_service_id") and not values.get("min_interval_days"):
        raise ServiceError(_("Enter the minimum interval before the next dose."),
                           "min_interval_days")
    partners = duration_mismatches(service, values["duration_minutes"], values["vaccine_group"],
                                   values.get("next_service_id"))
    if partners and not apply_to_group:
        names = ", ".join(f"{localized(s, 'name')} ({s.duration_minutes} min)" for s in partners)
        raise ServiceError(_(
            "The doses of one vaccine keep the same duration; these differ: %(names)s. "
            "Tick the box below to give them this duration too, or keep their duration.",
            names=names), "duration_minutes", partners)
    return values


def _align_group(service: Service) -> None:
    """Give the other doses of the service's group its duration (the Pilot ticked the box)."""
    for partner in duration_mismatches(service, service.duration_minutes, service.vaccine_group,
                                       service.next_service_id):
        apply("service.updated", partner, {"duration_minutes": service.duration_minutes})


def create_service(data: dict[str, Any], attachment: Optional[uploads.Upload] = None,
                   apply_to_group: bool = False) -> Service:
    """A new service, last in the order, with its attached file if one is given."""
    service = Service(field_rules=default_field_rules())
    values = _checked(service, data, apply_to_group)
    if attachment is not None:
        stored = attachment.store(FOLDER)
        values.update(attachment_path=stored.path, attachment_name=stored.name)
    for name, value in values.items():
        setattr(service, name, value)
    service.position = next_position(ordered(Service))
    db.session.add(service)
    db.session.flush()
    record_created("service.created", service, snapshot(service, FIELDS))
    if apply_to_group:
        _align_group(service)
    return service


def update_service(service: Service, data: dict[str, Any],
                   attachment: Optional[uploads.Upload] = None, remove_attachment: bool = False,
                   apply_to_group: bool = False) -> Service:
    """Modify a service; a new file replaces the attached one, which is deleted once the
    change is committed."""
    values = _checked(service, data, apply_to_group)
    old_file = service.attachment_path
    if attachment is not None:
        stored = attachment.store(FOLDER)
        values.update(attachment_path=stored.path, attachment_name=stored.name)
    elif remove_attachment:
        values.update(attachment_path=None, attachment_name=None)
    apply("service.updated", service, values)
    if old_file != service.attachment_path:
        uploads.remove_after_commit(old_file)
    if apply_to_group:
        _align_group(service)
    return service


def set_active(service: Service, active: bool) -> None:
    """Offer the service for booking, or stop offering it."""
    apply("service.updated", service, {"active": active})


def move_service(service: Service, step: int) -> bool:
    """One place up (-1) or down (+1) in the order; False at an end."""
    return shift(ordered(Service), service, step, "service.moved")
