"""Forms of the Services tab: a service (CFG-1) and its eligibility questions (CFG-2)."""
from __future__ import annotations

from typing import Any, Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.validators import Optional as IfGiven

from ...formatting import localized
from ...models import FIELD_RULES, PATIENT_FIELDS, EligibilityQuestion, Service
from ...organization import Refused, uploads
from ...organization.services import ServiceError
from .fields import (
    TOO_LONG,
    ChoiceField,
    ConfigForm,
    UploadField,
    WholeNumberField,
    line_field,
    name_field,
    strip,
    text_field,
)

PATIENT_FIELD_LABELS = {
    "first_name": _l("First name"), "last_name": _l("Last name"), "birth_date": _l("Birth date"),
    "health_insurance_number": _l("Health insurance number"), "sex": _l("Sex"),
    "email": _l("Email"), "cell_phone": _l("Cell phone"), "phone": _l("Phone"),
    "postal_code": _l("Postal code"), "language": _l("Language"), "comment": _l("Comment"),
}
RULE_LABELS = {"required": _l("Required"), "optional": _l("Optional"), "hidden": _l("Hidden")}
ALWAYS_ASKED = ("first_name", "last_name")  # a booking without a name is unusable


class ServiceForm(ConfigForm):
    name_fr = name_field(_l("Name in French"), _l("Enter the name in French."))
    name_en = name_field(_l("Name in English"), _l("Enter the name in English."))
    description_fr = text_field(_l("Description in French"))
    description_en = text_field(_l("Description in English"))
    duration_minutes = WholeNumberField(
        _l("Duration (minutes)"), message=_l("Enter a whole number of minutes, for example 15."),
        validators=[InputRequired(_l("Enter the duration in minutes.")),
                    NumberRange(1, 480, _l("The duration is between 1 and 480 minutes."))])
    vaccine_group = line_field(_l("Vaccine group"), 80)
    next_service_id = SelectField(_l("Next dose (service)"), choices=[], validate_choice=False)
    min_interval_days = WholeNumberField(
        _l("Minimum interval before the next dose (days)"),
        message=_l("Enter a whole number of days, for example 56."),
        validators=[IfGiven(), NumberRange(1, 730, _l("The interval is between 1 and 730 days."))])
    apply_to_group = BooleanField(_l("Give this duration to the other doses of the group too"))
    attachment = UploadField(_l("Attached file (PDF or image)"), uploads.DOCUMENTS,
                             "ATTACHMENT_MAX_BYTES", uploads.ATTACHMENT_MAX_BYTES)
    remove_attachment = BooleanField(_l("Remove the attached file"))
    instructions_fr = text_field(_l("Instructions on the coupon, in French"))
    instructions_en = text_field(_l("Instructions on the coupon, in English"))
    no_availability_fr = text_field(_l("Message without availability, in French"))
    no_availability_en = text_field(_l("Message without availability, in English"))
    availability_fr = text_field(_l("Message with availability, in French"))
    availability_en = text_field(_l("Message with availability, in English"))
    show_duration = BooleanField(_l("Show the duration on the public page"))
    horizon_days = WholeNumberField(
        _l("Days of availability shown on the public page"),
        message=_l("Enter a whole number of days, for example 30."),
        validators=[InputRequired(_l("Enter a number of days.")),
                    NumberRange(1, 365, _l("Between 1 and 365 days."))])
    submit = SubmitField(_l("Save the service"))

    def __init__(self, service: Service, others: list[Service], **kwargs: Any) -> None:
        super().__init__(obj=service if service.id else None, **kwargs)
        self.service = service
        self.next_service_id.choices = [("", _("None"))] + [
            (str(s.id), localized(s, "name")) for s in others]
        if not self.is_submitted():
            self.next_service_id.data = str(service.next_service_id or "")
            rules = service.field_rules or {}
            for name in PATIENT_FIELDS:
                self.rule(name).data = rules.get(name, "optional")
            if service.id is None:
                self.show_duration.data, self.horizon_days.data = True, 30
        self.partners: list[Service] = []

    def rule(self, name: str) -> SelectField:
        return getattr(self, f"rule_{name}")  # type: ignore[no-any-return]

    def rule_fields(self) -> list[SelectField]:
        return [self.rule(name) for name in PATIENT_FIELDS]

    @property
    def next_id(self) -> Optional[int]:
        raw = self.next_service_id.data or ""
        return int(raw) if raw.isdigit() else None

    def validate_next_service_id(self, field: SelectField) -> None:
        allowed = {value for value, _label in field.choices}  # type: ignore[misc]
        if (field.data or "") not in allowed:
            raise ValidationError(_("Choose a service from the list."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for name in ALWAYS_ASKED:
            if self.rule(name).data == "hidden":
                self.rule(name).errors.append(_("The name is always asked: required or optional."))
                valid = False
        return valid

    def refuse(self, error: Refused) -> None:
        super().refuse(error)
        if isinstance(error, ServiceError):  # the box "give this duration to the group too"
            self.partners = error.partners

    def service_data(self) -> dict[str, Any]:
        """The typed values, for `services.create_service` / `update_service` (the attached
        file and the group box are passed apart)."""
        data = {name: getattr(self, name).data for name in (
            "name_fr", "name_en", "description_fr", "description_en", "duration_minutes",
            "instructions_fr", "instructions_en", "no_availability_fr", "no_availability_en",
            "availability_fr", "availability_en", "show_duration", "horizon_days",
            "min_interval_days", "vaccine_group")}
        return {**data, "next_service_id": self.next_id,
                "field_rules": {name: self.rule(name).data for name in PATIENT_FIELDS}}


for _name in PATIENT_FIELDS:
    setattr(ServiceForm, f"rule_{_name}", ChoiceField(
        PATIENT_FIELD_LABELS[_name], choices=[(r, RULE_LABELS[r]) for r in FIELD_RULES],
        validators=[InputRequired(_l("Choose one of the options of the list."))]))


class AnswerForm(Form):
    answer_id = HiddenField()
    text_fr = StringField(_l("Answer in French"), filters=[strip],
                          validators=[Length(max=300, message=TOO_LONG)])
    text_en = StringField(_l("Answer in English"), filters=[strip],
                          validators=[Length(max=300, message=TOO_LONG)])
    eligible = BooleanField(_l("Eligible"))
    remove = BooleanField(_l("Remove"))

    @property
    def blank(self) -> bool:
        return not self.answer_id.data and not self.text_fr.data and not self.text_en.data


class QuestionForm(ConfigForm):
    text_fr = name_field(_l("Question in French"), _l("Enter the question in French."), 1000)
    text_en = name_field(_l("Question in English"), _l("Enter the question in English."), 1000)
    answers = FieldList(FormField(AnswerForm))
    add_answer = SubmitField(_l("Add an answer"))
    submit = SubmitField(_l("Save the question"))

    def __init__(self, question: EligibilityQuestion, **kwargs: Any) -> None:
        texts = {"text_fr": question.text_fr, "text_en": question.text_en} if question.id else {}
        super().__init__(data=texts, **kwargs)  # the answers are filled below, with their ids
        self.question = question
        self.answer_errors: list[str] = []
        if not self.is_submitted():
            existing = [{"answer_id": str(a.id), "text_fr": a.text_fr, "text_en": a.text_en,
                         "eligible": a.eligible} for a in question.answers]
            if question.id is None:
                existing = [{"text_fr": "Oui", "text_en": "Yes", "eligible": True},
                            {"text_fr": "Non", "text_en": "No", "eligible": False}]
            for data in existing:
                self.answers.append_entry(data)
            self.answers.append_entry()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for entry in self.answers:
            answer = entry.form
            if answer.blank or answer.remove.data:
                continue
            for field, message in ((answer.text_fr, _("Enter the answer in French.")),
                                   (answer.text_en, _("Enter the answer in English."))):
                if not field.data:
                    field.errors.append(message)
                    valid = False
        self.refused = not valid  # errors of an answer row are not all listed in `errors`
        return valid

    def refuse(self, error: Refused) -> None:
        if error.field == "answers":  # the answers' own message, above their rows
            self.answer_errors.append(error.message)
            self.refused = True
        else:
            super().refuse(error)

    def question_data(self) -> dict[str, Any]:
        """The typed question and its answer rows (empty rows left out), for
        `questions.create_question` / `update_question`."""
        rows = [entry.form for entry in self.answers if not entry.form.blank]
        return {"text_fr": self.text_fr.data, "text_en": self.text_en.data, "answers": [
            {"id": row.answer_id.data or None, "text_fr": row.text_fr.data,
             "text_en": row.text_en.data, "eligible": bool(row.eligible.data),
             "remove": bool(row.remove.data)} for row in rows]}

