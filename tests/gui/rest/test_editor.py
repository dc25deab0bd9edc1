"""The request editor shows a request and gives the same one back, for every body and auth kind."""

from __future__ import annotations

from typing import Any

import pytest

from core.rest.model import Auth, Body, Options, Pair, Part, Request
from gui.rest.editor import RequestEditor

REQUESTS = [
    Request("GET", "{{base_url}}/todos", params=(Pair("userId", "1"), Pair("off", "x", False))),
    Request("POST", "{{base_url}}/todos", headers=(Pair("X-A", "1"),), body=Body("json", text='{"a": 1}'),
            auth=Auth("bearer", token="t")),
    Request("PUT", "http://h/x", body=Body("form", form=(Pair("a", "1"), Pair("b", "2", False))),
            auth=Auth("basic", "ada", "pw"), options=Options(5.5, False, False, "/tmp/ca.pem", "http://p:3128")),
    Request("PATCH", "http://h/x", body=Body("multipart", parts=(Part("t", "v"), Part("f", "/tmp/a.png", True,
                                                                                     "image/png", False)))),
    Request("DELETE", "http://h/x", body=Body("raw", text="line 1\nline 2", content_type="text/csv"),
            auth=Auth("apikey", key_name="X-Key", key_value="k", key_in="query")),
    Request("PURGE", "http://h/x", body=Body("binary", file="/tmp/f.bin", content_type="application/pdf"),
            name="Custom"),
]


@pytest.mark.parametrize("request_", REQUESTS)
def test_set_request_then_request_gives_it_back(qtbot: Any, request_: Request) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.set_request(request_)
    assert editor.request() == request_


def test_tab_titles_count_what_is_sent(qtbot: Any) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.set_request(REQUESTS[1])
    assert [editor.tabs.tabText(i) for i in range(5)] == ["Params", "Headers (1)", "Auth · Bearer token",
                                                         "Body · JSON", "Options"]


def test_a_url_with_a_query_fills_the_params_table(qtbot: Any) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.set_request(Request("GET", "http://h/json/large?items=5"))
    assert editor.params.pairs() == (Pair("items", "5"),)
    assert editor.request().full_url() == "http://h/json/large?items=5"
