"""The teaching REST API: a Flask app factory with one blueprint per resource (flaskr style)."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a new, independent API app. ``config`` overrides Flask config keys (e.g. ``DATA_DIR``)."""
    app = Flask(__name__)
    app.config.update(JSON_SORT_KEYS=False)
    if config:
        app.config.update(config)

    from core.api import seed

    app.register_blueprint(seed.bp)
    return app
