from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ...accounts.passwords import MeetsPolicy

LANGUAGE_CHOICES = [("fr_CA", "Français"), ("en", "English")]


class ProfileForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[
        DataRequired(_l("Enter your first name.")), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[
        DataRequired(_l("Enter your last name.")), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    cell_phone = StringField(_l("Cell phone"), validators=[Optional(), Length(max=40)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save my details"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))])
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")), Length(max=200), MeetsPolicy()])
    confirm = PasswordField(_l("Confirm the new password"), validators=[
        DataRequired(_l("Confirm the new password.")),
        EqualTo("password", _l("The two passwords are not the same."))])
    submit = SubmitField(_l("Change my password"))
