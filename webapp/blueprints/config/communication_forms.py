"""Form of the Communications tab (CFG-6)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from .fields import ConfigForm, WholeNumberField

MAX_HOURS = 14 * 24


class CommunicationForm(ConfigForm):
    active = BooleanField(_l("Active"))
    hours = WholeNumberField(
        _l("Delay (hours)"), message=_l("Enter a whole number of hours, for example 48."),
        validators=[InputRequired(_l("Enter the delay in hours.")),
                    NumberRange(1, MAX_HOURS, _l("The delay is between %(min)d and %(max)d hours."))])
    by_sms = BooleanField(_l("By SMS"))
    by_email = BooleanField(_l("By email"))
    submit = SubmitField(_l("Save the communication"))

    def setting_data(self) -> dict[str, Any]:
        """The typed values, for `communications.update_setting`."""
        return {name: getattr(self, name).data for name in ("active", "hours", "by_sms",
                                                            "by_email")}
