"""What the booking engine refuses, each with a message for the person in front of it.

Every error carries `message` (translated lazily, so `str(error.message)` speaks the
language of the request or of the forced locale) and changes nothing in the database.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Optional

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..formatting import date_text

if TYPE_CHECKING:
    from ..models import Appointment, Slot


class BookingError(Exception):
    """Base class: the booking, move, hold or cancellation was refused; nothing changed."""

    default = _l("This appointment cannot be saved. Nothing was changed.")

    def __init__(self, message: Any = None) -> None:
        self.message = message if message is not None else self.default
        super().__init__(str(self.message))


class NotFound(BookingError):
    default = _l("This time, service or appointment does not exist or is no longer offered.")


class SlotFull(BookingError):
    """The last place was taken; `alternatives` are the nearest other times with places."""

    default = _l("Sorry, the last place at this time was just taken by someone else. "
                 "Please choose one of the nearest other times.")

    def __init__(self, alternatives: Optional[list[Slot]] = None, message: Any = None) -> None:
        super().__init__(message)
        self.alternatives = alternatives or []


class SlotPast(BookingError):
    default = _l("This time has already passed. Please choose another time.")


class SlotLocked(BookingError):
    default = _l("This time is not open for online booking. Please choose another time.")


class OnlineBookingClosed(BookingError):
    default = _l("Online booking is closed for now. Please come back later.")


class TooManyHolds(BookingError):
    """One internet address already holds its share of places (issue 13)."""

    default = _l("Several times are already being held from this internet connection. Finish "
                 "one of those bookings, or wait a few minutes, then choose again.")


class TooManyBookings(BookingError):
    """One address or one person booked their share online in 24 hours (issue 13)."""

    default = _l("The number of appointments that can be booked online from this connection, "
                 "or for this person, in one day has been reached. To book another one, "
                 "please call the pharmacy.")


class OutsideHorizon(BookingError):
    default = _l("This date is too far ahead for online booking. Please choose an earlier date.")


class ServiceNotOffered(BookingError):
    default = _l("This service is not offered at this time. Please choose another time.")


class TeamNotAssociated(BookingError):
    default = _l("The team of this time does not give this service at this location. "
                 "Please choose another time.")


class NotEligible(BookingError):
    default = _l("According to your answers, you are not eligible for this service.")


class ConsentMissing(BookingError):
    default = _l("Please accept the terms of use and the privacy policy.")


class DuplicatePerson(BookingError):
    """The same person already holds an upcoming appointment for this service."""

    default = _l("This person already has an upcoming appointment for this service.")

    def __init__(self, existing: Appointment) -> None:
        super().__init__()
        self.existing = existing


class TooEarly(BookingError):
    """A next dose before the service's minimum interval after the previous dose: staff may
    book it with a reason (recorded); online, never."""

    def __init__(self, previous: Appointment, earliest: date, days: int, *,
                 online: bool = False) -> None:
        values = dict(days=days, previous=date_text(previous.starts_at),
                      earliest=date_text(earliest))
        super().__init__(_l(
            "Too early for this dose: at least %(days)d days must pass after the previous "
            "dose (%(previous)s). Please choose a date from %(earliest)s.", **values)
            if online else _l(
            "Too early for this dose: at least %(days)d days must pass after the previous "
            "dose (%(previous)s), so from %(earliest)s. Give a reason to book it anyway.",
            **values))
        self.previous = previous
        self.earliest = earliest


class OverrideNotAllowed(BookingError):
    default = _l("Only staff may book a second appointment for the same person, with a reason.")


class NotModifiable(BookingError):
    default = _l("Only an upcoming appointment can change its time, service or location.")


class NotCancellable(BookingError):
    default = _l("This appointment has already taken place and can no longer be cancelled online.")


class NotConfirmable(BookingError):
    default = _l("This appointment was cancelled and cannot be confirmed.")


class AlreadyBooked(BookingError):
    """The hold was already turned into an appointment (a form sent twice)."""

    default = _l("This appointment is already booked.")

    def __init__(self, appointment: Appointment) -> None:
        super().__init__()
        self.appointment = appointment


class ChangedMeanwhile(BookingError):
    default = _l("This appointment was changed by someone else meanwhile. "
                 "Reload it and try again.")


class CapacityBelowBooked(BookingError):
    def __init__(self, booked: int) -> None:
        super().__init__(ngettext(
            "The number of appointments per slot cannot be lower than the %(num)d already "
            "booked.", "The number of appointments per slot cannot be lower than the %(num)d "
            "already booked.", booked))
        self.booked = booked
