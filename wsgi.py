"""Entry point: `flask --app wsgi run`, `gunicorn wsgi:app`."""
from __future__ import annotations

import logging

from webapp import create_app

app = create_app()

# Under gunicorn the planner's own messages go to gunicorn's log, at its level.
_gunicorn = logging.getLogger("gunicorn.error")
if _gunicorn.handlers:
    app.logger.handlers = _gunicorn.handlers
    app.logger.setLevel(_gunicorn.level)
