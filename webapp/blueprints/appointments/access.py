"""Look-ups shared by the appointments views: they answer 404 or 403 themselves."""
from __future__ import annotations

from typing import Optional

from flask import abort

from ...accounts.permissions import may_see_location, team_scope
from ...extensions import db
from ...models import Appointment, Location
from ..schedules.access import location_or_403

MAX_ID = 2**31  # beyond any id; a bigger number would overflow the database's integer


def appointment_or_403(appointment_id: int) -> Appointment:
    """An appointment the active role may see: 404 when unknown (or a hold), 403 for
    another location or another team."""
    appointment = db.session.get(Appointment, appointment_id) if appointment_id < MAX_ID else None
    if appointment is None or appointment.status in ("held", "expired"):
        abort(404)
    if not may_see_location(appointment.location_id):
        abort(403)
    scope = team_scope()
    if scope is not None and appointment.team_id not in scope:
        abort(403)
    return appointment


def location_from(raw: Optional[str], default: Optional[Location]) -> Location:
    """The location named in the URL or form: 404 unknown, 403 outside the role's scope."""
    if not raw:
        if default is None:
            abort(404)
        return default
    ok = raw.isascii() and raw.isdigit() and int(raw) < MAX_ID
    return location_or_403(int(raw) if ok else None)
