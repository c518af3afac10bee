"""Form of the Locations tab (CFG-3)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ...models import Location
from .fields import TOO_LONG, PostalCode, name_field, strip, text_field


class LocationForm(FlaskForm):
    name_fr = name_field(_l("Name in French"), _l("Enter the name in French."))
    name_en = name_field(_l("Name in English"), _l("Enter the name in English."))
    address = name_field(_l("Address"), _l("Enter the street address."), 300)
    city = name_field(_l("City"), _l("Enter the city."), 120)
    postal_code = StringField(_l("Postal code"), filters=[strip], validators=[
        DataRequired(_l("Enter the postal code.")), Length(max=20, message=TOO_LONG),
        PostalCode()], render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    message_fr = text_field(_l("Message for this location, in French"))
    message_en = text_field(_l("Message for this location, in English"))
    submit = SubmitField(_l("Save the location"))

    def save_to(self, location: Location) -> None:
        """Copy the checked values; the postal code also places the location on the map."""
        from ...organization.configuration import place

        for name in ("name_fr", "name_en", "address", "city", "message_fr", "message_en"):
            setattr(location, name, getattr(self, name).data)
        place(location, self.postal_code.data, self.postal_code.area)  # type: ignore[attr-defined]
