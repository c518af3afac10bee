"""Forms of the schedules menu: a time block, deleting it, cloning a day."""
from __future__ import annotations

from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, ValidationError

from ... import params
from ...scheduling.calendar import parse_clock, parse_day


def int_or_none(value: Any) -> Optional[int]:
    """Coerce a choice to an id; a value that is not a number becomes None (refused later)."""
    if value is None or isinstance(value, int):
        return value
    return params.to_int(value)


class BlockForm(FlaskForm):
    """The "time block" dialog (guide §3.1): times, team, services, appointments per slot."""

    version = HiddenField()
    day = StringField(_l("Date"))
    start = StringField(_l("Start time"))
    end = StringField(_l("End time"))
    team = SelectField(_l("Team"), coerce=int_or_none, validate_choice=False)
    services = SelectMultipleField(_l("Services offered"), coerce=int_or_none,
                                   validate_choice=False)
    per_slot = StringField(_l("Appointments per slot"))
    online_open = BooleanField(_l("Open online (green padlock)"))
    submit = SubmitField(_l("Save"))

    def validate_day(self, field: StringField) -> None:
        if parse_day(field.data) is None:
            raise ValidationError(_l("Enter the date as YYYY-MM-DD, e.g. 2026-03-09."))

    def validate_start(self, field: StringField) -> None:
        if parse_clock(field.data) is None:
            raise ValidationError(_l("Enter a time as HH:MM, e.g. 09:00."))

    validate_end = validate_start

    def validate_per_slot(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if params.to_int(text, -params.MAX_ID) is None:
            raise ValidationError(_l("Enter a whole number of appointments, e.g. 1."))

    def validate_version(self, field: HiddenField) -> None:
        if field.data and params.to_int(field.data) is None:
            raise ValidationError(_l("Reload the page and try again."))


class DeleteForm(FlaskForm):
    """Deleting a block; with bookings, the person chooses to keep it or cancel them."""

    version = HiddenField()
    choice = RadioField(_l("What should happen to the booked appointments?"), choices=[
        ("keep", _l("Keep the time block and its appointments")),
        ("cancel", _l("Cancel the appointments, notify the patients, and delete the block")),
    ], default="keep")
    reason = TextAreaField(_l("Reason given for the cancellation"),
                           validators=[Length(max=500)])
    submit = SubmitField(_l("Confirm"))

    validate_version = BlockForm.validate_version


class CloneForm(FlaskForm):
    """Clone a source day onto the ticked days (guide §3.3)."""

    source = StringField(_l("Day to copy"))
    range_from = StringField(_l("Also every day from"))
    range_to = StringField(_l("to"))
    weekdays = SelectMultipleField(_l("On these days of the week"), coerce=int_or_none,
                                   validate_choice=False)
    submit = SubmitField(_l("Clone"))

    def validate_source(self, field: StringField) -> None:
        if parse_day(field.data) is None:
            raise ValidationError(_l("Enter the date as YYYY-MM-DD, e.g. 2026-03-09."))

    def validate_range_from(self, field: StringField) -> None:
        if field.data and parse_day(field.data) is None:
            raise ValidationError(_l("Enter the date as YYYY-MM-DD, e.g. 2026-03-09."))

    validate_range_to = validate_range_from
