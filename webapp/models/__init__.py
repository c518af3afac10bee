"""The data model of the planner (see the glossary of the specification)."""
from __future__ import annotations

from .accounts import RoleAssignment, SignInThrottle, StaffSession, User
from .audit import AuditLog
from .booking import ACTIVE_STATUSES, UPCOMING_STATUSES, Appointment, Attendance, Patient, Status
from .messaging import Message, SmsOptOut
from .organization import (
    FIELD_RULES,
    PATIENT_FIELDS,
    CommunicationSetting,
    EligibilityAnswer,
    EligibilityQuestion,
    Location,
    Organization,
    Service,
    Team,
    team_answer,
    team_location,
    team_service,
    user_team,
)
from .schedule import ScheduleBlock, Slot, block_service
from .statistics import (
    StatsCapacity,
    StatsDay,
    StatsDirty,
    StatsHour,
    StatsLead,
    StatsRollupState,
)
from .types import UTCDateTime, utcnow

__all__ = [
    "ACTIVE_STATUSES", "UPCOMING_STATUSES",
    "Appointment", "Attendance", "AuditLog", "CommunicationSetting", "EligibilityAnswer",
    "EligibilityQuestion", "FIELD_RULES", "Location", "Message", "Organization",
    "PATIENT_FIELDS", "Patient", "RoleAssignment", "ScheduleBlock", "Service", "SignInThrottle",
    "Slot", "SmsOptOut", "StaffSession", "StatsCapacity", "StatsDay", "StatsDirty",
    "StatsHour", "StatsLead", "StatsRollupState",
    "Status", "Team", "UTCDateTime", "User", "block_service", "team_answer", "team_location",
    "team_service", "user_team", "utcnow",
]
