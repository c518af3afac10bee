"""Form fields and validators shared by the configuration forms, with messages in both
languages."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Optional
from urllib.parse import urlsplit

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, Form, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, StopValidation, ValidationError
from wtforms.validators import Optional as IfGiven

from ...formatting import phone
from ...organization import Refused, uploads
from ...organization.locations import PostalCodeError, locate

NAME_MAX = 200
TEXT_MAX = 4000
TOO_LONG = _l("At most %(max)d characters (this text has %(length)d).")


class ConfigForm(FlaskForm):
    """A configuration form: it checks what was typed; the domain module checks the rules
    that span records, and `refuse` shows a refusal under the field it names (or under
    `fallback_field`)."""

    fallback_field = ""
    refused = False  # a refusal shown outside `errors` (a list's own message)

    def refuse(self, error: Refused) -> None:
        field = self._fields.get(error.field or "") or self._fields[self.fallback_field]
        field.errors = [*field.errors, error.message]
        self.refused = True


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def name_field(label: Any, required: Any, maximum: int = NAME_MAX) -> StringField:
    """A one-line text that must be given, stripped of outer spaces."""
    return StringField(label, filters=[strip], validators=[
        DataRequired(required), Length(max=maximum, message=TOO_LONG)])


def line_field(label: Any, maximum: int, *validators: Any) -> StringField:
    """An optional one-line text."""
    return StringField(label, filters=[strip], validators=[
        IfGiven(), Length(max=maximum, message=TOO_LONG), *validators])


def text_field(label: Any, maximum: int = TEXT_MAX) -> TextAreaField:
    """An optional multi-line text (kept as plain text, shown escaped)."""
    return TextAreaField(label, filters=[strip], validators=[
        Length(max=maximum, message=TOO_LONG)], render_kw={"rows": 3})


class WholeNumberField(IntegerField):
    """An integer typed by a person: "15" is fine, "15.5" or "quinze" get a clear message."""

    def __init__(self, label: Any = None, validators: Optional[Sequence[Any]] = None,
                 message: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Enter a whole number, for example 15.")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0]).strip()
        self.data = None
        if raw and not re.fullmatch(r"[+-]?\d{1,9}", raw):
            raise ValueError(str(self.message))
        if raw:
            self.data = int(raw)

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:  # "15.5": one clear message, not a second about the range
            raise StopValidation()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class ChoiceField(SelectField):
    """A drop-down list whose refusal of a value not offered speaks the user's language."""

    def pre_validate(self, form: Form) -> None:
        if self.data not in {value for value, *_rest in self.iter_choices()}:
            raise StopValidation(str(_l("Choose one of the options of the list.")))


class PhoneNumber:
    """A phone number that exists (Canadian by default); stored as `418 555-0100`."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            number = phonenumbers.parse(field.data, "CA")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(str(_l("Enter a valid phone number, for example 418 555-0100.")))
        field.data = phone(number)


class WebAddress:
    """An http(s) address of a web site; "example.org" becomes "https://example.org"."""

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data
        if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
            if ":" in value.split("/")[0]:  # javascript:, mailto: ... are not web sites
                raise ValidationError(str(_l("Enter a web address, for example "
                                             "https://www.example.org.")))
            value = "https://" + value
        parts = urlsplit(value)
        host = parts.hostname or ""
        if (parts.scheme.lower() not in {"http", "https"} or "." not in host
                or re.search(r"\s", value) or not re.fullmatch(r"[\w.-]+", host)):
            raise ValidationError(str(_l("Enter a web address, for example "
                                         "https://www.example.org.")))
        field.data = value


class PostalCode:
    """A Canadian postal code whose area (FSA) we know, written the usual way (G8B 1M4)."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.data, _area = locate(field.data or "")
        except PostalCodeError as exc:
            raise ValidationError(str(exc)) from exc


def email_validators() -> list[Any]:
    return [Email(_l("Enter a valid email address, for example name@example.org."),
                  check_deliverability=False)]


class UploadField(FileField):
    """A file checked by its content; after validation `upload` holds it (None: no file)."""

    def __init__(self, label: Any, kinds: frozenset[str], setting: str, default_limit: int,
                 **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.kinds, self.setting, self.default_limit = kinds, setting, default_limit
        self.upload: Optional[uploads.Upload] = None

    @property
    def limit(self) -> int:
        return uploads.max_bytes(self.setting, self.default_limit)

    @property
    def limit_text(self) -> str:
        return uploads.human_size(self.limit)

    def pre_validate(self, form: Form) -> None:
        self.upload = None
        sent = self.data
        if sent is None or not getattr(sent, "filename", None):
            return
        try:
            kind, content = uploads.check(sent.filename, sent.stream, self.kinds, self.limit)
        except uploads.UploadError as exc:
            raise ValidationError(str(exc)) from exc
        self.upload = uploads.Upload(sent.filename, kind, content)
