"""The booking engine: what the rest of the app may call (APT-2..6, PUB-1..9).

Every caller (staff and public views, commands, jobs, tests) books, holds, moves, cancels
and confirms through the names below; the modules beside this one are its internals:
`engine` (entry points), `checks` (rules before a write), `seats` (the atomic statements
that take and free seats in a slot), `holds` (online holds), `availability` (times with
seats left), `errors`, `patients` (patient fields), `confirmations` (the messages a booking
sends), `search` (where a citizen can book), `citizen` (the public journey's helpers),
`staff_steps` (the staff booking steps), `calendar` (the appointments calendar),
`coupon_qr`.
"""
from __future__ import annotations

from .availability import available_days, find_availability, nearest_alternatives
from .engine import (
    book,
    cancel,
    confirm,
    get_appointment,
    get_service,
    get_slot,
    move,
    normalize_coupon,
    set_capacity,
    update_details,
)
from .errors import (
    AlreadyBooked,
    BookingError,
    CapacityBelowBooked,
    ChangedMeanwhile,
    ConsentMissing,
    DuplicatePerson,
    NotCancellable,
    NotConfirmable,
    NotEligible,
    NotFound,
    NotModifiable,
    OnlineBookingClosed,
    OutsideHorizon,
    OverrideNotAllowed,
    ServiceNotOffered,
    SlotFull,
    SlotLocked,
    SlotPast,
    TeamNotAssociated,
)
from .holds import HOLD_MINUTES, finalize_hold, hold, release_expired_holds
from .patients import PatientDataInvalid

__all__ = [
    "HOLD_MINUTES", "AlreadyBooked", "BookingError", "CapacityBelowBooked", "ChangedMeanwhile",
    "ConsentMissing", "DuplicatePerson", "NotCancellable", "NotConfirmable", "NotEligible",
    "NotFound", "NotModifiable", "OnlineBookingClosed", "OutsideHorizon", "OverrideNotAllowed",
    "PatientDataInvalid", "ServiceNotOffered", "SlotFull", "SlotLocked", "SlotPast",
    "TeamNotAssociated", "available_days", "book", "cancel", "confirm", "finalize_hold",
    "find_availability", "get_appointment", "get_service", "get_slot", "hold", "move",
    "nearest_alternatives", "normalize_coupon", "release_expired_holds", "set_capacity",
    "update_details",
]
