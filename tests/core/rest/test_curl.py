"""curl commands in and out: the seeds' commands, round trips, and the real curl against the real API."""

from __future__ import annotations

import json
import shlex
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rest.curl import CurlError, parse_curl, to_curl
from core.rest.model import Auth, Body, Options, Pair, Part, Request, resolve
from core.rest.runner import Run
from tests.conftest import need_tool
from tests.core.rest.conftest import Api

SEED_COMMANDS = [
    "curl -i http://127.0.0.1:5001",
    "curl -i -X POST -H \"Content-Type: application/json\" -d '{\"name\": \"John\", \"email\": "
    "\"john@example.com\"}' http://127.0.0.1:5001/people/v1/users",
    "curl -i http://127.0.0.1:5001/people/v1/users",
    "curl -i http://127.0.0.1:5001/people/v1/users?name=John",
]


@pytest.mark.parametrize("command", SEED_COMMANDS[:3])
def test_seed_commands_round_trip_exactly(command: str) -> None:
    assert to_curl(parse_curl(command).request) == command


def test_a_url_with_a_query_is_quoted_for_shells_that_glob_question_marks() -> None:
    command = SEED_COMMANDS[3]
    exported = to_curl(parse_curl(command).request)
    assert exported == 'curl -i "http://127.0.0.1:5001/people/v1/users?name=John"'
    assert shlex.split(exported) == shlex.split(command)


def test_the_seed_post_becomes_a_json_body() -> None:
    request = parse_curl(SEED_COMMANDS[1]).request
    assert request.method == "POST" and request.url == "http://127.0.0.1:5001/people/v1/users"
    assert request.body == Body("json", text='{"name": "John", "email": "john@example.com"}')
    assert request.headers == ()  # the JSON body mode sends Content-Type itself


def test_multi_line_command_with_url_first() -> None:
    parsed = parse_curl("""curl -X POST http://localhost:5000/api/data \\
     -H "Content-Type: application/json" \\
     -d '{"name": "Mario", "age": 30, "occupation": "plumber"}'""")
    assert parsed.request.url == "http://localhost:5000/api/data" and parsed.request.body.mode == "json"
    assert parsed.warnings == ()


def test_combined_short_options_and_extras() -> None:
    parsed = parse_curl("curl -sSL -k -u ada:pw -m 5 -A 'my-agent' -XPUT --data-binary @/tmp/f.bin "
                        "-H 'Content-Type: image/png' https://h/x -o out.txt --frobnicate")
    r = parsed.request
    assert r.method == "PUT" and r.auth == Auth("basic", "ada", "pw")
    assert r.options.follow_redirects and not r.options.verify_tls and r.options.timeout == 5
    assert r.body == Body("binary", file="/tmp/f.bin", content_type="image/png")
    assert Pair("User-Agent", "my-agent") in r.headers
    assert any("-o" in w for w in parsed.warnings) and any("--frobnicate" in w for w in parsed.warnings)


def test_forms_get_data_and_bearer() -> None:
    form = parse_curl("curl -d 'a=1&b=two%20words' http://h/x").request
    assert form.body == Body("form", form=(Pair("a", "1"), Pair("b", "two words")))
    get = parse_curl("curl -G -d name=John http://h/users").request
    assert get.method == "GET" and get.params == (Pair("name", "John"),) and get.body.mode == "none"
    multi = parse_curl("curl -F title=hi -F 'upload=@photo.png;type=image/png' http://h/up").request
    assert multi.body.parts == (Part("title", "hi"), Part("upload", "photo.png", True, "image/png"))
    bearer = parse_curl("curl -H 'Authorization: Bearer abc' http://h/").request
    assert bearer.auth == Auth("bearer", token="abc") and bearer.headers == ()
    head = parse_curl("curl -I http://h/").request
    assert head.method == "HEAD"


@pytest.mark.parametrize(("text", "words"), [("", "starts with"), ("wget http://h", "starts with"),
                                             ("curl -i", "no address"), ("curl 'http://h", "unclosed quote"),
                                             ("curl -H", "needs a value")])
def test_bad_commands_say_why(text: str, words: str) -> None:
    with pytest.raises(CurlError) as info:
        parse_curl(text)
    assert words in str(info.value)


safe = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="&#=:"),
               min_size=1, max_size=10).filter(lambda s: s.strip() == s and s)
requests_ = st.builds(
    Request,
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    url=st.just("http://127.0.0.1:5001/todos"),
    params=st.lists(st.builds(Pair, safe, safe), max_size=2).map(tuple),
    headers=st.lists(st.builds(Pair, safe.map(lambda s: "X-" + "".join(c for c in s if c.isalnum()) or "X-A"),
                               safe), max_size=2).map(tuple),
    body=st.one_of(st.just(Body()), st.builds(Body, st.just("json"), safe.map(json.dumps))),
    options=st.builds(Options, st.sampled_from([30.0, 5.0]), st.booleans(), st.booleans()),
)


@given(requests_)
def test_request_to_curl_and_back_is_the_same_request(request: Request) -> None:
    if request.body.mode == "none" and request.method == "POST":
        request = Request("PUT", request.url, request.params, request.headers, options=request.options)
    assert parse_curl(to_curl(request)).request == request


def test_the_real_curl_gets_the_same_answer_as_the_runner(api: Api) -> None:
    curl = need_tool("curl")
    request = Request("POST", "{{base_url}}/people/v1/users", headers=(Pair("X-Lab", "7"),),
                      body=Body("json", text='{"name": "John", "email": "john@example.com"}'),
                      options=Options(follow_redirects=False))
    resolved = resolve(request, api.environment)
    command = to_curl(resolved, include=False) + " -s -w '\\n%{http_code}'"
    done = subprocess.run(command.replace("curl", curl, 1), shell=True, capture_output=True, text=True, timeout=30)
    body, code = done.stdout.rsplit("\n", 1)
    assert code == "201" and body.startswith("User created successfully! ID: ")
    outcome = Run(request, api.environment).execute()
    assert outcome.status == 201 and outcome.body.data.decode().startswith("User created successfully! ID: ")
    listing = Run(Request("GET", "{{base_url}}/people/v1/users", params=(Pair("name", "John"),)),
                  api.environment).execute()
    assert len(json.loads(listing.body.data)) == 2  # one made by curl, one by the runner


def test_curl_interop_for_echo_headers_and_query(api: Api) -> None:
    curl = need_tool("curl")
    request = resolve(Request("PATCH", "{{base_url}}/echo", params=(Pair("q", "1"),), headers=(Pair("X-A", "b c"),),
                              auth=Auth("basic", "ada", "pw"), body=Body("raw", text="plain words",
                                                                        content_type="text/plain")), api.environment)
    done = subprocess.run(to_curl(request, include=False).replace("curl", curl, 1), shell=True, capture_output=True,
                          text=True, timeout=30)
    by_curl = json.loads(done.stdout)
    by_runner = json.loads(Run(request).execute().body.data)
    for key in ("method", "query", "body"):
        assert by_curl[key] == by_runner[key]
    for header in ("X-A", "Authorization", "Content-Type"):
        assert by_curl["headers"][header] == by_runner["headers"][header]
