from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rest.model import (
    Auth,
    Body,
    Environment,
    Options,
    Pair,
    Part,
    Request,
    RequestProblem,
    check_method,
    first_request,
    from_data,
    join_url,
    local_lab,
    resolve,
    split_url,
    to_data,
    variables_used,
)

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="&#=\r\n"), max_size=12)


def test_split_url_keeps_values_exactly_as_typed() -> None:
    base, params = split_url("http://h:1/p?name=John%20Doe&flag&x=a+b#top")
    assert base == "http://h:1/p#top"
    assert params == [Pair("name", "John%20Doe"), Pair("flag", ""), Pair("x", "a+b")]


def test_join_url_puts_the_query_before_the_fragment() -> None:
    assert join_url("http://h/p#top", [Pair("a", "1")]) == "http://h/p?a=1#top"
    assert join_url("http://h/p", [Pair("a", "1", enabled=False)]) == "http://h/p"


@given(st.lists(st.tuples(texts.filter(bool), texts), max_size=5))
def test_query_table_and_address_round_trip(rows: list[tuple[str, str]]) -> None:
    params = [Pair(n, v) for n, v in rows if not n.isspace()]
    url = join_url("http://127.0.0.1:5001/todos", params)
    base, parsed = split_url(url)
    assert base == "http://127.0.0.1:5001/todos"
    assert join_url(base, parsed) == url


def test_typing_an_address_keeps_disabled_params() -> None:
    request = Request(url="http://h/p", params=(Pair("a", "1"), Pair("off", "x", enabled=False)))
    changed = request.with_url("http://h/q?b=2")
    assert changed.url == "http://h/q"
    assert changed.params == (Pair("b", "2"), Pair("off", "x", enabled=False))
    assert changed.full_url() == "http://h/q?b=2"


def test_variables_are_filled_from_the_environment() -> None:
    request = Request("POST", "{{base_url}}/todos", headers=(Pair("Authorization", "Bearer {{ token }}"),),
                      body=Body("json", text='{"title": "{{title}}"}'))
    env = Environment("lab", (Pair("base_url", "http://127.0.0.1:5001"), Pair("token", "t0k"), Pair("title", "x")))
    assert variables_used(request) == ["base_url", "token", "title"]
    resolved = resolve(request, env)
    assert resolved.url == "http://127.0.0.1:5001/todos"
    assert resolved.headers[0].value == "Bearer t0k"
    assert resolved.body.text == '{"title": "x"}'


def test_an_unknown_variable_is_named_in_plain_words() -> None:
    with pytest.raises(RequestProblem) as info:
        resolve(Request(url="{{base_url}}/users/{{id}}"), local_lab(5001))
    message = str(info.value)
    assert "{{id}}" in message and '"local lab"' in message and "Environments" in message


def test_the_first_request_works_with_the_local_lab_preset() -> None:
    resolved = resolve(first_request(), local_lab(5123))
    assert resolved.full_url() == "http://127.0.0.1:5123/todos"


@pytest.mark.parametrize("method", ["", "GE T", "GET\r\nX-Injected: 1"])
def test_a_method_with_spaces_is_refused(method: str) -> None:
    with pytest.raises(RequestProblem):
        check_method(method)


def test_custom_methods_are_kept_and_known_ones_upper_cased() -> None:
    assert check_method("purge") == "purge"
    assert check_method("post") == "POST"


requests_strategy = st.builds(
    Request,
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "PURGE"]),
    url=st.sampled_from(["{{base_url}}/todos", "http://127.0.0.1:5001/people/v1/users", ""]),
    params=st.lists(st.builds(Pair, texts, texts, st.booleans()), max_size=3).map(tuple),
    headers=st.lists(st.builds(Pair, texts, texts, st.booleans()), max_size=3).map(tuple),
    auth=st.one_of(st.just(Auth()), st.builds(Auth, st.just("basic"), texts, texts),
                   st.builds(Auth, st.just("bearer"), token=texts),
                   st.builds(Auth, st.just("apikey"), key_name=texts, key_value=texts,
                             key_in=st.sampled_from(["header", "query"]))),
    body=st.one_of(st.just(Body()), st.builds(Body, st.just("json"), st.text(max_size=40)),
                   st.builds(Body, st.just("raw"), st.text(max_size=40), texts),
                   st.builds(Body, st.just("form"), form=st.lists(st.builds(Pair, texts, texts), max_size=3).map(tuple)),
                   st.builds(Body, st.just("multipart"), parts=st.lists(
                       st.builds(Part, texts, texts, st.booleans(), texts, st.booleans()), max_size=3).map(tuple)),
                   st.builds(Body, st.just("binary"), file=texts, content_type=texts)),
    options=st.builds(Options, st.floats(0.5, 600), st.booleans(), st.booleans(), texts, texts),
    name=texts,
)


@given(requests_strategy)
def test_saved_data_reads_back_as_the_same_request(request: Request) -> None:
    assert from_data(to_data(request)) == request


def test_defaults_are_left_out_of_the_saved_data() -> None:
    assert to_data(Request("GET", "{{base_url}}/todos")) == {"method": "GET", "url": "{{base_url}}/todos"}


def test_multi_line_bodies_are_saved_as_lines() -> None:
    data = to_data(Request("POST", "x", body=Body("json", text='{\n  "a": 1\n}')))
    assert data["body"]["text"] == ["{", '  "a": 1', "}"]


@pytest.mark.parametrize("data", [[], "GET", {"method": 3}, {"body": {"mode": "telepathy"}},
                                  {"auth": {"kind": "magic"}}, {"options": {"timeout": "soon"}},
                                  {"headers": [{"value": "no name"}]}])
def test_data_that_is_not_a_request_is_refused_with_a_reason(data: object) -> None:
    with pytest.raises(ValueError):
        from_data(data)
