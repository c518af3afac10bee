"""Form of the Public page tab (CFG-7)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from ...organization import uploads
from ...organization.public_page import CONTACT, TEXTS
from .fields import (
    ConfigForm,
    PhoneNumber,
    UploadField,
    WebAddress,
    email_validators,
    line_field,
    name_field,
    text_field,
)


class PublicPageForm(ConfigForm):
    name_fr = name_field(_l("Planner name in French"), _l("Enter the name in French."))
    name_en = name_field(_l("Planner name in English"), _l("Enter the name in English."))
    address = line_field(_l("Address"), 300)
    phone = line_field(_l("Phone"), 40, PhoneNumber())
    email = line_field(_l("Email"), 254, *email_validators())
    website = line_field(_l("Web site"), 300, WebAddress())
    logo = UploadField(_l("Logo (image)"), uploads.IMAGES, "LOGO_MAX_BYTES",
                       uploads.LOGO_MAX_BYTES)
    remove_logo = BooleanField(_l("Remove the logo"))
    welcome_fr = text_field(_l("Welcome message in French"))
    welcome_en = text_field(_l("Welcome message in English"))
    popup_fr = text_field(_l("Pop-up message in French"))
    popup_en = text_field(_l("Pop-up message in English"))
    transitional_fr = text_field(_l("Transitional message in French"))
    transitional_en = text_field(_l("Transitional message in English"))
    submit = SubmitField(_l("Save the public page"))

    def page_data(self) -> dict[str, Any]:
        """The typed texts, for `public_page.update_public_page` (the logo is passed apart)."""
        return {name: getattr(self, name).data for name in CONTACT + TEXTS}
