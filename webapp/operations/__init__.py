"""Operating a planner: backups and restores, retention of personal data."""
from __future__ import annotations

from .backup import BackupError, backup, default_backup_path, restore
from .retention import (
    RetentionError,
    anonymize_expired,
    erase_person,
    export_person,
    set_retention_days,
)

__all__ = ["BackupError", "RetentionError", "anonymize_expired", "backup", "default_backup_path",
           "erase_person", "export_person", "restore", "set_retention_days"]
