"""The six roles of the planner and what each may do."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    PILOTE = "pilote"
    GESTION1 = "gestion1"
    GESTION2 = "gestion2"
    GESTION3 = "gestion3"
    CONSULTATION1 = "consultation1"
    CONSULTATION2 = "consultation2"


ROLE_LABELS = {
    Role.PILOTE: _l("Pilot"),
    Role.GESTION1: _l("Management #1"),
    Role.GESTION2: _l("Management #2"),
    Role.GESTION3: _l("Management #3"),
    Role.CONSULTATION1: _l("Consultation #1"),
    Role.CONSULTATION2: _l("Consultation #2"),
}

ROLE_DESCRIPTIONS = {
    Role.PILOTE: _l("Configures the planner and sees the statistics."),
    Role.GESTION1: _l("Manages all schedules and all appointments."),
    Role.GESTION2: _l("Books and manages appointments; reads the schedules."),
    Role.GESTION3: _l("Manages only the schedules and appointments of their own teams."),
    Role.CONSULTATION1: _l("Reads all schedules and appointments."),
    Role.CONSULTATION2: _l("Reads only their own team's schedules and appointments."),
}


class Perm(StrEnum):
    """Permissions checked by views; a role grants a set of them."""

    CONFIGURE = "configure"
    STATISTICS = "statistics"
    ONLINE_SWITCH = "online_switch"
    SCHEDULES_VIEW = "schedules_view"
    SCHEDULES_EDIT = "schedules_edit"
    APPOINTMENTS_VIEW = "appointments_view"
    APPOINTMENTS_BOOK = "appointments_book"
    FOLLOWUP_VIEW = "followup_view"
    FOLLOWUP_EDIT = "followup_edit"
    MESSAGES_VIEW = "messages_view"  # what was sent to patients, send a failed one again


_READ = {Perm.SCHEDULES_VIEW, Perm.APPOINTMENTS_VIEW, Perm.FOLLOWUP_VIEW}
_MANAGE = _READ | {Perm.APPOINTMENTS_BOOK, Perm.FOLLOWUP_EDIT, Perm.MESSAGES_VIEW}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.PILOTE: frozenset({Perm.CONFIGURE, Perm.STATISTICS, Perm.ONLINE_SWITCH,
                            Perm.MESSAGES_VIEW}),
    Role.GESTION1: frozenset(_MANAGE | {Perm.SCHEDULES_EDIT}),
    Role.GESTION2: frozenset(_MANAGE),
    Role.GESTION3: frozenset(_MANAGE | {Perm.SCHEDULES_EDIT}),
    Role.CONSULTATION1: frozenset(_READ),
    Role.CONSULTATION2: frozenset(_READ),
}

# Roles that see only the schedules and appointments of the account's own teams.
TEAM_SCOPED = frozenset({Role.GESTION3, Role.CONSULTATION2})

MAX_PILOTS = 3
DEFAULT_ROLE = Role.CONSULTATION2
