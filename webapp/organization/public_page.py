"""The public page (CFG-7, guide §2.6): the planner's name and contact details, its logo and
the messages citizens read; and whether citizens may book online at all (CFG-8). Every
change is audited."""
from __future__ import annotations

from typing import Any, Optional

from .. import audit
from ..models import Organization
from . import uploads
from .changes import apply

CONTACT = ("name_fr", "name_en", "address", "phone", "email", "website")
TEXTS = ("welcome_fr", "welcome_en", "popup_fr", "popup_en", "transitional_fr",
         "transitional_en")
FOLDER = "logo"  # of the logo, under UPLOAD_FOLDER


def update_public_page(org: Organization, data: dict[str, Any],
                       logo: Optional[uploads.Upload] = None,
                       remove_logo: bool = False) -> Organization:
    """Save the texts; a new logo replaces the old one, which is deleted once the change is
    committed."""
    values = {name: data.get(name) or "" for name in CONTACT + TEXTS}
    old_logo = org.logo_path
    if logo is not None:
        values["logo_path"] = logo.store(FOLDER).path
    elif remove_logo:
        values["logo_path"] = None
    apply("organization.public_page", org, values)
    if old_logo != org.logo_path:
        uploads.remove_after_commit(old_logo)
    return org


def set_online_booking(org: Organization, open_: bool) -> Organization:
    """Open online booking, or close it (the public page then shows the transitional
    message)."""
    org.online_booking_open = open_
    audit.record("organization.online_booking", org, open=open_)
    return org
