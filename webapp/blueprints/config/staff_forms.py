"""Forms of the Resources tab: staff accounts, their roles, and the audit log filter."""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.validators import Optional as Blank
from wtforms.widgets import ColorInput

from ... import params
from ...accounts.passwords import MeetsPolicy, unmet_rules
from ...accounts.roles import ROLE_LABELS, Role
from ...organization.staff import normalize_phone
from ..account.forms import LANGUAGE_CHOICES
from .fields import ConfigForm, strip
from .team_forms import COLOUR, CheckboxesField, category_choices


def _name(label: Any, message: Any) -> StringField:
    return StringField(label, filters=[strip], validators=[
        DataRequired(message), Length(max=100, message=_l("At most %(max)d characters."))])


class Phone:
    """A valid phone number, rewritten the usual way."""

    def __call__(self, form: Any, field: Field) -> None:
        if not field.data:
            return
        normalized = normalize_phone(field.data)
        if normalized is None:
            raise ValidationError(str(_l("Enter a valid phone number, for example "
                                         "418 555-0100.")))
        field.data = normalized


def _ends_after(start: Optional[date], end: Optional[date]) -> None:
    if start and end and end < start:
        raise ValidationError(str(_l("The end date must be on or after the start date.")))


def _sane_day(form: Any, field: Field) -> None:
    if field.data is not None and not params.MIN_DATE <= field.data <= params.MAX_DATE:
        raise ValidationError(str(_l("Enter a date between %(low)s and %(high)s.",
                                     low=params.MIN_DATE.year, high=params.MAX_DATE.year)))


class StaffForm(ConfigForm):
    fallback_field = "email"
    """Edit a staff account; a new password is optional (guide §1.3)."""

    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="fr_CA")
    colour = StringField(_l("Colour"), widget=ColorInput(), default="#9e9e9e",
                         validators=[COLOUR])
    category = SelectField(_l("Category"), choices=category_choices, default="other")
    first_name = _name(_l("First name"), _l("Enter the first name."))
    last_name = _name(_l("Last name"), _l("Enter the last name."))
    phone = StringField(_l("Phone"), filters=[strip], validators=[
        DataRequired(_l("Enter a phone number.")), Length(max=40), Phone()])
    cell_phone = StringField(_l("Cell phone"), filters=[strip],
                             validators=[Blank(), Length(max=40), Phone()])
    planner_access = BooleanField(_l("Access to the planner"), default=True)
    email = EmailField(_l("Email"), filters=[strip], validators=[
        DataRequired(_l("Enter an email address.")),
        Email(_l("Enter a valid email address."), check_deliverability=False),
        Length(max=254, message=_l("At most %(max)d characters."))])
    password = PasswordField(_l("New password"), validators=[Blank(), Length(max=200)])
    confirm = PasswordField(_l("Confirm the password"))
    limit_access = BooleanField(_l("Limit access to the planner between two dates"))
    access_start = DateField(_l("Start date"), validators=[Blank()])
    access_end = DateField(_l("End date"), validators=[Blank()])
    teams = CheckboxesField(_l("Teams"))
    submit = SubmitField(_l("Save the account"))

    def validate_password(self, field: Field) -> None:
        unmet = unmet_rules(field.data) if field.data else []
        if unmet:
            raise ValidationError(" · ".join(unmet))

    def validate_confirm(self, field: Field) -> None:
        if (self.password.data or "") != (field.data or ""):
            raise ValidationError(str(_l("The two passwords are not the same.")))

    def validate_limit_access(self, field: Field) -> None:
        dates = (self.access_start.raw_data or []) + (self.access_end.raw_data or [])
        if field.data and not any(value.strip() for value in dates if value):
            raise ValidationError(str(_l("Enter a start date, an end date, or both.")))

    def validate_access_end(self, field: Field) -> None:
        if self.limit_access.data:
            _ends_after(self.access_start.data, field.data)

    def account_data(self) -> dict[str, Any]:
        limited = bool(self.limit_access.data)
        return {
            "language": self.language.data, "colour": self.colour.data.lower(),
            "category": self.category.data, "first_name": self.first_name.data,
            "last_name": self.last_name.data, "phone": self.phone.data,
            "cell_phone": self.cell_phone.data or "", "planner_access": self.planner_access.data,
            "email": self.email.data,
            "access_start": self.access_start.data if limited else None,
            "access_end": self.access_end.data if limited else None,
        }


class NewStaffForm(StaffForm):
    """Create a staff account ("Ajout d'une ressource", guide §2.4)."""

    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password.")), Length(max=200), MeetsPolicy()])
    confirm = PasswordField(_l("Confirm the password"), validators=[
        DataRequired(_l("Confirm the password.")),
        EqualTo("password", _l("The two passwords are not the same."))])

    def validate_password(self, field: Field) -> None:
        """The policy is checked by MeetsPolicy."""


def role_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Choose a role")))] + [
        (role.value, str(ROLE_LABELS[role])) for role in Role]


class RoleForm(ConfigForm):
    fallback_field = "role"
    role = SelectField(_l("Role"), choices=role_choices,
                       validators=[DataRequired(_l("Choose a role."))])
    location = SelectField(_l("Location"), default="")
    starts_on = DateField(_l("Effective start"), validators=[Blank()])
    ends_on = DateField(_l("Effective end"), validators=[Blank()])
    submit = SubmitField(_l("Save the role"))

    def validate_ends_on(self, field: Field) -> None:
        _ends_after(self.starts_on.data, field.data)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Blank(), _sane_day])
    end = DateField(_l("To"), validators=[Blank(), _sane_day])
    account = SelectField(_l("Account"), default="")

    def validate_end(self, field: Field) -> None:
        _ends_after(self.start.data, field.data)


class AccessFilterForm(FlaskForm):
    """Configuration › Access log: filters in the URL."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Blank(), _sane_day])
    end = DateField(_l("To"), validators=[Blank(), _sane_day])
    account = SelectField(_l("Staff member"), default="")
    patient = StringField(_l("Patient (name or confirmation number)"),
                          validators=[Blank(), Length(max=100)])

    def validate_end(self, field: Field) -> None:
        _ends_after(self.start.data, field.data)
