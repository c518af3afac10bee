"""The appointment planner: application factory."""
from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Optional

from flask import Flask

from . import config as settings

try:
    __version__ = version("planner")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Optional[dict[str, Any]] = None) -> Flask:
    """Create and configure the planner."""
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_mapping(settings.from_environment(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config["VERSION"] = __version__
    if test_config:
        app.config.from_mapping(test_config)
    settings.check(app.config, debug=app.debug or os.environ.get("FLASK_DEBUG") == "1")
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)

    from . import catalogs, static_files, web
    from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    catalogs.install(app, babel)
    login_manager.init_app(app)
    web.init_app(app)
    static_files.init_app(app)

    from werkzeug.routing import IntegerConverter

    from .params import MAX_ID

    class BoundedInt(IntegerConverter):
        """An id in a URL beyond what the databases hold is simply not found (404, never a
        500 from an integer overflow)."""

        def __init__(self, map: object, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("max", MAX_ID)
            super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]

    app.url_map.converters["int"] = BoundedInt

    from .blueprints import register_all
    from .cli import register_cli

    register_all(app)
    register_cli(app)
    from . import admission

    admission.init_app(app)  # last: its gate runs before every other request hook
    return app
