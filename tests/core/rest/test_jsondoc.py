"""JSON documents browsed a page at a time, here and in the real JSON worker process."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from core.rest.jsondoc import PAGE, Documents, JsonProblem, JsonReply, JsonWorker, Node, path_text, preview

DOC = {"todos": [{"id": i, "title": f"todo {i}", "completed": i % 2 == 0} for i in range(1, 451)],
       "owner": {"name": "Ada", "e-mail": "ada@example.org"}, "count": 450, "ok": True, "none": None}


def test_children_come_a_page_at_a_time() -> None:
    docs = Documents()
    doc_id, root = docs.add(DOC)
    assert root == Node("$", "object", "{5 keys}", 5)
    top = docs.children(doc_id, ())
    assert [n.key for n in top] == ["todos", "owner", "count", "ok", "none"]
    assert top[0] == Node("todos", "array", "[450 items]", 450, "todos")
    first = docs.children(doc_id, ("todos",))
    assert len(first) == PAGE and first[0].key == "[0]" and first[0].step == 0
    last = docs.children(doc_id, ("todos",), 400)
    assert [n.key for n in last][-1] == "[449]" and len(last) == 50
    assert docs.children(doc_id, ("todos", 3)) == [Node("id", "number", "4", 0, "id"),
                                                    Node("title", "string", '"todo 4"', 0, "title"),
                                                    Node("completed", "boolean", "true", 0, "completed")]
    with pytest.raises(JsonProblem):
        docs.children(doc_id, ("missing",))


def test_long_strings_are_previewed_short() -> None:
    assert preview("x" * 500).endswith('…"') and len(preview("x" * 500)) < 170


def test_jsonpath_query_and_search_make_new_documents() -> None:
    docs = Documents()
    doc_id, _ = docs.add(DOC)
    new_id, root, total = docs.query(doc_id, "$.todos[?@.completed == true].title")
    assert total == 225 and root.count == 225
    first = docs.children(new_id, (), 0, 1)[0]
    assert first.key == "$['todos'][1]['title']" and first.preview == '"todo 2"'
    _, root, total = docs.query(doc_id, "owner.name")  # "$." may be left out
    assert total == 1
    with pytest.raises(JsonProblem) as info:
        docs.query(doc_id, "$[?(")
    assert "The query has a mistake" in str(info.value)
    found_id, root, total = docs.search(doc_id, "ADA")
    assert total == 2 and list(docs.value(found_id)) == ["$.owner.name", '$.owner["e-mail"]']


def test_pretty_stops_near_the_limit(tmp_path: Path) -> None:
    docs = Documents()
    doc_id, _ = docs.add(DOC)
    size, cut = docs.pretty(doc_id, str(tmp_path / "p.json"), 1000)
    assert cut and 1000 <= size < 1200
    size, cut = docs.pretty(doc_id, str(tmp_path / "all.json"), 10**9)
    assert not cut and json.loads((tmp_path / "all.json").read_text()) == DOC


def test_path_text() -> None:
    assert path_text(("todos", 0, "title")) == "$.todos[0].title"
    assert path_text(("e-mail",)) == '$["e-mail"]'


class Replies:
    def __init__(self) -> None:
        self.items: dict[int, JsonReply] = {}
        self.cond = threading.Condition()

    def __call__(self, reply: JsonReply) -> None:
        with self.cond:
            self.items[reply.request_id] = reply
            self.cond.notify_all()

    def wait(self, request_id: int, timeout: float = 30) -> JsonReply:
        with self.cond:
            assert self.cond.wait_for(lambda: request_id in self.items, timeout), "no reply from the JSON worker"
            return self.items[request_id]


def test_the_worker_process_parses_and_answers_in_order(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps(DOC))
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": [1, 2,, 3]}')
    replies = Replies()
    worker = JsonWorker(replies)
    try:
        loaded = worker.submit("load_file", str(body))
        page = worker.submit("children", 1, ("todos",), 10, 5)
        broken = worker.submit("load_file", str(bad))
        unknown = worker.submit("format_disk")
        doc_id, root = replies.wait(loaded).value
        assert doc_id == 1 and root.count == 5
        assert [n.key for n in replies.wait(page).value] == ["[10]", "[11]", "[12]", "[13]", "[14]"]
        assert "not valid JSON (line 1, column 13: Expecting value)" in replies.wait(broken).error
        assert replies.wait(unknown).error
        assert worker.process.is_alive()
    finally:
        worker.close()
    assert worker.process is None


def test_a_killed_worker_says_so_and_starts_again(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text("[1, 2, 3]")
    replies = Replies()
    worker = JsonWorker(replies)
    try:
        assert replies.wait(worker.submit("load_file", str(body))).value[1].count == 3
        worker.process.kill()
        worker.process.join()
        again = replies.wait(worker.submit("load_file", str(body)))
        assert again.value is not None or "stopped unexpectedly" in again.error
        assert replies.wait(worker.submit("load_file", str(body))).value[1].count == 3
    finally:
        worker.close()
