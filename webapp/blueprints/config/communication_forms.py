"""Form of the Communications tab (CFG-6)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from ...models import CommunicationSetting
from .fields import WholeNumberField

MAX_HOURS = 14 * 24


class CommunicationForm(FlaskForm):
    active = BooleanField(_l("Active"))
    hours = WholeNumberField(
        _l("Delay (hours)"), message=_l("Enter a whole number of hours, for example 48."),
        validators=[InputRequired(_l("Enter the delay in hours.")),
                    NumberRange(1, MAX_HOURS, _l("The delay is between %(min)d and %(max)d hours."))])
    by_sms = BooleanField(_l("By SMS"))
    by_email = BooleanField(_l("By email"))
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.active.data and not (self.by_sms.data or self.by_email.data):
            self.by_email.errors.append(_("Choose SMS, email or both to send this message."))
            valid = False
        return valid

    def save_to(self, setting: CommunicationSetting) -> None:
        for name in ("active", "hours", "by_sms", "by_email"):
            setattr(setting, name, getattr(self, name).data)
