"""Patient details: checking and normalising what staff and citizens type.

Each field has one function that returns the clean value or raises `FieldError` with a
message for the person typing; `validate()` applies a service's field rules
(required / optional / hidden) to a whole form and reports every bad field at once.
Staff and public forms use the same functions, and so does the booking engine.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..formatting import phone
from ..geo import normalize_postal_code
from ..models import PATIENT_FIELDS
from .typed_dates import ambiguous, parse_typed_date

SEXES = {"F": _l("Female"), "M": _l("Male"), "X": _l("Other")}
LANGUAGES = {"fr_CA": "Français", "en": "English"}
OLDEST_BIRTH_YEAR = 1900
MAX_NAME = 100
MAX_COMMENT = 2000

HIN = re.compile(r"^[A-Z]{4}\d{8}$")
PHONE = re.compile(r"^(?:\+?1)?([2-9]\d{2})([2-9]\d{2})(\d{4})$")
EXTENSION = re.compile(r"^(.*?)\s*(?:ext\.?|x|poste|#)\s*(\d{1,6})$", re.IGNORECASE)
NAME_CHARS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")


class FieldError(ValueError):
    """A value that cannot be accepted; the message is for the person who typed it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class PatientDataInvalid(ValueError):
    """Some patient fields are missing or wrong: `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)
        self.message = _l("Please correct the patient details shown below.")


@dataclass(frozen=True)
class PatientData:
    """Clean patient details, ready for a `Patient` row (comment goes on the appointment)."""

    first_name: str = ""
    last_name: str = ""
    birth_date: Optional[date] = None
    health_insurance_number: Optional[str] = None
    sex: Optional[str] = None
    email: Optional[str] = None
    cell_phone: Optional[str] = None
    phone: Optional[str] = None
    postal_code: Optional[str] = None
    language: Optional[str] = None
    comment: str = ""

    def patient_fields(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("comment")
        if values["language"] is None:
            values.pop("language")
        return values

    @property
    def identity_key(self) -> Optional[str]:
        return identity_key(self.last_name, self.first_name, self.birth_date)


# -- one function per field -------------------------------------------------------------

def clean_name(value: str) -> str:
    name = " ".join(str(value).split())
    if len(name) > MAX_NAME:
        raise FieldError(_l("At most %(max)d characters.", max=MAX_NAME))
    if not NAME_CHARS.match(name):
        raise FieldError(_l("Use letters, spaces, hyphens and apostrophes only."))
    return name


def clean_birth_date(value: Any, today: Optional[date] = None) -> date:
    today = today or date.today()
    if isinstance(value, date):
        day = value
    else:
        try:
            day = parse_typed_date(str(value))
        except ValueError:
            raise FieldError(_l("Enter a date such as 12/05/1948, 12 May 1948 or "
                                "1948-05-12.")) from None
    if day > today:
        raise FieldError(_l("A birth date cannot be in the future."))
    if day.year < OLDEST_BIRTH_YEAR:
        raise FieldError(_l("Check the year of birth."))
    return day


def ambiguous_birth_date(value: str) -> Optional[date]:
    """The day read from a birth date typed as two numbers that could be day or month
    (05/12/1948 is 5 December, day first); None when the typing leaves no doubt."""
    if not ambiguous(str(value)):
        return None
    try:
        return clean_birth_date(value)
    except FieldError:
        return None


def clean_health_insurance_number(value: str) -> str:
    """Québec RAMQ number: 4 letters then 8 digits (YYMMDD + 2), e.g. 'TREM 6512 1234'."""
    compact = re.sub(r"[\s\-]", "", str(value)).upper()
    if not HIN.match(compact):
        raise FieldError(_l("A health insurance number has 4 letters then 8 digits, "
                            "for example ABCD 1234 5678."))
    month, day = int(compact[6:8]), int(compact[8:10])
    if not (1 <= month <= 12 or 51 <= month <= 62) or not 1 <= day <= 31:
        raise FieldError(_l("This health insurance number does not contain a valid birth "
                            "date. Check the digits."))
    return compact


def clean_email(value: str) -> str:
    try:
        result = validate_email(str(value).strip(), check_deliverability=False)
    except EmailNotValidError:
        raise FieldError(_l("Enter a valid email address, for example name@example.org.")) \
            from None
    email = str(result.normalized)
    if len(email) > 254:
        raise FieldError(_l("Enter a valid email address, for example name@example.org."))
    return email


def clean_phone(value: str) -> str:
    """North American number -> '418 555-0100' (with ' ext. 123' when given)."""
    raw = str(value).strip()
    extension = ""
    match = EXTENSION.match(raw)
    if match:
        raw, extension = match.group(1), match.group(2)
    digits = re.sub(r"[\s().\-]", "", raw)
    found = PHONE.match(digits)
    if not found:
        raise FieldError(_l("Enter a 10-digit phone number, for example 418 555-0100."))
    return phone(phonenumbers.PhoneNumber(country_code=1, national_number=int("".join(
        found.groups())), extension=extension or None))


def clean_cell_phone(value: str) -> str:
    if EXTENSION.match(str(value).strip()):
        raise FieldError(_l("A cell phone number has no extension."))
    return clean_phone(value)


def clean_postal_code(value: str) -> str:
    code = normalize_postal_code(str(value))
    if code is None:
        raise FieldError(_l("Enter a postal code such as G8B 1M4."))
    return code


def clean_sex(value: str) -> str:
    code = str(value).strip().upper()
    if code not in SEXES:
        raise FieldError(_l("Choose one of the options."))
    return code


def clean_language(value: str) -> str:
    code = {"fr": "fr_CA", "fr_ca": "fr_CA", "fr-ca": "fr_CA", "en": "en"}.get(
        str(value).strip().lower())
    if code is None:
        raise FieldError(_l("Choose French or English."))
    return code


def clean_comment(value: str) -> str:
    comment = str(value).strip()
    if len(comment) > MAX_COMMENT:
        raise FieldError(_l("At most %(max)d characters.", max=MAX_COMMENT))
    return comment


CLEANERS: dict[str, Callable[..., Any]] = {
    "first_name": clean_name,
    "last_name": clean_name,
    "birth_date": clean_birth_date,
    "health_insurance_number": clean_health_insurance_number,
    "sex": clean_sex,
    "email": clean_email,
    "cell_phone": clean_cell_phone,
    "phone": clean_phone,
    "postal_code": clean_postal_code,
    "language": clean_language,
    "comment": clean_comment,
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate(data: Mapping[str, Any], rules: Mapping[str, str],
             today: Optional[date] = None) -> PatientData:
    """Clean every field per the service's rules; raise `PatientDataInvalid` listing all errors.

    Hidden fields are ignored even when sent (a tampered form changes nothing); optional
    blank fields become empty; required blank fields are refused.
    """
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name in PATIENT_FIELDS:
        rule = rules.get(name, "optional")
        raw = data.get(name)
        if rule == "hidden":
            continue
        if _blank(raw):
            if rule == "required":
                errors[name] = _l("This field is required.")
            continue
        try:
            if name == "birth_date":
                values[name] = clean_birth_date(raw, today)
            else:
                values[name] = CLEANERS[name](raw)
        except FieldError as exc:
            errors[name] = exc.message
    if errors:
        raise PatientDataInvalid(errors)
    return PatientData(**values)


def fold(text: str) -> str:
    """Lower case, without accents, spaces or punctuation: 'Côté-Brûlé ' -> 'cotebrule'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def identity_key(last_name: str, first_name: str, birth_date: Optional[date]) -> Optional[str]:
    """Same person, whatever the case and accents: last name, first name and birth date."""
    last, first = fold(last_name), fold(first_name)
    if not (last and first and birth_date):
        return None
    return f"{last}|{first}|{birth_date.isoformat()}"


FIELD_LABELS = {
    "first_name": _l("First name"), "last_name": _l("Last name"),
    "birth_date": _l("Birth date"), "health_insurance_number": _l("Health insurance number"),
    "sex": _l("Sex"), "email": _l("Email"), "cell_phone": _l("Cell phone"), "phone": _l("Phone"),
    "postal_code": _l("Postal code"), "language": _l("Language"), "comment": _l("Comment"),
}
FIELD_HINTS = {
    "birth_date": _l("For example 12/05/1948 (day, month, year) or 12 May 1948"),
    "health_insurance_number": _l("4 letters and 8 digits, as on the card"),
    "cell_phone": _l("10 digits, for example 418 555-0123"),
    "phone": _l("10 digits, for example 418 555-0123"),
}
FIELD_INPUTS = {  # HTML input type and autocomplete token of each field
    "first_name": ("text", "given-name"), "last_name": ("text", "family-name"),
    "birth_date": ("text", "bday"), "health_insurance_number": ("text", "off"),
    "email": ("email", "email"), "cell_phone": ("tel", "tel"), "phone": ("tel", "tel"),
    "postal_code": ("text", "postal-code"), "comment": ("textarea", "off"),
}
