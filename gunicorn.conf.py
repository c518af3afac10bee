"""gunicorn settings for `./run.sh` and production (gunicorn reads this file from the
working directory). Environment: PORT, BIND, WEB_CONCURRENCY (workers), GUNICORN_CMD_ARGS."""
from __future__ import annotations

import os

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '5000')}"
# A small pharmacy's server: a few workers, each with threads for slow phones. In a rush
# most threads wait at the admission gate (webapp/admission.py), which costs nothing (each
# sleeps until the request before it hands over its turn). A worker whose threads are all
# taken leaves new connections queued, staff pages included, so each worker keeps more
# threads than the gate lets wait (ADMISSION_ACTIVE 2 + ADMISSION_QUEUE 16 newcomers +
# citizens already inside), and the pharmacy's own pages find a thread at once.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
timeout = 60
graceful_timeout = 20
# Recycle workers now and then (memory); the scheduler lock passes to another worker.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# Never preload: each worker opens its own database connections and scheduler lock.
preload_app = False
forwarded_allow_ips = "127.0.0.1,::1"
# No control socket (gunicornc, gunicorn >= 25): unused here, and its default path
# (~/.gunicorn/gunicorn.ctl) is one per user, so two planners on one machine (or the tests'
# two servers) would take it from each other. systemd restarts and reloads the service.
control_socket_disable = True
