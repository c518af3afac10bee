"""Form of the Public page tab (CFG-7)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from ...models import Organization
from ...organization import uploads
from .fields import (
    PhoneNumber,
    UploadField,
    WebAddress,
    email_validators,
    line_field,
    name_field,
    text_field,
)

TEXTS = ("welcome_fr", "welcome_en", "popup_fr", "popup_en", "transitional_fr",
         "transitional_en")
CONTACT = ("name_fr", "name_en", "address", "phone", "email", "website")


class PublicPageForm(FlaskForm):
    name_fr = name_field(_l("Planner name in French"), _l("Enter the name in French."))
    name_en = name_field(_l("Planner name in English"), _l("Enter the name in English."))
    address = line_field(_l("Address"), 300)
    phone = line_field(_l("Phone"), 40, PhoneNumber())
    email = line_field(_l("Email"), 254, *email_validators())
    website = line_field(_l("Web site"), 300, WebAddress())
    logo = UploadField(_l("Logo (image)"), uploads.IMAGES, "LOGO_MAX_BYTES",
                       uploads.LOGO_MAX_BYTES, "logo")
    remove_logo = BooleanField(_l("Remove the logo"))
    welcome_fr = text_field(_l("Welcome message in French"))
    welcome_en = text_field(_l("Welcome message in English"))
    popup_fr = text_field(_l("Pop-up message in French"))
    popup_en = text_field(_l("Pop-up message in English"))
    transitional_fr = text_field(_l("Transitional message in French"))
    transitional_en = text_field(_l("Transitional message in English"))
    submit = SubmitField(_l("Save the public page"))

    def save_to(self, org: Organization) -> None:
        for name in CONTACT + TEXTS:
            setattr(org, name, getattr(self, name).data or "")
