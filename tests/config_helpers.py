"""Form data, files and audit entries shared by the configuration tests (services,
locations, public page...); `HX` and `text` are in tests/helpers.py."""
from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import PATIENT_FIELDS, AuditLog
from webapp.models.organization import default_field_rules

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


def service_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid service form."""
    data: dict[str, Any] = {
        "name_fr": "Grippe saisonnière", "name_en": "Seasonal flu",
        "description_fr": "Vaccin contre la grippe", "description_en": "Flu vaccine",
        "duration_minutes": "10", "vaccine_group": "", "next_service_id": "",
        "min_interval_days": "", "show_duration": "y", "horizon_days": "21",
        "instructions_fr": "Apportez votre carte.", "instructions_en": "Bring your card.",
        "no_availability_fr": "Complet.", "no_availability_en": "Full.",
        "availability_fr": "Choisissez une heure.", "availability_en": "Choose a time.",
    }
    rules = default_field_rules()
    data.update({f"rule_{name}": rules[name] for name in PATIENT_FIELDS})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def location_data(**overrides: Any) -> dict[str, Any]:
    data = {"name_fr": "Pharmacie C", "name_en": "Pharmacy C", "address": "25 rue Collard",
            "city": "Alma", "postal_code": "g8b 3r1", "message_fr": "Entrée arrière",
            "message_en": "Back door"}
    data.update(overrides)
    return data


def public_page_data(**overrides: Any) -> dict[str, Any]:
    data = {"name_fr": "Pharmacie Tremblay", "name_en": "Tremblay Pharmacy",
            "address": "1 rue Principale, Alma", "phone": "(418) 662-7777",
            "email": "info@example.org", "website": "www.example.org",
            "welcome_fr": "Bienvenue", "welcome_en": "Welcome", "popup_fr": "Un seul rdv",
            "popup_en": "One appointment", "transitional_fr": "Fermé", "transitional_en": "Closed"}
    data.update(overrides)
    return data


def upload(content: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name


def audit_entries(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)
                                   .order_by(AuditLog.id)))

