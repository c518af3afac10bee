"""Forms of Configuration › Personal data: the retention period, finding one person."""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from ...booking.patients import FieldError, clean_birth_date
from ...operations import MAX_DAYS, MIN_DAYS
from .fields import ConfigForm, WholeNumberField, strip


class RetentionForm(ConfigForm):
    retention_days = WholeNumberField(
        _l("Keep personal data after the last appointment (days)"),
        message=_l("Enter a whole number of days, for example 365."),
        validators=[InputRequired(_l("Enter a number of days.")),
                    NumberRange(MIN_DAYS, MAX_DAYS, _l(
                        "Between %(low)d and %(high)d days.", low=MIN_DAYS, high=MAX_DAYS))])


def _typed(label: Any, maximum: int) -> StringField:
    return StringField(label, filters=[strip], validators=[Length(max=maximum)])


class PersonSearchForm(FlaskForm):
    """A person named by a request: a confirmation number, or name and birth date."""

    class Meta:
        csrf = False

    coupon = _typed(_l("Confirmation number"), 12)
    last_name = _typed(_l("Last name"), 100)
    first_name = _typed(_l("First name"), 100)
    birth_date = _typed(_l("Birth date"), 40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.birth_day: Optional[date] = None

    def validate_birth_date(self, field: Field) -> None:
        if field.data:
            try:
                self.birth_day = clean_birth_date(field.data)
            except FieldError as error:
                raise ValidationError(str(error.message)) from None

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.coupon.data:
            return True
        missing = [f for f in (self.last_name, self.first_name, self.birth_date) if not f.data]
        for f in missing:
            f.errors = [*f.errors, str(_l(
                "Enter the last name, first name and birth date, or a confirmation number."))]
        return not missing

    @property
    def asked(self) -> bool:
        return any(f.data for f in (self.coupon, self.last_name, self.first_name,
                                    self.birth_date))
