"""The app factory: independent apps, the database made on first use, nothing shared between apps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from core.api import DEFAULTS, create_app
from core.api.db import FILE_NAME, database


def test_the_database_is_created_in_the_data_folder_on_first_use(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = make_app()
    assert not (tmp_path / "data").exists()  # building the app touches nothing
    assert app.test_client().get("/todos/1").status_code == 200
    assert (tmp_path / "data" / FILE_NAME).is_file()


def test_two_apps_share_no_state(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    first = make_app(DATA_DIR=str(tmp_path / "one"))
    second = make_app(DATA_DIR=str(tmp_path / "two"))
    assert database(first) is not database(second)
    first.test_client().delete("/todos/1")
    assert first.test_client().get("/todos/1").status_code == 404
    assert second.test_client().get("/todos/1").status_code == 200
    assert first.json is not second.json


def test_the_config_overrides_the_defaults_and_the_rest_stay(make_app: Callable[..., Flask]) -> None:
    app = make_app(WIRELAB_DELAY_MAX=1.5)
    assert app.config["WIRELAB_DELAY_MAX"] == 1.5
    assert app.config["WIRELAB_REDIRECT_MAX"] == 5  # from the test config
    assert app.config["WIRELAB_JSON_ITEMS_MAX"] == 2000


def test_without_a_data_dir_the_per_user_data_folder_is_used(isolated_user_dirs: Path) -> None:
    app = create_app()
    try:
        assert app.config["DATA_DIR"] == str(isolated_user_dirs / "data")
        assert app.config["MAX_CONTENT_LENGTH"] == DEFAULTS["MAX_CONTENT_LENGTH"]
    finally:
        database(app).close()
