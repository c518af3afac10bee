"""Backups and restores of the database and the uploaded documents, in one .tar.gz.

SQLite is copied through its online backup API (one consistent snapshot, safe while the
planner serves: every booking committed before the copy began is in it); PostgreSQL
through pg_dump / pg_restore (custom format, one snapshot as well).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..extensions import db

MANIFEST = "manifest.json"
SQLITE_FILE = "planner.sqlite3"
POSTGRES_FILE = "planner.pgdump"
UPLOADS = "uploads"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def default_backup_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"planner-{stamp}.tar.gz"


def backup(destination: Path) -> Path:
    """Write the database and the uploads to `destination` (a .tar.gz); return its path."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    url = db.engine.url
    with tempfile.TemporaryDirectory(prefix="planner-backup-") as folder:
        work = Path(folder)
        if url.get_backend_name() == "sqlite":
            dump = work / SQLITE_FILE
            _sqlite_copy(_sqlite_path(url), dump)
        elif url.get_backend_name() == "postgresql":
            dump = work / POSTGRES_FILE
            _postgres("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges",
                      f"--file={dump}")
        else:
            raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
        manifest = {"format": 1, "database": url.get_backend_name(), "file": dump.name,
                    "created": datetime.now(UTC).isoformat(),
                    "version": current_app.config["VERSION"]}
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            uploads = Path(current_app.config["UPLOAD_FOLDER"])
            if uploads.is_dir():
                archive.add(uploads, arcname=UPLOADS)
        os.chmod(partial, 0o600)  # patients' personal data
        os.replace(partial, destination)  # a backup file is whole or absent
    return destination


def restore(source: Path, force: bool = False) -> dict[str, Any]:
    """Put back the database and the uploads of a backup; return its manifest.

    Refuses a database that already holds a planner unless `force`."""
    url = db.engine.url
    try:
        archive = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{source} is not a planner backup ({error}).") from error
    with archive, tempfile.TemporaryDirectory(prefix="planner-restore-") as folder:
        work = Path(folder)
        try:
            archive.extractall(work, filter="data")
            manifest = json.loads((work / MANIFEST).read_text())
        except (OSError, ValueError, tarfile.TarError) as error:
            raise BackupError(f"{source} is not a planner backup ({error}).") from error
        if manifest.get("database") != url.get_backend_name():
            raise BackupError(
                f"This backup holds a {manifest.get('database')} database; the planner is set "
                f"up on {url.get_backend_name()} (DATABASE_URL).")
        if not force and _holds_data():
            raise BackupError("The database already holds a planner. Restore into an empty "
                              "database, or pass --force to replace it.")
        db.session.remove()
        db.engine.dispose()
        dump = work / str(manifest["file"])
        if manifest["database"] == "sqlite":
            _sqlite_copy(dump, _sqlite_path(url))
        else:
            _postgres("pg_restore", url, "--clean", "--if-exists", "--no-owner",
                      "--no-privileges", "--single-transaction", str(dump))
        if (work / UPLOADS).is_dir():
            shutil.copytree(work / UPLOADS, current_app.config["UPLOAD_FOLDER"],
                            dirs_exist_ok=True)
    db.engine.dispose()
    return dict(manifest)


def _holds_data() -> bool:
    inspector = sa.inspect(db.engine)
    if not inspector.has_table("user"):
        return False
    return bool(db.session.execute(sa.text('SELECT 1 FROM "user" LIMIT 1')).first())


def _sqlite_path(url: sa.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is nothing to back up.")
    return url.database


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """One consistent copy through SQLite's backup API (readers and writers go on)."""
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target, timeout=30)
    try:
        with copy:
            origin.backup(copy)
    finally:
        copy.close()
        origin.close()


def _postgres(command: str, url: sa.URL, *args: str) -> None:
    # The password goes through the environment, never on a command line others can read.
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    if shutil.which(command) is None:
        raise BackupError(f"{command} is not installed (Debian package postgresql-client).")
    done = subprocess.run([command, f"--dbname={target}", *args], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command} failed: {done.stderr.strip()}")


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(content))
