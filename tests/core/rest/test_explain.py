"""Plain-words explanations, for the seed lab's answers (from the real API worker) and for failures."""

from __future__ import annotations

import pytest

from core.rest import explain
from core.rest.model import Body, Options, Pair, Request
from core.rest.runner import Outcome, Run
from tests.core.rest.conftest import Api


def explained(outcome: Outcome) -> explain.Explanation:
    sent = outcome.sent_request
    return explain.explain_status(outcome.status, outcome.reason, sent.method, outcome.url, outcome.headers, sent,
                                  (outcome.body.data or b"").decode(), sent.options.follow_redirects)


def send(api: Api, request: Request) -> Outcome:
    outcome = Run(request, api.environment).execute()
    assert outcome.ok, outcome.problem
    return outcome


def test_201_names_the_new_todo_and_its_location(api: Api) -> None:
    text = explained(send(api, Request("POST", "{{base_url}}/todos", body=Body("json", text=(
        '{"userId": 1, "title": "Buy milk", "completed": false}')))))
    assert text.title == "201 CREATED: the server made a new todo"
    assert "Location header: /todos/201" in text.text and text.tone == "ok"


def test_415_says_to_choose_the_json_body(api: Api) -> None:
    outcome = send(api, Request("POST", "{{base_url}}/people/v1/users",
                                body=Body("raw", text='{"name": "John"}', content_type="text/plain")))
    assert outcome.status == 415
    text = explained(outcome)
    assert "expects the body as JSON" in text.text and "text/plain" in text.text
    assert "Choose JSON in the Body tab" in text.hint and text.tone == "warning"


def test_400_quotes_what_the_server_said(api: Api) -> None:
    outcome = send(api, Request("POST", "{{base_url}}/people/v1/users", body=Body("json", text='{"name": "John"}')))
    text = explained(outcome)
    assert outcome.status == 400 and "Missing required fields (name and email)" in text.text


def test_404_for_an_item_suggests_listing_the_collection(api: Api) -> None:
    text = explained(send(api, Request("GET", "{{base_url}}/todos/999999")))
    assert "no todo 999999" in text.text and "GET /todos" in text.hint


def test_404_for_a_query_points_at_the_params(api: Api) -> None:
    text = explained(send(api, Request("GET", "{{base_url}}/people/v1/users", params=(Pair("name", "John"),))))
    assert "matches your query" in text.text and "Params tab" in text.hint


def test_delete_200_with_empty_object_and_204(api: Api) -> None:
    text = explained(send(api, Request("DELETE", "{{base_url}}/todos/10")))
    assert text.title.startswith("200") and "The todo 10 was deleted" in text.text and "{}" in text.text
    created = send(api, Request("POST", "{{base_url}}/people/v1/users",
                                body=Body("json", text='{"name": "John", "email": "john@example.com"}')))
    user_id = created.body.data.decode().split("ID: ")[1].split(",")[0]
    text = explained(send(api, Request("DELETE", f"{{{{base_url}}}}/people/v1/users/{user_id}")))
    assert text.title.startswith("204") and "never has a body" in text.text


def test_302_with_follow_off_says_how_to_follow(api: Api) -> None:
    text = explained(send(api, Request("GET", "{{base_url}}/redirect/1", options=Options(follow_redirects=False))))
    assert "/redirect/0" in text.text and "Follow redirects" in text.hint


@pytest.mark.parametrize(("code", "words"), [(401, "log in"), (403, "not allowed"), (405, "not accepted"),
                                             (429, "too many"), (500, "the server failed"), (503, "not available"),
                                             (418, "a problem with the request")])
def test_status_codes_from_the_status_helper(api: Api, code: int, words: str) -> None:
    text = explained(send(api, Request("GET", f"{{{{base_url}}}}/status/{code}")))
    assert text.title.startswith(str(code)) and words in text.title


def test_tls_to_a_plain_http_port_says_use_http(api: Api) -> None:
    # waitress waits for a request line, so the TLS handshake gets no answer until the timeout
    outcome = Run(Request("GET", f"https://127.0.0.1:{api.port}/todos", options=Options(timeout=0.5))).execute()
    assert outcome.problem.layer == "tls" and "http://" in outcome.problem.hint


def test_dns_failure_names_the_host() -> None:
    outcome = Run(Request("GET", "http://no-such-host.invalid/todos", options=Options(timeout=5))).execute()
    assert outcome.problem.layer == "dns" and "no-such-host.invalid" in outcome.problem.title


def test_subject_of_paths() -> None:
    assert explain.subject_of("http://h/todos/3") == explain.Subject("todos", "todo", "3")
    assert explain.subject_of("http://h/people/v1/users") == explain.Subject("users", "user", "")
    assert explain.subject_of("http://h/") == explain.Subject("", "page", "")
    assert explain.singular("categories") == "category"
