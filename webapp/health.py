"""What /healthz checks: the database accepts a write, and the disk has room (issue 13).

Reading is not enough: a read-only file or a full disk still answers SELECT 1 while every
booking fails."""
from __future__ import annotations

import shutil
from typing import Optional

from flask import current_app
from sqlalchemy import update

from .extensions import db
from .models import Organization

MIN_FREE_MB = 200


def problem() -> Optional[str]:
    """None when healthy, else a short reason in English (for monitoring, not for people)."""
    try:
        # A write that changes nothing, rolled back: it needs the database's write lock and
        # a writable file, as a booking does.
        db.session.execute(update(Organization).where(Organization.id == 1)
                           .values(id=Organization.id))
        db.session.flush()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        db.session.rollback()
        return f"database does not accept writes: {type(error).__name__}"
    finally:
        db.session.rollback()
    free_mb = shutil.disk_usage(current_app.instance_path).free // (1024 * 1024)
    minimum = int(current_app.config.get("HEALTH_MIN_FREE_MB", MIN_FREE_MB))
    if free_mb < minimum:
        return f"disk space low: {free_mb} MB free (minimum {minimum} MB)"
    return None
