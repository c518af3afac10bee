"""One booking as it is asked for: built once by the caller, passed down every layer.

The caller (a view, a command, a test) says what is booked, for whom, by whom and how the
patient is told. `checks` returns the same request cleaned: `patient` validated into a
`PatientData` (with the comment), `eligibility` as {question id: answer id}, `language`
one of the planner's, `override_reason` and `early_reason` trimmed. The write (`seats`) and the messages
(`confirmations`) read only a cleaned request.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from typing import Any, Optional

from ..models import Service, Slot, User
from .patients import PatientData


@dataclass(frozen=True)
class BookingRequest:
    # what is booked
    slot: Slot
    service: Service
    # for whom: the form's values (validated per the service's field rules) or clean data
    patient: Mapping[str, Any] | PatientData = field(default_factory=dict)
    _: KW_ONLY
    eligibility: Optional[Mapping[Any, Any]] = None
    comment: Optional[str] = None
    consent_at: Optional[datetime] = None
    # by whom: a staff account, or nobody (a citizen, a job); only staff, not online, may
    # book the same person twice, with a reason
    by_user: Optional[User] = None
    online: bool = False
    # online: the keyed hash of the citizen's address (`limits.client_key`), for the caps
    client: Optional[str] = None
    override_reason: Optional[str] = None
    # staff only: why a next dose is booked before the service's minimum interval
    early_reason: Optional[str] = None
    # how the patient is told
    send_email: bool = False
    send_sms: bool = False
    language: Optional[str] = None

    @property
    def user_id(self) -> Optional[int]:
        return self.by_user.id if self.by_user is not None else None

    @property
    def details(self) -> PatientData:
        """The clean patient details (a request returned by `checks`)."""
        if not isinstance(self.patient, PatientData):
            raise TypeError("this booking request was not checked")
        return self.patient
