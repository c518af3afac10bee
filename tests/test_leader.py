"""One process runs the scheduled jobs: a file lock on SQLite, a PostgreSQL advisory lock
(on a connection of its own) across every server sharing the database."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from webapp import leader
from webapp.extensions import db

from .conftest import make_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_lock() -> Iterator[None]:
    """This test process holds no scheduler lock before or after."""
    leader._held = None
    yield
    if leader._held is not None:
        leader._held.close()
        leader._held = None


def other_process_takes(database: str, instance: Path) -> bool:
    """Whether another process (another worker, or another server) gets the lock now."""
    code = textwrap.dedent(f"""
        from tests.conftest import make_app
        from webapp import leader
        from pathlib import Path
        app = make_app(Path({str(instance)!r}), SQLALCHEMY_DATABASE_URI={database!r})
        app.instance_path = {str(instance)!r}
        with app.app_context():
            print(leader._take(app))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip().endswith("True")


def test_sqlite_one_worker_holds_the_file_lock(tmp_path: Path, fresh_lock: None) -> None:
    app = make_app(tmp_path)
    app.instance_path = str(tmp_path)
    with app.app_context():
        assert leader._take(app) and leader.still_leader(app)
        assert (tmp_path / "scheduler.lock").read_text().strip().isdigit()
        database = str(db.engine.url)
    assert not other_process_takes(database, tmp_path)


@pytest.mark.postgres
def test_postgres_one_process_of_all_servers_holds_the_advisory_lock(
        tmp_path: Path, postgres_url: str, fresh_lock: None) -> None:
    app: Flask = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_url)
    elsewhere = tmp_path / "other-server"  # another instance folder: no shared file
    elsewhere.mkdir()
    with app.app_context():
        assert leader._take(app)
        assert not other_process_takes(postgres_url, elsewhere)
        assert leader.still_leader(app)
        # Its connection dropped (database restarted, network cut): the lock is gone, and
        # another process may take it; this one takes it back only if nobody did.
        held: Any = leader._held
        held.close()
        assert leader.still_leader(app)  # nobody else took it: taken again
        assert leader._held is not held
        leader._held.close()
        leader._held = None
        assert other_process_takes(postgres_url, elsewhere)  # the lock is free again
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(not hasattr(__import__("os"), "setpriority"), reason="no per-thread nice")
def test_jobs_run_at_a_lower_cpu_priority_than_pages() -> None:
    """The scheduler's threads are niced (pages in every worker go first); the thread that
    starts the scheduler, like a page's, keeps its priority."""
    import os
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    from webapp.priority import JOB_NICENESS, job_executors

    seen: list[int] = []
    done = threading.Event()

    def job() -> None:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        done.set()

    # A scheduler of its own, with the planner's executor settings.
    own = BackgroundScheduler(timezone="UTC", executors=job_executors())
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    own.start()
    try:
        own.add_job(job)
        assert done.wait(10)
    finally:
        own.shutdown()
    assert seen == [max(JOB_NICENESS, mine)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
