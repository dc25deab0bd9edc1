"""Python code export: it reads like the seeds, and running it gets the same answer as the window."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.rest.codegen import py_literal, to_python
from core.rest.model import Auth, Body, Options, Pair, Part, Request, resolve
from core.rest.runner import Run
from tests.core.rest.conftest import Api


def run_code(code: str) -> tuple[int, str]:
    """Run the exported script in a fresh Python; its first line of output is 'status reason'."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    first, _, rest = done.stdout.partition("\n")
    return int(first.split()[0]), rest


def test_a_json_post_reads_like_the_seed_easy_way() -> None:
    code = to_python(Request("POST", "http://127.0.0.1:5001/todos",
                             body=Body("json", text='{"userId": 1, "title": "Buy milk", "completed": false}')))
    assert 'api_url = "http://127.0.0.1:5001/todos"' in code
    assert 'todo = {"userId": 1, "title": "Buy milk", "completed": False}' in code
    assert "response = requests.post(api_url, json=todo, timeout=30)" in code


@pytest.mark.parametrize("request_", [
    Request("POST", "{{base_url}}/todos", body=Body("json", text='{"userId": 1, "title": "Buy milk", "completed": false}')),
    Request("PUT", "{{base_url}}/todos/10", body=Body("json", text='{"userId": 1, "title": "Wash car", "completed": true}')),
    Request("PATCH", "{{base_url}}/todos/10", body=Body("json", text='{"title": "Mow lawn"}')),
    Request("DELETE", "{{base_url}}/todos/10"),
    Request("GET", "{{base_url}}/todos", params=(Pair("userId", "2"), Pair("completed", "true"))),
    Request("POST", "{{base_url}}/people/v1/users", body=Body("raw", text='{"name": "x"}', content_type="text/plain")),
    Request("POST", "{{base_url}}/people/v1/users", body=Body("json", text='{"name": "John"}')),
])
def test_exported_code_gets_the_same_answer_as_the_runner(api: Api, request_: Request) -> None:
    resolved = resolve(request_, api.environment)
    api.reset()
    outcome = Run(resolved).execute()
    api.reset()
    status, printed = run_code(to_python(resolved))
    assert status == outcome.status
    body = outcome.body.data.decode()
    if "json" in (outcome.header("Content-Type") or ""):
        # the script prints response.json(), i.e. the Python repr of the same value
        assert printed.strip() == repr(json.loads(body))
    else:
        assert printed.rstrip("\n") == body.rstrip("\n")


def test_echo_sees_the_same_request_from_code_and_runner(api: Api, tmp_path: Path) -> None:
    upload = tmp_path / "a.txt"
    upload.write_text("file body")
    for request in (
        Request("POST", "{{base_url}}/echo", params=(Pair("q", "a b"), Pair("x", "1")),
                headers=(Pair("X-Lab", "7"),), auth=Auth("basic", "ada", "pw"),
                body=Body("form", form=(Pair("a", "1"), Pair("a", "2")))),
        Request("PUT", "{{base_url}}/echo", auth=Auth("apikey", key_name="key", key_value="v", key_in="query"),
                body=Body("binary", file=str(upload), content_type="text/plain")),
        Request("POST", "{{base_url}}/echo", auth=Auth("bearer", token="t"),
                body=Body("multipart", parts=(Part("f", str(upload), True), Part("t", "text")))),
        Request("POST", "{{base_url}}/echo", body=Body("raw", text="línea\n2", content_type="text/plain; charset=utf-8"),
                options=Options(follow_redirects=False, timeout=7.5)),
    ):
        resolved = resolve(request, api.environment)
        by_runner = json.loads(Run(resolved).execute().body.data)
        status, printed = run_code(to_python(resolved))
        by_code = eval(printed)  # noqa: S307 - the repr of a JSON value printed by our own script
        assert status == 200
        for key in ("method", "query", "args", "size"):
            assert by_code[key] == by_runner[key], key
        if request.body.mode != "multipart":  # the boundary is random
            assert by_code["body"] == by_runner["body"]
        for header in ("Authorization", "X-Lab", "Content-Type", "User-Agent"):
            if header == "Content-Type" and request.body.mode == "multipart":
                continue
            assert by_code["headers"].get(header) == by_runner["headers"].get(header), header


def test_a_custom_method_uses_requests_request(api: Api) -> None:
    resolved = resolve(Request("PURGE", "{{base_url}}/echo"), api.environment)
    code = to_python(resolved)
    assert 'requests.request("PURGE", api_url, timeout=30)' in code
    assert run_code(code)[0] == Run(resolved).execute().status


def test_literals_break_long_values_over_lines() -> None:
    assert py_literal({"a": True, "b": None, "c": [1, 2.5, "x"]}) == '{"a": True, "b": None, "c": [1, 2.5, "x"]}'
    long = py_literal({f"key{i}": "value " * 3 for i in range(8)})
    assert long.startswith("{\n    \"key0\": ") and long.endswith("\n}")
    assert eval(long) == {f"key{i}": "value " * 3 for i in range(8)}  # noqa: S307
