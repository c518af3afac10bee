from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ...accounts.passwords import MeetsPolicy


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter your email address.")),
        Email(_l("Enter a valid email address."), check_deliverability=False),
        Length(max=254)])
    submit = SubmitField(_l("Send the link"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")), Length(max=200), MeetsPolicy()])
    confirm = PasswordField(_l("Confirm the new password"), validators=[
        DataRequired(_l("Confirm the new password.")),
        EqualTo("password", _l("The two passwords are not the same."))])
    submit = SubmitField(_l("Save"))
