"""Operating a planner: backups and restores, retention of personal data."""
from __future__ import annotations

from .backup import BackupError, backup, default_backup_path, restore

__all__ = ["BackupError", "backup", "default_backup_path", "restore"]
