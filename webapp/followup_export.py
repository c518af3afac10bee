"""The follow-up list as an Excel workbook (FUP-6): the whole filtered list, written row by
row by openpyxl's write-only workbook into a temporary file, so memory stays flat."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any, Optional

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy.orm import joinedload

from .extensions import db
from .followup import FollowupQuery, filtered, message_counts
from .formatting import hhmm, localized
from .models import Appointment
from .timeutil import planner_zone

CHUNK = 1000
HEADERS = (_l("Date"), _l("Time"), _l("Confirmation number"), _l("Last name"),
           _l("First name"), _l("Birth date"), _l("Health insurance number"), _l("Phone"),
           _l("Cell phone"), _l("Email"), _l("Service"), _l("Location"), _l("Team"),
           _l("Status"), _l("Attendance"), _l("Reminders sent"), _l("Follow-ups sent"),
           _l("Comment"))
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(query: FollowupQuery, location_scope: Optional[int],
          team_scope: Optional[set[int]]) -> Iterator[list[Appointment]]:
    stmt = (filtered(query, location_scope, team_scope)
            .options(joinedload(Appointment.patient), joinedload(Appointment.service),
                     joinedload(Appointment.location), joinedload(Appointment.team))
            .order_by(Appointment.starts_at, Appointment.id)
            .execution_options(yield_per=CHUNK))
    for chunk in db.session.scalars(stmt).partitions(CHUNK):
        yield list(chunk)


def write(query: FollowupQuery, location_scope: Optional[int], team_scope: Optional[set[int]],
          labels: dict[str, Any]) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (rewound) and its number of rows. `labels` turns a
    status or an attendance into words in the user's language."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_l("Appointments")))
    sheet.append([str(h) for h in HEADERS])
    zone, count = planner_zone(), 0
    for chunk in _rows(query, location_scope, team_scope):
        for appointment, (reminders, followups) in zip(chunk, message_counts(chunk),
                                                       strict=True):
            sheet.append(_line(sheet, appointment, reminders, followups, zone, labels))
            count += 1
        for appointment in chunk:  # keep memory flat: the rows written are not needed again
            db.session.expunge(appointment.patient)
            db.session.expunge(appointment)
    output = tempfile.TemporaryFile()
    book.save(output)
    output.seek(0)
    return output, count


def _line(sheet: Any, a: Appointment, reminders: int, followups: int, zone: Any,
          labels: dict[str, Any]) -> list[Any]:
    local: datetime = a.starts_at.astimezone(zone).replace(tzinfo=None)
    day = WriteOnlyCell(sheet, local)
    day.number_format = "yyyy-mm-dd hh:mm"
    p = a.patient
    birth = WriteOnlyCell(sheet, p.birth_date)
    birth.number_format = "yyyy-mm-dd"
    values = [day, hhmm(a.starts_at), a.coupon, p.last_name, p.first_name, birth,
              p.health_insurance_number, p.phone, p.cell_phone, p.email,
              localized(a.service, "name"), localized(a.location, "name"), a.team.name,
              str(labels.get(a.status, a.status)), str(labels.get(a.attendance, a.attendance)),
              reminders, followups, a.comment]
    return [safe(v) for v in values]
