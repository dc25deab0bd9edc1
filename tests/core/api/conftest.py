"""A fresh API app per test (flaskr style): its own temporary data folder, small limits, closed afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.api import close_app, create_app

#: Small limits, so tests (and schemathesis) reach every boundary quickly.
TEST_CONFIG = {
    "TESTING": True,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "WIRELAB_DELAY_MAX": 0.2,
    "WIRELAB_BYTES_MAX": 4096,
    "WIRELAB_JSON_ITEMS_MAX": 2000,
    "WIRELAB_REDIRECT_MAX": 5,
}

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CURL = {"Accept": "*/*"}


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test's data folder (several share it, like two runs of the server)."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app({**TEST_CONFIG, "DATA_DIR": str(tmp_path / "data"), **overrides})
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
