"""Which process runs the scheduled jobs: exactly one, on one server or on several.

SQLite (one server): a file lock under instance/ (`scheduler.lock`), held by one of
gunicorn's workers. PostgreSQL (one server or several sharing the database): a session
advisory lock (`pg_try_advisory_lock`) held by a dedicated connection, so one process among
all the servers runs the jobs. A lock goes with its holder: when that worker dies, is
recycled, or its connection to PostgreSQL drops, another process takes it at its next try
(each request tries again at most every `RETRY_SECONDS`), and a job run by a process that
lost it is skipped (`still_leader`).
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Any, Optional

from flask import Flask

from .dbtx import lock_number
from .extensions import db, scheduler

RETRY_SECONDS = 30
LOCK_NAME = "planner-scheduler"

_mutex = threading.Lock()
_held: Optional[Any] = None  # the lock file, or the PostgreSQL connection holding the lock
_next_try = 0.0


def _file_lock(app: Flask) -> Optional[Any]:
    handle = open(Path(app.instance_path) / "scheduler.lock", "a+", encoding="ascii")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _advisory_lock() -> Optional[Any]:
    """A DBAPI connection of its own (outside the pool) holding the session advisory lock,
    or None when another process holds it."""
    engine = db.engine
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    connection = engine.dialect.connect(*cargs, **cparams)
    try:
        connection.autocommit = True
        cursor = connection.cursor()
        cursor.execute("SELECT pg_try_advisory_lock(%s)", (lock_number(LOCK_NAME),))
        row = cursor.fetchone()
        cursor.close()
    except Exception:
        connection.close()
        raise
    if not (row and row[0]):
        connection.close()
        return None
    return connection


def _take(app: Flask) -> bool:
    global _held
    if _held is None:
        _held = _advisory_lock() if db.engine.dialect.name == "postgresql" else _file_lock(app)
    return _held is not None


def still_leader(app: Flask) -> bool:
    """Whether this process still holds the lock (a job runs only then). PostgreSQL: the
    lock lives as long as its connection; a dropped one is taken again if nobody else did."""
    global _held
    with _mutex:
        if _held is None or db.engine.dialect.name != "postgresql":
            return _held is not None
        try:
            cursor = _held.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            return True
        except Exception:
            try:
                _held.close()
            except Exception:
                pass
            _held = None
            app.logger.warning("scheduler lock lost in process %s; taking it again", os.getpid())
        try:
            return _take(app)
        except Exception:
            return False


def start_scheduler(app: Flask) -> None:
    """Start the in-process jobs in the one process holding the lock."""
    from .jobs import install_jobs

    global _next_try
    with _mutex:
        if scheduler.running or time.monotonic() < _next_try:
            return
        _next_try = time.monotonic() + RETRY_SECONDS
        try:
            if not _take(app):
                return
        except Exception:  # the database is unreachable now: the next request tries again
            app.logger.exception("could not take the scheduler lock")
            return
        install_jobs(app)
        scheduler.start()
        app.logger.info("scheduler started in process %s", os.getpid())
