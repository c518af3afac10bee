"""Operating a planner: backups and restores, retention of personal data."""
from __future__ import annotations

from .backup import BackupError, backup, default_backup_path, restore
from .retention import (
    MAX_DAYS,
    MIN_DAYS,
    NextRun,
    RetentionError,
    anonymize_expired,
    erase_person,
    export_person,
    find_people,
    held_on,
    next_run,
    preview,
    set_retention_days,
)

__all__ = ["MAX_DAYS", "MIN_DAYS", "BackupError", "NextRun", "RetentionError",
           "anonymize_expired", "backup", "default_backup_path", "erase_person",
           "export_person", "find_people", "held_on", "next_run", "preview", "restore",
           "set_retention_days"]
