"""The httpbin-style helpers: status, delay, echo, redirect, bytes and the large JSON document."""

from __future__ import annotations

import base64
import json
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.api import stop_slow_answers
from core.api.helpers import large_item


@pytest.mark.parametrize("code, reason", [(200, "OK"), (418, "I'm a teapot"), (451, "Unavailable For Legal Reasons"),
                                          (500, "Internal Server Error"), (299, "Unknown Status")])
def test_status_answers_the_code_asked_for_with_its_reason(client: FlaskClient, code: int, reason: str) -> None:
    response = client.get(f"/status/{code}")
    assert response.status_code == code
    assert response.get_json() == {"code": code, "reason": reason, "message": f"You asked for status {code} ({reason})."}


def test_status_works_with_every_method_and_has_the_headers_its_code_needs(client: FlaskClient) -> None:
    assert client.post("/status/201").status_code == 201
    assert client.delete("/status/404").status_code == 404
    moved = client.post("/status/303")
    assert moved.status_code == 303 and moved.headers["Location"] == "/echo"
    assert client.post("/status/303", follow_redirects=True).get_json()["method"] == "GET"  # 303: POST becomes GET
    assert client.post("/status/307", follow_redirects=True).get_json()["method"] == "POST"  # 307 keeps it
    assert "GET" in client.get("/status/405").headers["Allow"]
    assert client.get("/status/429").headers["Retry-After"] == "1"
    no_content = client.get("/status/204")
    assert no_content.status_code == 204 and no_content.data == b""


@pytest.mark.parametrize("code", [100, 199, 600, 99999])
def test_status_codes_a_server_cannot_answer_with_are_400(client: FlaskClient, code: int) -> None:
    response = client.get(f"/status/{code}")
    assert response.status_code == 400 and "200 to 599" in response.get_json()["message"]


def test_delay_answers_after_the_delay(client: FlaskClient) -> None:
    response = client.get("/delay/0.05")
    assert response.status_code == 200 and response.get_json()["delay"] == 0.05
    assert client.post("/delay/0").status_code == 200


@pytest.mark.parametrize("seconds", ["-1", "abc", "nan", "inf", "0.3", "1e400", "2"])
def test_delays_that_are_not_a_number_of_seconds_within_the_limit_are_400(client: FlaskClient, seconds: str) -> None:
    response = client.get(f"/delay/{seconds}")
    assert response.status_code == 400
    assert "from 0 to 0.2" in response.get_json()["message"]


@pytest.mark.timeout(60)
def test_a_delay_ends_at_once_when_the_server_stops(make_app) -> None:
    app: Flask = make_app(WIRELAB_DELAY_MAX=3600.0)
    result: list[int] = []
    waiting = threading.Thread(target=lambda: result.append(app.test_client().get("/delay/3600").status_code))
    waiting.start()
    stop_slow_answers(app)
    waiting.join()  # an hour unless stopping works (the timeout mark fails the test then)
    assert result == [200]


def test_echo_shows_method_path_args_headers_and_body(client: FlaskClient) -> None:
    sent = '{"hello": "wörld"}'.encode()
    response = client.put("/echo?a=1&a=2&b=x", data=sent, content_type="application/json", headers={"X-Lab": "7"})
    echo = response.get_json()
    assert echo["method"] == "PUT" and echo["path"] == "/echo" and echo["query"] == "a=1&a=2&b=x"
    assert echo["args"] == {"a": ["1", "2"], "b": "x"}
    assert echo["headers"]["X-Lab"] == "7" and echo["headers"]["Content-Type"] == "application/json"
    assert echo["body"].encode() == sent and echo["body_encoding"] == "utf-8"
    assert echo["json"] == {"hello": "wörld"}
    assert echo["size"] == len(sent)


def test_echo_sends_binary_bodies_back_as_base64(client: FlaskClient) -> None:
    echo = client.post("/echo", data=b"\xff\x00\xfe", content_type="application/octet-stream").get_json()
    assert echo["body_encoding"] == "base64" and base64.b64decode(echo["body"]) == b"\xff\x00\xfe"
    assert echo["json"] is None


def test_echo_says_when_a_json_body_is_broken_instead_of_failing(client: FlaskClient) -> None:
    echo = client.post("/echo", data="{oops", content_type="application/json")
    assert echo.status_code == 200
    assert echo.get_json()["body"] == "{oops" and "not valid JSON" in echo.get_json()["json_error"]


def test_redirect_n_takes_n_hops_then_arrives(client: FlaskClient) -> None:
    first = client.get("/redirect/3")
    assert first.status_code == 302 and first.headers["Location"] == "/redirect/2"
    followed = client.get("/redirect/3", follow_redirects=True)
    assert followed.status_code == 200 and len(followed.history) == 3
    assert client.get("/redirect/6").status_code == 400  # the test app allows 5


def test_bytes_sends_n_bytes_the_same_for_the_same_seed(client: FlaskClient) -> None:
    response = client.get("/bytes/1000")
    assert response.status_code == 200 and len(response.data) == 1000
    assert response.headers["Content-Length"] == "1000" and response.mimetype == "application/octet-stream"
    assert client.get("/bytes/3000?seed=lab").data == client.get("/bytes/3000?seed=lab").data
    assert client.get("/bytes/3000?seed=lab").data != client.get("/bytes/3000?seed=other").data
    assert client.get("/bytes/0").data == b""
    too_many = client.get("/bytes/4097")
    assert too_many.status_code == 400 and "at most 4096" in too_many.get_json()["message"]


def test_the_large_json_document_is_valid_and_the_same_every_time(client: FlaskClient) -> None:
    response = client.get("/json/large?items=1234")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.is_streamed
    items = json.loads(response.data)
    assert len(items) == 1234 and items == [large_item(i) for i in range(1, 1235)]
    assert json.loads(client.get("/json/large?items=0").data) == []
    assert len(json.loads(client.get("/json/large").data)) == 1000
    assert client.get("/json/large?items=2001").status_code == 400
