"""The audit log in words: what each action is, and one readable line per detail.

Every configuration change is recorded through `organization.changes`, so an entry keeps
`after` (what was created), `changes` ({field: [before, after]}: what was modified) or
`before` (what was removed), beside details of its own (`kind`, `service_id`...). Field
names are labelled with the label of the form that edits them, so a new field is named in
the log as on its screen; a new action needs its words in ACTIONS.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.core import UnboundField

from ...accounts.permissions import can
from ...accounts.roles import ROLE_LABELS, Perm, Role
from ...extensions import db
from ...formatting import localized
from ...messaging import timing as send_timing
from ...models import (
    AuditLog,
    CommunicationSetting,
    EligibilityAnswer,
    EligibilityQuestion,
    Location,
    Service,
    Team,
    User,
)
from ...organization.staff import category_label
from ..followup.views import PERIOD_LABELS
from .audit_refs import move_lines, object_name, reference
from .communication_forms import CommunicationForm
from .location_forms import LocationForm
from .public_page_forms import PublicPageForm
from .service_forms import PATIENT_FIELD_LABELS, RULE_LABELS, QuestionForm, ServiceForm

ACTIONS = {
    "access.appointment": _l("Viewed a patient's appointment"),
    "access.person_search": _l("Searched for a person's data (request under Law 25)"),
    "access.person_export": _l("Exported all of a person's data (request under Law 25)"),
    "retention.period_changed": _l("Retention period of personal data modified"),
    "retention.anonymized": _l("Personal data older than the retention period anonymised"),
    "retention.erased": _l("A person's data erased on request (Law 25)"),
    "access.messages": _l("Viewed messages to patients"),
    "access.appointments_calendar": _l("Viewed the appointments calendar (patients' names)"),
    "access.followup_list": _l("Viewed the follow-up list"),
    "access.followup_export": _l("Exported the follow-up list to Excel"),
    "access.access_log": _l("Viewed the access log"),
    "access.followup_print": _l("Printed the follow-up list"),
    "account.sign_in": _l("Signed in"),
    "account.locked": _l("Sign-in paused after failed attempts"),
    "account.password_changed": _l("Password changed"),
    "account.profile_updated": _l("Own profile updated"),
    "account.role_switched": _l("Active role switched"),
    "appointment.attendance": _l("Attendance marked on appointments"),
    "message.sent_now": _l("Reminder or follow-up sent by hand"),
    "organization.online_booking": _l("Online booking opened or closed"),
    "organization.public_page": _l("Public page modified"),
    "service.created": _l("Service created"),
    "service.updated": _l("Service modified"),
    "service.moved": _l("Service moved"),
    "question.created": _l("Eligibility question created"),
    "question.updated": _l("Eligibility question modified"),
    "question.moved": _l("Eligibility question moved"),
    "question.deleted": _l("Eligibility question removed"),
    "answer.moved": _l("Answer moved"),
    "location.created": _l("Location created"),
    "location.updated": _l("Location modified"),
    "location.moved": _l("Location moved"),
    "communication.updated": _l("Communication modified"),
    "team.created": _l("Team created"),
    "team.updated": _l("Team modified"),
    "team.associated": _l("Team associations modified"),
    "staff.created": _l("Staff account created"),
    "staff.updated": _l("Staff account modified"),
    "staff.activated": _l("Staff account reactivated"),
    "staff.deactivated": _l("Staff account deactivated"),
    "staff.reset_link_sent": _l("Password reset link sent"),
    "staff.role_added": _l("Role added"),
    "staff.role_updated": _l("Role modified"),
    "staff.role_removed": _l("Role removed"),
    "appointment.booked": _l("Appointment booked"),
    "appointment.booked_for_another_person": _l("Appointment booked online for another person"),
    "appointment.moved": _l("Appointment moved"),
    "appointment.cancelled": _l("Appointment cancelled"),
    "appointment.confirmed": _l("Appointment confirmed"),
    "appointment.details_changed": _l("Patient details modified"),
    "appointment.duplicate_override": _l("Second appointment for the same person, with a reason"),
    "appointment.early_dose": _l("Dose booked before the minimum interval, with a reason"),
    "schedule_block.created": _l("Time block created"),
    "schedule_block.updated": _l("Time block modified"),
    "schedule_block.deleted": _l("Time block deleted"),
    "schedule_block.padlock": _l("Time block locked or unlocked for online booking"),
    "schedule_day.padlock": _l("Day locked or unlocked for online booking"),
    "schedule.cloned": _l("Schedule cloned"),
}


def _form_labels(*forms: type) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for form in forms:
        for name in dir(form):
            field = getattr(form, name, None)
            if (isinstance(field, UnboundField) and field.args and name not in labels
                    and not isinstance(field.args[0], UnboundField)):
                labels[name] = field.args[0]
    return labels


FIELDS: dict[str, Any] = {
    **_form_labels(ServiceForm, LocationForm, QuestionForm, CommunicationForm, PublicPageForm),
    "name": _l("Name"), "colour": _l("Colour"), "category": _l("Category"),
    "variable_capacity": _l("Variable capacity"), "position": _l("Order"),
    "active": _l("Active"), "first_name": _l("First name"), "last_name": _l("Last name"),
    "email": _l("Email"), "phone": _l("Phone"), "cell_phone": _l("Cell phone"),
    "language": _l("Language"), "planner_access": _l("Access to the planner"),
    "access_start": _l("Access from"), "access_end": _l("Access until"),
    "teams": _l("Teams"), "role": _l("Role"), "location": _l("Location"),
    "starts_on": _l("Effective start"), "ends_on": _l("Effective end"),
    "all_locations": _l("All locations"), "locations": _l("Locations"),
    "all_services": _l("All services"), "services": _l("Services"),
    "answers": _l("Answers"), "open": _l("Online booking open"),
    "field_rules": _l("Personal information"), "latitude": _l("Latitude"),
    "longitude": _l("Longitude"), "attachment_name": _l("Attached file"),
    "service_id": _l("Service"), "question_id": _l("Eligibility questions"),
    "kind": _l("Communication"),
    "slot": _l("Time"), "service": _l("Service"), "team": _l("Team"),
    "location_id": _l("Location"), "team_id": _l("Team"), "starts_at": _l("Date and time"),
    "coupon": _l("Confirmation number"), "online": _l("Booked online"),
    "reason": _l("Reason"), "existing": _l("Existing appointment"), "hold": _l("Held first"),
    "fields": _l("Fields modified"), "day": _l("Day"), "start": _l("Start"), "end": _l("End"),
    "per_slot": _l("Places per time"), "online_open": _l("Open online"),
    "slots": _l("Time slots"), "cancelled": _l("Appointments cancelled"),
    "block_id": _l("Time block"), "why": _l("Why"), "source": _l("Source day"),
    "targets": _l("Target days"), "blocks": _l("Time blocks"), "places": _l("Places"),
    "skipped": _l("Days skipped"),
    "patient": _l("Patient"), "appointment": _l("Appointment"), "filters": _l("Filters"),
    "rows": _l("Rows shown"), "count": _l("Messages shown"),
    "appointments": _l("Appointments"), "period": _l("Period"), "report": _l("Report"),
    "number": _l("Confirmation number"), "birth_date": _l("Birth date"),
    "sort": _l("Sort"), "page": _l("Page"), "status": _l("Status"), "channel": _l("Channel"),
}
# The follow-up list's filters, as its screen names them.
CHOICES: dict[str, dict[str, Any]] = {
    "period": PERIOD_LABELS,
    "report": {"active": _l("All appointments (without cancellations)"),
               "all": _l("All appointments (with cancellations)")},
}
# Stored file names are random: the log names the file by attachment_name instead.
HIDDEN = frozenset({"attachment_path", "logo_path", "role_id"})
# A confirmation number is half of the public cancel credential: only a role that sees
# appointments reads it in the log (issue 13).
PATIENT_KEYS = frozenset({"coupon", "token"})


def _label(field: str) -> str:
    return str(FIELDS.get(field, field))


def _value(field: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    named = reference(field, value)
    if named is not None:
        return named
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in CHOICES and value in CHOICES[field]:
        return str(CHOICES[field][value])
    if field == "filters" and isinstance(value, dict):
        return "; ".join(_("%(field)s: %(value)s", field=_label(k), value=_value(k, v))
                         for k, v in value.items())
    if field == "role" and value in {r.value for r in Role}:
        return str(ROLE_LABELS[Role(value)])
    if field == "category":
        return category_label(value)
    if field == "kind":
        return str(send_timing.LABELS.get(value, value))
    if field in {"service_id", "next_service_id"} and isinstance(value, int):
        service = db.session.get(Service, value)
        return localized(service, "name") if service else str(value)
    if field == "answers" and all(isinstance(v, int) for v in value):  # a team's, by id
        found = db.session.scalars(select(EligibilityAnswer).where(EligibilityAnswer.id.in_(value)))
        return ", ".join(localized(a, "text") for a in found)
    if field == "field_rules" and isinstance(value, dict):
        return ", ".join(f"{PATIENT_FIELD_LABELS.get(k, k)}: {RULE_LABELS.get(v, v)}"
                         for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_answer(v) if isinstance(v, list) else str(v) for v in value)
    return str(value)


def _answer(answer: list[Any]) -> str:
    """An answer as questions keep it: [French text, English text, eligible]."""
    if len(answer) == 3 and isinstance(answer[2], bool):
        return f"{answer[0]} ({_('Eligible') if answer[2] else _('Not eligible')})"
    return ", ".join(str(v) for v in answer)


def _change(field: str, pair: list[Any]) -> list[str]:
    before, after = pair
    if field == "field_rules" and isinstance(before, dict) and isinstance(after, dict):
        return [_("%(field)s: %(before)s → %(after)s", field=PATIENT_FIELD_LABELS.get(k, k),
                  before=RULE_LABELS.get(str(before.get(k)), "—"), after=RULE_LABELS.get(v, v))
                for k, v in after.items() if before.get(k) != v]
    return [_("%(field)s: %(before)s → %(after)s", field=_label(field),
              before=_value(field, before), after=_value(field, after))]


def detail_lines(details: dict[str, Any]) -> list[str]:
    """One readable line per change: 'Field: before → after'."""
    lines = []
    hidden = HIDDEN if can(Perm.APPOINTMENTS_VIEW) else HIDDEN | PATIENT_KEYS
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) and isinstance(after, dict):  # a move or an update
        lines = move_lines(before, after, _label, _value)
        details = {k: v for k, v in details.items() if k not in {"before", "after"}}
    for key, value in details.items():
        if key in hidden:
            continue
        if key == "changes" and isinstance(value, dict):
            for field, pair in value.items():
                if field not in hidden and isinstance(pair, list) and len(pair) == 2:
                    lines += _change(field, pair)
        # `values`: older entries' word for `after`, kept readable.
        elif key in {"after", "before", "values"} and isinstance(value, dict):
            arrow = "✕ " if key == "before" else "→ "
            lines += [_("%(field)s: %(value)s", field=_label(f), value=arrow + _value(f, v))
                      for f, v in value.items() if f not in hidden]
        else:
            lines.append(_("%(field)s: %(value)s", field=_label(key), value=_value(key, value)))
    return lines


def _names(model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found: Any = db.session.scalars(select(model).where(model.id.in_(ids)))  # type: ignore[attr-defined]
    if model is User:
        return {u.id: u.full_name for u in found}
    if model is Team:
        return {t.id: t.name for t in found}
    if model is CommunicationSetting:
        return {c.id: str(send_timing.LABELS.get(c.kind, c.kind)) for c in found}
    if model in (EligibilityQuestion, EligibilityAnswer):
        return {o.id: localized(o, "text") for o in found}
    return {o.id: localized(o, "name") for o in found}


def object_names(entries: list[AuditLog]) -> dict[tuple[str, int], str]:
    """Names of the accounts, teams, services, locations... the entries are about."""
    names: dict[tuple[str, int], str] = {}
    for model in (User, Team, Service, Location, EligibilityQuestion, EligibilityAnswer,
                  CommunicationSetting):
        ids = {e.object_id for e in entries if e.object_type == model.__name__ and e.object_id}
        names.update({(model.__name__, i): n for i, n in _names(model, ids).items()})
    for entry in entries:
        if entry.object_id and (entry.object_type, entry.object_id) not in names:
            name = object_name(entry.object_type, entry.object_id)
            if name is not None:
                names[(entry.object_type, entry.object_id)] = name
    return names
