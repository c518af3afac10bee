"""The organization a pharmacy configures: its one planner record, services, questions,
locations, teams, staff accounts and their rules (CFG-1..9, ACC-2..5).

Modules: `associations` (where a team may be booked), `teams`, `staff`, `checklist`,
`configuration` (order, dose groups, postal codes), `changes` (audit before → after),
`uploads` (files judged by their first bytes).
"""
from __future__ import annotations

from ..extensions import db
from ..messaging.timing import KINDS as COMMUNICATION_KINDS
from ..models import CommunicationSetting, Organization


def ensure_organization() -> Organization:
    org = db.session.get(Organization, 1)
    if org is None:
        org = Organization(id=1, name_fr="Planificateur de rendez-vous",
                           name_en="Appointment planner")
        db.session.add(org)
        for kind in COMMUNICATION_KINDS:
            db.session.add(CommunicationSetting(kind=kind))
    return org
