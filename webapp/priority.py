"""The scheduled jobs' threads run at a lower CPU priority than the threads serving pages.

Linux gives each thread its own nice value (`setpriority` on a thread id): when the CPUs are
busy, a page served by any worker goes first and the job (sending the outbox, planning
reminders) waits a few milliseconds; when they are idle, the job runs at full speed. Measured
by bench/messages_served.py. Elsewhere (no per-thread nice value, or not allowed) the jobs
run at the usual priority.
"""
from __future__ import annotations

import os
import threading
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor

JOB_NICENESS = 10


def lower_this_thread() -> None:
    """Lower the calling thread's priority to JOB_NICENESS (once: without privileges it
    cannot be raised back, so call it only from a thread that runs nothing but jobs)."""
    if not hasattr(os, "setpriority"):
        return
    thread = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, thread) < JOB_NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread, JOB_NICENESS)
    except OSError:
        pass


def job_executors() -> dict[str, Any]:
    """APScheduler's executors: a thread pool whose threads lower their priority as they
    start."""
    return {"default": ThreadPoolExecutor(pool_kwargs={"initializer": lower_this_thread})}
