"""Errors: JSON with code, reason and plain words; HTML pages only for browsers on the seed's routes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.api.db import FILE_NAME
from tests.core.api.conftest import BROWSER, CURL


def test_an_unknown_address_is_a_json_404_for_programs_and_a_page_for_browsers(client: FlaskClient) -> None:
    response = client.get("/no/such/thing", headers=CURL)
    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404, "reason": "Not Found",
        "message": "There is nothing at /no/such/thing on this server. Check the address; /docs lists every endpoint.",
    }
    page = client.get("/no/such/thing", headers=BROWSER)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "There is nothing at /no/such/thing" in page.get_data(as_text=True)


def test_the_html_page_escapes_what_the_address_contains(client: FlaskClient) -> None:
    page = client.get("/<script>alert(1)</script>", headers=BROWSER).get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("path", ["/todos/abc", "/people/v2/nothing", "/status/abc", "/api/nothing", "/json/small"])
def test_json_routes_answer_json_errors_even_to_browsers(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 404 and response.mimetype == "application/json"


def test_a_wrong_method_is_405_with_allow_and_says_what_is_accepted(client: FlaskClient) -> None:
    response = client.delete("/todos")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    assert response.get_json()["message"] == "/todos does not accept DELETE requests. It accepts: GET, POST."


@pytest.mark.parametrize("path", ["/todos", "/people/v2/users", "/api/data", "/echo", "/people/v1/users"])
def test_a_body_over_the_limit_is_a_json_413(client: FlaskClient, path: str) -> None:
    response = client.post(path, data=b"[" + b"1," * 40_000 + b"1]", content_type="application/json")
    assert response.status_code == 413
    body = response.get_json()
    assert body["reason"] == "Request Entity Too Large"
    assert body["message"] == "The request body is larger than the 64 KiB this server accepts. Send a smaller body."


HOSTILE_BODIES = [
    (b"[" * 30_000 + b"]" * 30_000, "nested too deeply"),
    (b'{"userId": ' + b"9" * 5000 + b', "title": "x"}', "not usable JSON"),
    (b'{"userId": NaN, "title": "x"}', "NaN is not allowed"),
    (b'{"userId": 1, "title": "x", "completed": Infinity}', "Infinity is not allowed"),
    (b'{"title": "\xff\xfe"}', "not UTF-8"),
    (b"", "Expecting value"),
    (b"\x00\x01", "not valid JSON"),
]


@pytest.mark.parametrize("body, words", HOSTILE_BODIES)
def test_hostile_bodies_get_a_clear_400(client: FlaskClient, body: bytes, words: str) -> None:
    for path in ("/todos", "/people/v2/users", "/api/data"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, path
        assert words in response.get_json()["message"], (path, response.get_json())


def test_a_lone_surrogate_is_refused_as_a_field_and_echoed_as_valid_utf8(client: FlaskClient) -> None:
    body = b'{"userId": 1, "title": "\\ud800"}'
    refused = client.post("/todos", data=body, content_type="application/json")
    assert refused.status_code == 422 and "broken character" in refused.get_json()["fields"]["title"]
    echoed = client.post("/echo", data=body, content_type="application/json")
    assert echoed.status_code == 200
    echoed.data.decode("utf-8")  # strict: the answer is valid UTF-8
    assert echoed.get_json()["json"]["title"] == "\ud800"


def test_an_unexpected_failure_is_a_json_500_in_plain_words(app: Flask) -> None:
    def boom() -> None:
        raise RuntimeError("secret detail")

    app.add_url_rule("/todos/boom", view_func=boom)
    response = app.test_client().get("/todos/boom")
    assert response.status_code == 500
    assert response.get_json()["message"].startswith("Something went wrong inside the API server.")
    assert "secret detail" not in response.get_data(as_text=True)  # details go to the log, not to the client


def test_a_database_held_by_another_writer_is_a_503_with_retry_after(make_app: Callable[..., Flask],
                                                                     tmp_path: Path) -> None:
    client = make_app(WIRELAB_DB_TIMEOUT=0.05).test_client()
    client.get("/todos/1")
    other = sqlite3.connect(tmp_path / "data" / FILE_NAME, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        response = client.post("/todos", json={"userId": 1, "title": "x"})
        assert response.status_code == 503 and response.headers["Retry-After"] == "1"
        assert "busy" in response.get_json()["message"]
        assert client.get("/todos/1").status_code == 200  # reading still works meanwhile
        other.execute("ROLLBACK")
        assert client.post("/todos", json={"userId": 1, "title": "x"}).status_code == 201
    finally:
        other.close()
