"""The runner against the real API worker: what is sent, what comes back, redirects, cancel, big bodies."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from core.rest.model import Auth, Body, Options, Pair, Part, Request, RequestProblem
from core.rest.runner import MEMORY_BYTES, Run, build_call, parse_sent
from tests.core.rest.conftest import Api, SilentServer, closed_port


def run(request: Request, api: Api, **kwargs: object) -> object:
    return Run(request, api.environment, **kwargs).execute()


def test_post_todo_is_created_and_the_wire_shows_every_header(api: Api) -> None:
    outcome = run(Request("POST", "{{base_url}}/todos",
                          body=Body("json", text='{"userId": 1, "title": "Buy milk", "completed": false}')), api)
    assert outcome.ok and outcome.status == 201 and outcome.reason == "CREATED"
    assert json.loads(outcome.body.data) == {"userId": 1, "title": "Buy milk", "completed": False, "id": 201}
    assert outcome.header("Location") == "/todos/201"
    (hop,) = outcome.hops
    sent = hop.sent
    assert sent.request_line == "POST /todos HTTP/1.1"
    origins = {h.name: h.origin for h in sent.headers}
    assert origins["Host"] == "library" and origins["User-Agent"] == "library"
    assert origins["Content-Type"] == "body" and origins["Content-Length"] == "library"
    assert dict((h.name, h.value) for h in sent.headers)["Host"] == f"127.0.0.1:{api.port}"
    assert sent.body == b'{"userId": 1, "title": "Buy milk", "completed": false}'
    assert outcome.total_seconds >= outcome.headers_seconds > 0


def test_headers_the_person_set_are_marked_as_theirs(api: Api) -> None:
    outcome = run(Request("GET", "{{base_url}}/echo", headers=(Pair("X-Student", "ada"), Pair("Off", "1", False)),
                          auth=Auth("bearer", token="t0k")), api)
    origins = {h.name: h.origin for h in outcome.hops[0].sent.headers}
    assert origins["X-Student"] == "you" and origins["Authorization"] == "auth" and "Off" not in origins
    echoed = json.loads(outcome.body.data)["headers"]
    assert echoed["X-Student"] == "ada" and echoed["Authorization"] == "Bearer t0k"


def test_query_params_and_api_key_in_query_reach_the_server(api: Api) -> None:
    outcome = run(Request("GET", "{{base_url}}/echo", params=(Pair("name", "John"), Pair("skip", "x", False)),
                          auth=Auth("apikey", key_name="api_key", key_value="k1", key_in="query")), api)
    assert json.loads(outcome.body.data)["args"] == {"name": "John", "api_key": "k1"}


def test_basic_auth_form_multipart_and_binary_bodies(api: Api, tmp_path: Path) -> None:
    upload = tmp_path / "note.txt"
    upload.write_bytes(b"hello file\n")
    basic = json.loads(run(Request("GET", "{{base_url}}/echo", auth=Auth("basic", "ada", "pw")), api).body.data)
    assert basic["headers"]["Authorization"] == "Basic YWRhOnB3"
    form = json.loads(run(Request("POST", "{{base_url}}/echo",
                                  body=Body("form", form=(Pair("a", "1 2"), Pair("b", "&")))), api).body.data)
    assert form["body"] == "a=1+2&b=%26" and form["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    multi = json.loads(run(Request("POST", "{{base_url}}/echo", body=Body("multipart", parts=(
        Part("title", "hi"), Part("upload", str(upload), is_file=True)))), api).body.data)
    assert multi["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert 'name="upload"; filename="note.txt"' in multi["body"] and "hello file" in multi["body"]
    binary = json.loads(run(Request("PUT", "{{base_url}}/echo", body=Body("binary", file=str(upload))), api).body.data)
    assert binary["body"] == "hello file\n" and binary["headers"]["Content-Type"] == "text/plain"


def test_redirects_are_followed_and_every_hop_is_kept(api: Api) -> None:
    outcome = run(Request("GET", "{{base_url}}/redirect/3"), api)
    assert outcome.status == 200 and [h.status for h in outcome.hops] == [302, 302, 302, 200]
    assert [h.sent.request_line for h in outcome.hops] == [
        "GET /redirect/3 HTTP/1.1", "GET /redirect/2 HTTP/1.1", "GET /redirect/1 HTTP/1.1", "GET /redirect/0 HTTP/1.1"]


def test_with_follow_redirects_off_the_302_is_the_answer(api: Api) -> None:
    outcome = run(Request("GET", "{{base_url}}/redirect/2", options=Options(follow_redirects=False)), api)
    assert outcome.status == 302 and outcome.header("Location") == "/redirect/1" and len(outcome.hops) == 1


def test_a_big_body_goes_to_a_file_in_the_body_folder(api: Api, tmp_path: Path) -> None:
    progress: list[int] = []
    outcome = run(Request("GET", "{{base_url}}/bytes/3000000?seed=1"), api, body_dir=str(tmp_path),
                  on_progress=lambda done, total: progress.append(done))
    assert outcome.body.size == 3_000_000 and outcome.body.data is None
    assert Path(outcome.body.path).parent == tmp_path and Path(outcome.body.path).stat().st_size == 3_000_000
    assert progress[-1] == 3_000_000
    assert len(outcome.body.read(10)) == 10


def test_a_small_body_stays_in_memory(api: Api, tmp_path: Path) -> None:
    outcome = run(Request("GET", f"{{{{base_url}}}}/bytes/{MEMORY_BYTES // 2}"), api, body_dir=str(tmp_path))
    assert outcome.body.path is None and len(outcome.body.data) == MEMORY_BYTES // 2
    assert list(tmp_path.iterdir()) == []


def test_cancel_cuts_off_a_server_that_never_answers(silent_server: SilentServer) -> None:
    runner = Run(Request("GET", f"http://127.0.0.1:{silent_server.port}/", options=Options(timeout=60)))
    done = threading.Event()
    outcomes = []
    runner.start(lambda o: (outcomes.append(o), done.set()))
    deadline = time.monotonic() + 10
    while not silent_server.clients and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.cancel()
    assert done.wait(10), "the run did not stop after cancel"
    assert outcomes[0].cancelled and outcomes[0].problem.title == "Cancelled"


def test_cancel_during_a_slow_answer(api: Api) -> None:
    runner = Run(Request("GET", "{{base_url}}/delay/8"), api.environment)
    done = threading.Event()
    runner.start(lambda o: done.set())
    runner.cancel()
    assert done.wait(5)
    runner.thread.join(5)


def test_a_timeout_is_reported_at_the_http_layer(silent_server: SilentServer) -> None:
    outcome = Run(Request("GET", f"http://127.0.0.1:{silent_server.port}/", options=Options(timeout=0.3))).execute()
    assert not outcome.ok and outcome.problem.title == "The server is taking too long"
    assert "0.3 seconds" in outcome.problem.text


def test_refused_connection_names_the_port() -> None:
    port = closed_port()
    outcome = Run(Request("GET", f"http://127.0.0.1:{port}/todos")).execute()
    assert outcome.problem.layer == "tcp" and str(port) in outcome.problem.text
    assert "Connection refused" in outcome.problem.title


@pytest.mark.parametrize(("request_", "words"), [
    (Request("GET", ""), "Type an address"),
    (Request("GET", "127.0.0.1:5001/todos"), "http://"),
    (Request("GET", "ftp://host/file"), "HTTP only"),
    (Request("POST", "http://h/x", body=Body("json", text='{"a": 1,}')), "line 1, column 9"),
    (Request("POST", "http://h/x", body=Body("binary", file="/no/such/file")), "cannot be read"),
    (Request("GET", "http://h/x", headers=(Pair("Bad Name", "v"),)), "header names have no spaces"),
    (Request("GET", "http://h/x", auth=Auth("bearer")), "token is empty"),
    (Request("GET", "http://h/x", options=Options(ca_bundle="/no/ca.pem")), "does not exist"),
])
def test_bad_input_is_refused_before_sending(request_: Request, words: str) -> None:
    with pytest.raises(RequestProblem) as info:
        build_call(request_)
    assert words in str(info.value)
    outcome = Run(request_).execute()
    assert outcome.problem.layer == "request" and words in outcome.problem.text


def test_parse_sent_splits_head_and_body() -> None:
    raw = b"POST /x HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\nbody"
    sent = parse_sent(raw, len(raw) + 100, {"x-a": "you"})  # 100 more body bytes were sent than kept
    assert sent.request_line == "POST /x HTTP/1.1" and sent.body == b"body" and sent.body_size == 104
    assert [(h.name, h.origin) for h in sent.headers] == [("Host", "library"), ("X-A", "you")]


def test_cookies_are_kept_per_jar(api: Api) -> None:
    from requests.cookies import RequestsCookieJar

    jar = RequestsCookieJar()
    jar.set("session", "abc", domain="127.0.0.1", path="/")
    outcome = Run(Request("GET", "{{base_url}}/echo"), api.environment, cookies=jar).execute()
    sent = {h.name: (h.value, h.origin) for h in outcome.hops[0].sent.headers}
    assert sent["Cookie"] == ("session=abc", "cookies")
