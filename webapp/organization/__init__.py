"""The organization a pharmacy configures: its one planner record, services, questions,
locations, communications, public page, teams, staff accounts and their rules (CFG-1..9,
ACC-2..5).

One module per configured resource validates, saves and audits it: `services`,
`questions`, `locations`, `communications`, `public_page`, `teams`, `staff`. A change a
rule refuses raises `Refused` (or a subclass) with nothing changed; the caller commits what
was accepted. Beside them: `changes` (what the audit log keeps of a change), `ordering`
(the order of lists), `associations` (where a team may be booked), `checklist`, `uploads`
(files judged by their first bytes).
"""
from __future__ import annotations

from typing import Optional

from flask import g, has_app_context

from ..extensions import db
from ..messaging.timing import KINDS as COMMUNICATION_KINDS
from ..models import CommunicationSetting, Organization


class Refused(ValueError):
    """A change a configuration rule refuses; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def current() -> Optional[Organization]:
    """The planner's record, read once per request: the session keeps objects by weak
    reference, so without this each `db.session.get` of a page (time zone, online switch,
    layout) would read it again."""
    if not has_app_context():
        return db.session.get(Organization, 1)
    org: Optional[Organization] = g.get("_organization")
    if org is None or org not in db.session:
        org = db.session.get(Organization, 1)
        g._organization = org
    return org


def ensure_organization() -> Organization:
    org = db.session.get(Organization, 1)
    if org is None:
        org = Organization(id=1, name_fr="Planificateur de rendez-vous",
                           name_en="Appointment planner")
        db.session.add(org)
        for kind in COMMUNICATION_KINDS:
            db.session.add(CommunicationSetting(kind=kind))
    return org
