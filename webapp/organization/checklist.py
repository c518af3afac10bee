"""The readiness checklist (CFG-9): the guide's aide-mémoire (§2.7), computed live.

Each item of the guide that the data can answer is checked here; an item is done,
flagged (must be fixed before opening online booking), to review (the guide says "if
applicable"), or information only. Each section names the screen that fixes it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..accounts.roles import TEAM_SCOPED, Role
from ..extensions import db
from ..formatting import localized
from ..messaging import timing as send_timing
from ..models import CommunicationSetting, Location, Organization, Service, User
from ..timeutil import local_today
from . import associations
from .staff import pilot_count

OK, FLAG, REVIEW, INFO = "ok", "flag", "review", "info"


@dataclass
class Item:
    key: str
    label: str
    state: str
    details: list[str] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    endpoint: str  # the screen that fixes this section's items
    items: list[Item]


@dataclass
class Checklist:
    sections: list[Section]

    def count(self, state: str) -> int:
        return sum(1 for s in self.sections for i in s.items if i.state == state)

    @property
    def ready(self) -> bool:
        return self.count(FLAG) == 0

    @property
    def flagged(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items if i.state == FLAG]


def _required(key: str, label: str, problems: list[str]) -> Item:
    return Item(key, label, FLAG if problems else OK, problems)


def _optional(key: str, label: str, missing: list[str]) -> Item:
    return Item(key, label, REVIEW if missing else OK, missing)


def _name(obj: Any) -> str:
    return localized(obj, "name")


def _bilingual_gaps(objects: Iterable[Any], text: str) -> list[str]:
    """'Name: French text missing' for each object lacking its FR or EN text."""
    gaps = []
    for obj in objects:
        gap = _text_gap(obj, text)
        if gap:
            gaps.append(_("%(name)s: %(gap)s", name=_name(obj), gap=gap))
    return gaps


def _text_gap(obj: Any, text: str) -> str:
    """What is missing of a bilingual text: '', 'empty', 'the English text is missing'."""
    fr, en = getattr(obj, f"{text}_fr").strip(), getattr(obj, f"{text}_en").strip()
    if not fr and not en:
        return _("empty")
    if not fr:
        return _("the French text is missing")
    if not en:
        return _("the English text is missing")
    return ""


def _services_section(services: list[Service]) -> Section:
    groups: dict[str, set[int]] = {}
    for s in services:
        if s.vaccine_group:
            groups.setdefault(s.vaccine_group, set()).add(s.duration_minutes)
    fields = [_("%(name)s: first and last name must be required, and a phone or an email "
                "asked", name=_name(s)) for s in services if not _fields_ok(s.field_rules)]
    questions = [_("%(name)s: “%(question)s” needs at least two answers, one of them eligible",
                   name=_name(s), question=localized(q, "text"))
                 for s in services for q in s.questions
                 if len(q.answers) < 2 or not any(a.eligible for a in q.answers)]
    return Section("services", _("Services"), "config.services", [
        _required("service_active", _("At least one active service, with the right duration "
                                      "between appointments"),
                  [] if services else [_("No active service.")]),
        _required("same_duration", _("The doses of one vaccine keep the same duration"),
                  [_("%(group)s: %(durations)s minutes", group=group,
                     durations=", ".join(str(d) for d in sorted(durations)))
                   for group, durations in groups.items() if len(durations) > 1]),
        _optional("attachment", _("An information document is attached (if applicable)"),
                  [_name(s) for s in services if not s.attachment_path]),
        _optional("description", _("A description of the service (if applicable)"),
                  _bilingual_gaps(services, "description")),
        _required("instructions", _("Instructions printed on the coupon, in French and "
                                    "English"), _bilingual_gaps(services, "instructions")),
        _optional("no_availability", _("A message shown when there is no availability "
                                       "(if applicable)"),
                  _bilingual_gaps(services, "no_availability")),
        _optional("availability", _("A message shown above the calendar of availability "
                                    "(if applicable)"), _bilingual_gaps(services, "availability")),
        _required("patient_fields", _("The personal information asked matches how "
                                      "appointments are entered"), fields),
        _required("questions", _("Each eligibility question has an eligible answer"),
                  questions),
        Item("public_display", _("The public page shows the duration and the days ahead "
                                 "you chose"), INFO,
             [_("%(name)s: duration %(shown)s, %(days)s days ahead", name=_name(s),
                shown=_("shown") if s.show_duration else _("hidden"), days=s.horizon_days)
              for s in services]),
    ])


def _fields_ok(rules: dict[str, str]) -> bool:
    named = all(rules.get(f) == "required" for f in ("first_name", "last_name"))
    return named and any(rules.get(f, "hidden") != "hidden"
                         for f in ("email", "cell_phone", "phone"))


def _locations_section(locations: list[Location], services: list[Service]) -> Section:
    where = [_("%(name)s: address, postal code or coordinates missing", name=_name(loc))
             for loc in locations
             if not (loc.address.strip() and loc.postal_code and loc.latitude is not None
                     and loc.longitude is not None)]
    offered = [_("%(name)s: no service can be booked here", name=_name(loc))
               for loc in locations
               if not any(associations.teams_for(loc, s) for s in services)]
    return Section("locations", _("Locations"), "config.locations", [
        _required("location_active", _("At least one active location"),
                  [] if locations else [_("No active location.")]),
        _required("coordinates", _("The address and coordinates of each location are "
                                   "entered"), where),
        _optional("location_message", _("A message specific to each location (if "
                                        "applicable)"), _bilingual_gaps(locations, "message")),
        _required("location_services", _("The right services are associated with each "
                                         "location"), offered),
    ])


def _resources_section(locations: list[Location], services: list[Service]) -> Section:
    warnings = associations.warnings()
    today = local_today()
    users = db.session.scalars(select(User).where(User.active.is_(True))).all()
    managers = [u for u in users if u.may_sign_in_on(today)
                and any(r.role == Role.GESTION1.value for r in u.roles_in_effect(today))]
    unscoped = [_("%(name)s: a role limited to their teams, but no team", name=u.full_name)
                for u in users
                if not u.teams and any(r.role_enum in TEAM_SCOPED
                                       for r in u.roles_in_effect(today))]
    roleless = [_("%(name)s: no role in effect", name=u.full_name)
                for u in users if not u.roles_in_effect(today)]
    pilots = pilot_count()
    return Section("resources", _("Resources"), "config.resources", [
        _required("two_teams", _("At least two teams for each location"),
                  [ngettext("%(name)s: %(num)d team", "%(name)s: %(num)d teams", count,
                            name=_name(loc))
                   for loc, count in warnings.short_locations]),
        _required("team_associations", _("Each team is associated with a location and a "
                                         "service"),
                  [_("%(team)s: no location", team=t.name)
                   for t in warnings.teams_without_location]
                  + [_("%(team)s: no service", team=t.name)
                     for t in warnings.teams_without_service]),
        _required("answers_served", _("Every eligible answer is served by a team"),
                  _unserved_answers(services)),
        _required("management", _("At least one staff account manages the schedules "
                                  "(Management #1)"),
                  [] if managers else [_("No active account holds Management #1.")]),
        _required("roles", _("The role of each staff account is adjusted"),
                  unscoped + roleless),
        _optional("pilots", _("Two or three Pilot accounts"),
                  [] if pilots >= 2 else [ngettext("%(num)d Pilot account.",
                                                "%(num)d Pilot accounts.", pilots)]),
    ])


def _unserved_answers(services: list[Service]) -> list[str]:
    teams = associations.active_teams()
    missing = []
    for service in services:
        givers = [t for t in teams if associations.has_service(t, service)
                  and associations.locations_of(t)]
        for question in service.questions:
            for answer in question.answers:
                if answer.eligible and givers and not any(
                        associations.serves_answers(t, service, [answer]) for t in givers):
                    missing.append(_("%(service)s: “%(answer)s” to “%(question)s”",
                                     service=_name(service), answer=localized(answer, "text"),
                                     question=localized(question, "text")))
    return missing


COMMUNICATIONS = (("reminder_1", True), ("reminder_2", True), ("followup_absent", False),
                  ("followup_cancelled", False))


def _communications_section() -> Section:
    labels = {kind: str(label) for kind, label in send_timing.LABELS.items()}
    settings = {c.kind: c for c in db.session.scalars(select(CommunicationSetting))}
    items: list[Item] = []
    for kind, required in COMMUNICATIONS:
        setting = settings.get(kind)
        is_active = setting is not None and setting.active
        label = _("%(communication)s is active", communication=labels[kind])
        if not required:
            label = _("%(communication)s is active (if applicable)", communication=labels[kind])
        items.append((_required if required else _optional)(
            kind, label, [] if is_active else [_("Inactive.")]))
    active = [c for c in settings.values() if c.active]
    items.append(_required("channels", _("Each active communication is sent by SMS or email"),
                           [labels.get(c.kind, c.kind) for c in active
                            if not (c.by_sms or c.by_email)]))
    items.append(_optional("both_channels", _("Patients are reached by both SMS and email "
                                              "(if applicable)"),
                           [labels.get(c.kind, c.kind) for c in active
                            if not (c.by_sms and c.by_email)]))
    # The same judgement as the hint of the Communications tab: a delay is worth a look
    # when it would send at night (guide §2.5), not merely when it is not whole days.
    items.append(_optional("whole_days", _("No delay makes a message leave at night (whole "
                                           "days, 24, 48 hours…, never do)"),
                           [_("%(communication)s: %(hours)s hours", hours=c.hours,
                              communication=labels.get(c.kind, c.kind))
                            for c in active if _sends_at_night(c)]))
    return Section("communications", _("Communications"), "config.communications", items)


def _sends_at_night(setting: CommunicationSetting) -> bool:
    hint = send_timing.timing_hint(setting.kind, setting.hours)
    return hint is not None and hint.level == "warn"


def _public_section(org: Organization) -> Section:
    contact = []
    if not (org.name_fr.strip() and org.name_en.strip()):
        contact.append(_("The planner's name in French and English"))
    if not org.address.strip():
        contact.append(_("The address"))
    if not (org.phone.strip() or org.email.strip()):
        contact.append(_("A phone number or an email address"))
    def gap(text: str) -> list[str]:
        found = _text_gap(org, text)
        return [found[:1].upper() + found[1:] + "."] if found else []

    return Section("public", _("Public page"), "config.public_page", [
        _required("contact", _("The contact details shown on the public page"), contact),
        _required("welcome", _("The welcome message, in French and English"),
                  gap("welcome")),
        _optional("popup", _("A pop-up message (if applicable)"),
                  gap("popup")),
        (_optional if org.online_booking_open else _required)(
            "transitional", _("A transitional message for while online booking is closed"),
            gap("transitional")),
        Item("online_booking", _("Online booking"), INFO,
             [_("Open: citizens can book the open time blocks.") if org.online_booking_open
              else _("Closed: citizens see the transitional message. Open it with the "
                     "padlock in the top bar once everything is ready.")]),
    ])


def build() -> Checklist:
    """The checklist for the current configuration."""
    services = list(db.session.scalars(
        select(Service).where(Service.active.is_(True)).order_by(Service.position)))
    locations = list(db.session.scalars(
        select(Location).where(Location.active.is_(True)).order_by(Location.position)))
    org = db.session.get(Organization, 1)
    sections = [
        _services_section(services),
        _locations_section(locations, services),
        _resources_section(locations, services),
        _communications_section(),
    ]
    if org is not None:
        sections.append(_public_section(org))
    return Checklist(sections)
