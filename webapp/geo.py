"""Postal codes: format, FSA centroids and distances (no network call)."""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Optional

POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$")
FSA = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]$")


@dataclass(frozen=True)
class Area:
    fsa: str
    latitude: float
    longitude: float
    place: str
    province: str
    place_fr: str = ""
    province_fr: str = ""

    def place_in(self, language: str) -> str:
        """The area's name in the reader's language ("Alma Sud-Est" / "Alma Southeast")."""
        return (self.place_fr or self.place) if language.startswith("fr") else self.place


def normalize_postal_code(raw: str) -> Optional[str]:
    """'g8b1m4', ' G8B 1M4 ', 'G8B-1M4' -> 'G8B 1M4'; None when it is not a Canadian
    postal code."""
    compact = re.sub(r"[\s\-]+", "", raw or "").upper()
    if not POSTAL_CODE.match(compact):
        return None
    return f"{compact[:3]} {compact[3:]}"


@cache
def _areas() -> dict[str, Area]:
    text = files("webapp").joinpath("data/ca_fsa_centroids.csv").read_text(encoding="utf-8")
    areas = {}
    for row in csv.DictReader(text.splitlines()):
        try:
            latitude, longitude = float(row["latitude"]), float(row["longitude"])
        except ValueError:  # a few rows of the source lack a coordinate: unusable
            continue
        if row["place"].startswith("Reserved"):  # H0H (Santa Claus) and the like: not a place
            continue
        areas[row["fsa"]] = Area(row["fsa"], latitude, longitude, row["place"], row["province"],
                                 row.get("place_fr") or "", row.get("province_fr") or "")
    return areas


def area_for(code: str) -> Optional[Area]:
    """The forward sortation area of a postal code (or of an FSA alone)."""
    compact = re.sub(r"[\s\-]+", "", code or "").upper()[:3]
    return _areas().get(compact) if FSA.match(compact) else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
