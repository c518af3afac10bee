"""The booking engine: what the rest of the app may call (APT-2..6, PUB-1..9).

Every caller (staff and public views, commands, jobs, tests) books, holds, moves, cancels
and confirms through the names below, describing a booking once as a `BookingRequest`
(what is booked, for whom, by whom, how the patient is told).

One booking reads top-down through the modules beside this one, and no layer calls back
up: `engine` / `holds` (entry points) -> `checks` (the rules, no writes; with `patients`,
the patient fields, and `availability`, the times with seats left) -> `confirmations` (the
messages, drafted before the write) -> `seats` (the atomic write: seats taken and freed by
conditional UPDATEs, rows inserted, messages queued through `messaging`). `request`,
`codes` and `errors` are the values they pass. Those internals are not imported from
outside this package; the views' helpers are: `search` (where a citizen can book),
`citizen` (the public journey), `staff_steps` (the staff booking steps), `calendar` (the
appointments calendar), `patients` (field checks for forms), `coupon_qr`.
"""
from __future__ import annotations

from .availability import (
    available_days,
    available_times,
    find_availability,
    nearest_alternatives,
)
from .codes import COUPON_ALPHABET, normalize_coupon
from .engine import (
    book,
    cancel,
    confirm,
    get_appointment,
    get_service,
    get_slot,
    move,
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
    TooEarly,
    TooManyBookings,
    TooManyHolds,
)
from .holds import HOLD_MINUTES, finalize_hold, hold, release_expired_holds, release_hold
from .limits import BusyAddress, busy_addresses, client_key
from .patients import PatientDataInvalid
from .request import BookingRequest
from .seats import set_capacity

__all__ = [
    "COUPON_ALPHABET", "HOLD_MINUTES", "AlreadyBooked", "BookingError", "BookingRequest",
    "CapacityBelowBooked", "ChangedMeanwhile", "ConsentMissing", "DuplicatePerson",
    "NotCancellable", "NotConfirmable", "NotEligible", "NotFound", "NotModifiable",
    "OnlineBookingClosed", "OutsideHorizon", "OverrideNotAllowed", "PatientDataInvalid",
    "ServiceNotOffered", "SlotFull", "SlotLocked", "SlotPast", "TeamNotAssociated",
    "TooEarly", "TooManyBookings", "TooManyHolds", "BusyAddress", "available_days",
    "available_times", "busy_addresses", "client_key", "book", "cancel", "confirm",
    "finalize_hold", "find_availability",
    "get_appointment", "get_service", "get_slot", "hold", "move", "nearest_alternatives",
    "normalize_coupon", "release_expired_holds", "release_hold", "set_capacity",
    "update_details",
]
