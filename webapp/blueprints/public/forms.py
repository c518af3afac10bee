from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class FindForm(FlaskForm):
    """Service and postal code; a GET search, so no CSRF token is needed."""

    class Meta:
        csrf = False

    # Radio buttons, not a select: at 200 % a select cuts "COVID-19 – 1re dose" short.
    service = RadioField(_l("Service"), coerce=int,
                         validate_choice=True, validators=[DataRequired(_l("Choose a service."))])
    postal_code = StringField(_l("Postal code"), validators=[
        DataRequired(_l("Enter your postal code.")), Length(max=10)])
    submit = SubmitField(_l("Search"))
