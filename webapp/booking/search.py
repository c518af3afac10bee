"""Finding where a citizen can book a service (PUB-1): nearest locations by postal code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from ..extensions import db
from ..geo import FSA, Area, area_for, distance_km, normalize_postal_code
from ..models import Location, Service
from ..organization import associations
from .availability import locations_with_availability

SHAPE = re.compile(r"^[A-Z]\d[A-Z](\d[A-Z]\d)?$")


class SearchError(ValueError):
    """The postal code cannot be used: "malformed", "impossible" or "unknown"."""


@dataclass(frozen=True)
class NearbyLocation:
    location: Location
    distance_km: Optional[float]
    has_availability: bool


def services_online() -> list[Service]:
    """Active services that at least one active team offers at an active location."""
    services = db.session.scalars(
        select(Service).where(Service.active).order_by(Service.position, Service.id)).all()
    locations = _active_locations()
    teams = associations.active_teams()
    return [s for s in services
            if any(associations.team_serves(t, loc, s) for t in teams for loc in locations)]


def _active_locations() -> list[Location]:
    return list(db.session.scalars(
        select(Location).where(Location.active).order_by(Location.position, Location.id)))


def locations_offering(service: Service) -> list[Location]:
    teams = associations.active_teams()
    return [loc for loc in _active_locations()
            if any(associations.team_serves(t, loc, service) for t in teams)]


def locations_with_open_availability(service: Service) -> set[int]:
    """Ids of the locations a citizen can book this service at now (the engine's rules)."""
    return locations_with_availability(service, online=True)


def parse_area(postal_code: str) -> Area:
    """The FSA area of a full postal code (any case and spacing) or of an FSA alone."""
    compact = re.sub(r"[\s\-]+", "", postal_code or "").upper()
    if not SHAPE.match(compact):
        raise SearchError("malformed")  # not letter-digit-letter (digit-letter-digit)
    if normalize_postal_code(compact) is None and not FSA.match(compact):
        raise SearchError("impossible")  # the right shape, but letters no postal code uses
    area = area_for(compact)
    if area is None:
        raise SearchError("unknown")
    return area


def nearest(service: Service, area: Area, limit: int = 10) -> list[NearbyLocation]:
    """The active locations offering the service, nearest first."""
    available = locations_with_open_availability(service)
    found = []
    for location in locations_offering(service):
        distance = None
        if location.latitude is not None and location.longitude is not None:
            distance = distance_km(area.latitude, area.longitude, location.latitude,
                                   location.longitude)
        found.append(NearbyLocation(location, distance, location.id in available))
    found.sort(key=lambda n: (n.distance_km is None, n.distance_km or 0.0,
                              n.location.position))
    return found[:limit]
