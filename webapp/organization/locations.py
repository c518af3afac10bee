"""Locations (CFG-3, guide §2.2): created and modified, kept in order, turned on and off.
The postal code places a location on the map through its area (FSA centroid). Every change
is audited; a change the rules refuse raises LocationError and changes nothing."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..extensions import db
from ..geo import Area, area_for, normalize_postal_code
from ..models import Location
from . import Refused
from .changes import apply, record_created, snapshot
from .ordering import next_position, ordered, shift

FIELDS = ("name_fr", "name_en", "address", "city", "postal_code", "email", "latitude",
          "longitude", "message_fr", "message_en", "active")


class LocationError(Refused):
    pass


class PostalCodeError(ValueError):
    """A postal code that is malformed or whose area (FSA) is unknown."""


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


def _placed(data: dict[str, Any]) -> dict[str, Any]:
    """The values to write: the postal code normalised, with the coordinates of its area."""
    try:
        code, area = locate(data["postal_code"])
    except PostalCodeError as error:
        raise LocationError(str(error), "postal_code") from error
    return {**data, "postal_code": code, "latitude": area.latitude, "longitude": area.longitude}


def create_location(data: dict[str, Any]) -> Location:
    """A new active location, last in the order."""
    location = Location(position=next_position(ordered(Location)), active=True, **_placed(data))
    db.session.add(location)
    db.session.flush()
    record_created("location.created", location, snapshot(location, FIELDS))
    return location


def update_location(location: Location, data: dict[str, Any]) -> Location:
    apply("location.updated", location, _placed(data))
    return location


def set_active(location: Location, active: bool) -> None:
    """Offer the location for booking, or stop offering it."""
    apply("location.updated", location, {"active": active})


def move_location(location: Location, step: int) -> bool:
    """One place up (-1) or down (+1) in the order; False at an end."""
    return shift(ordered(Location), location, step, "location.moved")
