"""One blueprint per feature; registered here."""
from __future__ import annotations

from flask import Flask


def register_all(app: Flask) -> None:
    from .account.views import bp as account
    from .appointments.views import bp as appointments
    from .auth.views import bp as auth
    from .config.views import bp as config
    from .core.views import bp as core
    from .followup.views import bp as followup
    from .public.views import bp as public
    from .schedules.views import bp as schedules
    from .stats.views import bp as stats

    for blueprint in (core, public, auth, account, followup, appointments, schedules, config,
                      stats):
        app.register_blueprint(blueprint)
