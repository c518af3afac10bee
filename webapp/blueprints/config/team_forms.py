"""Forms of the Resources tab: teams and their associations (CFG-4)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Regexp, ValidationError
from wtforms.widgets import ColorInput

from ...organization.staff import CATEGORIES
from .fields import ConfigForm, strip

COLOUR = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Choose a colour (#rrggbb)."))


def category_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in CATEGORIES.items()]


class CheckboxesField(SelectMultipleField):
    """Several ticked ids (ints); an id that is not offered is refused, with our message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        for value in valuelist:
            if not value.isdigit():
                raise ValueError(str(_l("Choose from the list.")))
            self.data.append(int(value))

    def pre_validate(self, form: Any) -> None:
        offered = {value for value, *_rest in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(str(_l("Choose from the list.")))

    def iter_choices(self) -> Any:
        for value, label in self.choices or []:
            yield value, label, value in (self.data or []), {}


class TeamForm(ConfigForm):
    fallback_field = "name"
    name = StringField(_l("Team name"), filters=[strip], validators=[
        DataRequired(_l("Enter the team's name.")),
        Length(max=120, message=_l("At most %(max)d characters."))])
    colour = StringField(_l("Colour"), widget=ColorInput(), default="#4a90d9",
                         validators=[COLOUR])
    category = SelectField(_l("Category"), choices=category_choices, default="other")
    capacity = RadioField(_l("Capacity"), default="variable", choices=[
        ("variable", _l("Variable: you choose the number of appointments per slot")),
        ("fixed", _l("Fixed: one appointment per slot"))])
    position = IntegerField(_l("Order"), default=0, validators=[
        NumberRange(0, 9999, _l("A whole number from 0 to 9999."))])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save the team"))

    def team_data(self) -> dict[str, Any]:
        return {"name": self.name.data, "colour": self.colour.data.lower(),
                "category": self.category.data, "position": self.position.data,
                "variable_capacity": self.capacity.data == "variable",
                "active": self.active.data}


class AssociationForm(ConfigForm):
    fallback_field = "locations"
    all_locations = BooleanField(_l("All locations"))
    locations = CheckboxesField(_l("Locations"))
    all_services = BooleanField(_l("All services"))
    services = CheckboxesField(_l("Services"))
    answers = CheckboxesField(_l("Answers served"))
    submit = SubmitField(_l("Save the associations"))
