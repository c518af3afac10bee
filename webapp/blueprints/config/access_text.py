"""The access log's details in words: what a list or an export showed (its filters and how
many lines), or whom a search looked for; the patient read is in its own column."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ...extensions import db
from ...models import User
from .audit_text import detail_lines

PATIENT_COLUMN = frozenset({"patient", "patients", "appointment"})


def access_lines(details: dict[str, Any]) -> list[str]:
    """One line per filter or count of an access entry."""
    lines: list[str] = []
    for key, value in details.items():
        if key in PATIENT_COLUMN or value in (None, "", [], {}, False) or (
                key == "page" and value == 1):
            continue
        if key in ("rows", "count") and isinstance(value, int):
            lines.append(ngettext("%(num)d line listed", "%(num)d lines listed", value))
        elif key == "filters" and isinstance(value, dict):
            lines += access_lines(value)
        elif key == "patient_search":
            lines.append(_("Looked for a patient"))
        elif key == "staff" and isinstance(value, int):
            user = db.session.get(User, value)
            lines.append(_("%(field)s: %(value)s", field=_("Staff member"),
                           value=user.full_name if user else "—"))
        else:  # fields named as the audit log names them (audit_text.FIELDS)
            lines += detail_lines({key: value})
    return lines
