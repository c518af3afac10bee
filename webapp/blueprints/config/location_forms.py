"""Form of the Locations tab (CFG-3)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from .fields import (
    TOO_LONG,
    ConfigForm,
    PostalCode,
    email_validators,
    line_field,
    name_field,
    strip,
    text_field,
)

FIELDS = ("name_fr", "name_en", "address", "city", "postal_code", "email", "message_fr",
          "message_en")


class LocationForm(ConfigForm):
    name_fr = name_field(_l("Name in French"), _l("Enter the name in French."))
    name_en = name_field(_l("Name in English"), _l("Enter the name in English."))
    address = name_field(_l("Address"), _l("Enter the street address."), 300)
    city = name_field(_l("City"), _l("Enter the city."), 120)
    postal_code = StringField(_l("Postal code"), filters=[strip], validators=[
        DataRequired(_l("Enter the postal code.")), Length(max=20, message=TOO_LONG),
        PostalCode()], render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    email = line_field(_l("Email of this location"), 254, *email_validators())
    message_fr = text_field(_l("Message for this location, in French"))
    message_en = text_field(_l("Message for this location, in English"))
    submit = SubmitField(_l("Save the location"))

    def location_data(self) -> dict[str, Any]:
        """The typed values, for `locations.create_location` / `update_location`."""
        return {name: getattr(self, name).data for name in FIELDS}
