"""Look-ups shared by the appointments views: they answer 404 or 403 themselves."""
from __future__ import annotations

from typing import Optional

from flask import abort

from ... import params
from ...accounts.permissions import require_scope
from ...extensions import db
from ...models import Appointment, Location
from ..schedules.access import location_or_403


def appointment_or_403(appointment_id: int) -> Appointment:
    """An appointment the active role may see: 404 when unknown (or a hold), 403 for
    another location or another team."""
    appointment = db.session.get(Appointment, appointment_id) if params.to_id(appointment_id) else None
    if appointment is None or appointment.status in ("held", "expired"):
        abort(404)
    require_scope(appointment.location_id, appointment.team_id)
    return appointment


def location_from(raw: Optional[str], default: Optional[Location]) -> Location:
    """The location named in the URL or form: 404 unknown, 403 outside the role's scope."""
    if not raw:
        if default is None:
            abort(404)
        return default
    return location_or_403(params.to_id(raw))
