"""One blueprint per feature; registered here."""
from __future__ import annotations

from flask import Flask


def register_all(app: Flask) -> None:
    from .account import bp as account
    from .appointments import bp as appointments
    from .auth import bp as auth
    from .config import bp as config
    from .core import bp as core
    from .followup import bp as followup
    from .messages import bp as messages
    from .public import bp as public
    from .schedules import bp as schedules
    from .stats import bp as stats

    for blueprint in (core, public, auth, account, followup, appointments, schedules, config,
                      stats, messages):
        app.register_blueprint(blueprint)
