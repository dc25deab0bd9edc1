"""The teaching REST API: a Flask app factory with one blueprint per resource (flaskr style).

Each call of :func:`create_app` builds an independent app: its own config, its own database object and
its own cached OpenAPI document, so two apps in one test run share nothing. Nothing touches the disk
until the first request that needs the database (or :func:`open_database`).
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from core.config import ApiConfig

#: Defaults for the app's own config keys; ``create_app(config)`` overrides any of them.
DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": ApiConfig.max_body_bytes,
    "WIRELAB_DELAY_MAX": 10.0,  # seconds, /delay
    "WIRELAB_BYTES_MAX": 64 * 1024 * 1024,  # /bytes
    "WIRELAB_JSON_ITEMS_MAX": 1_000_000,  # /json/large (about 200 MB of JSON)
    "WIRELAB_REDIRECT_MAX": 30,  # /redirect
    "WIRELAB_DB_TIMEOUT": 10.0,  # seconds a write waits for another writer before answering 503
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a new, independent API app. ``config`` overrides Flask config keys (e.g. ``DATA_DIR``)."""
    app = Flask(__name__, static_folder=None)
    app.config.update(DEFAULTS)
    if config:
        app.config.update(config)
    if not app.config.get("DATA_DIR"):
        from core.config import data_dir

        app.config["DATA_DIR"] = str(data_dir())

    from core.api import data, db, errors, helpers, jsonio, lab, openapi, people_v1, people_v2, seed, todos

    app.json = jsonio.WirelabJSONProvider(app)
    app.extensions[helpers.STOP_EXTENSION] = threading.Event()
    db.init_app(app)
    errors.register(app)
    for module in (seed, data, people_v1, people_v2, todos, helpers, lab, openapi):
        app.register_blueprint(module.bp)
    return app


def open_database(app: Flask) -> None:
    """Create or open the database now (the server does this at start, to report a bad data folder early)."""
    from core.api.db import database

    database(app).connection()


def stop_slow_answers(app: Flask) -> None:
    """Make waiting answers (``/delay``) and streams (``/json/large``) end at once: the server is stopping."""
    from core.api.helpers import STOP_EXTENSION

    app.extensions[STOP_EXTENSION].set()


def close_app(app: Flask) -> None:
    """Stop slow answers and close every database connection of ``app``; it cannot serve after this."""
    from core.api.db import database

    stop_slow_answers(app)
    database(app).close()
