"""`./run.sh` serves the planner with gunicorn, and the scheduler runs once per server."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FLASK_DEBUG"}}
    env.update(SECRET_KEY="run-sh-test", INSTANCE_PATH=str(tmp_path / "instance"),
               PORT=str(port), WEB_CONCURRENCY="3")
    with open(log, "w") as out:
        server = subprocess.Popen(["./run.sh"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("run.sh did not answer /healthz:\n" + log.read_text())
        yield base, log, tmp_path / "instance"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_run_sh_serves_with_gunicorn_and_runs_the_jobs_once(
        served: tuple[str, Path, Path]) -> None:
    base, log, instance = served
    # Requests reach every worker; each tries to start the scheduler.
    for _ in range(60):
        assert get(base + "/healthz")[0] == 200
    status, body = get(base + "/")
    assert status == 200
    time.sleep(1)
    text = log.read_text()
    assert "gunicorn" in text.lower() and "development server" not in text
    workers = set(re.findall(r"Booting worker with pid: (\d+)", text))
    assert len(workers) == 3
    started = re.findall(r"scheduler started in process (\d+)", text)
    assert len(started) == 1, text
    assert started[0] in workers
    assert (instance / "scheduler.lock").read_text().strip() == started[0]
    assert "Demo planner created" in text  # empty first start: demo data, as before
