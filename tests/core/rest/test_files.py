"""Collections, history and environments on disk."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from core.rest.files import (
    Collection,
    History,
    HistoryEntry,
    load_environments,
    read_request,
    request_text,
    save_environments,
    slug,
)
from core.rest.model import Body, Environment, Pair, Request
from tests.conftest import need_tool


def test_a_saved_request_is_one_readable_file(tmp_path: Path) -> None:
    collection = Collection(tmp_path / "lab")
    request = Request("POST", "{{base_url}}/todos", headers=(Pair("X-A", "1"),),
                      body=Body("json", text='{\n  "title": "Buy milk"\n}'), name="Create a todo")
    path = collection.save(request)
    assert path == tmp_path / "lab" / "Create a todo.json"
    text = path.read_text()
    assert text.endswith("}\n") and '"method": "POST"' in text and '    "  \\"title\\": \\"Buy milk\\""' in text
    assert read_request(path) == request
    assert [item.request for item in collection.items()] == [request]


def test_changing_one_header_is_a_one_line_diff(tmp_path: Path) -> None:
    before = request_text(Request("GET", "{{base_url}}/todos", headers=(Pair("Accept", "a"), Pair("X-B", "1"))))
    after = request_text(Request("GET", "{{base_url}}/todos", headers=(Pair("Accept", "b"), Pair("X-B", "1"))))
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [('      "value": "a"', '      "value": "b"')]


def test_collections_work_with_git(tmp_path: Path) -> None:
    git = need_tool("git")
    folder = tmp_path / "class"
    Collection(folder).save(Request("GET", "{{base_url}}/todos", name="List todos"))
    run = lambda *args: subprocess.run([git, *args], cwd=folder, capture_output=True, text=True, check=True)  # noqa: E731
    run("init", "-q")
    run("-c", "user.email=t@e", "-c", "user.name=t", "add", ".")
    run("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-q", "-m", "first")
    Collection(folder).save(Request("GET", "{{base_url}}/todos", params=(Pair("userId", "1"),), name="List todos"))
    added, removed, name = run("diff", "--numstat").stdout.rstrip("\n").split("\t")
    # the six lines of the new params block, and the url line that gains a comma
    assert (added, removed, name) == ("7", "1", "List todos.json")


def test_groups_and_unreadable_files_are_listed(tmp_path: Path) -> None:
    collection = Collection(tmp_path)
    collection.save(Request("GET", "x", name="b"), group="todos")
    collection.save(Request("GET", "x", name="a"))
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.json").write_text("{}")
    items = collection.items()
    assert [(i.group, i.path.name) for i in items] == [("", "a.json"), ("", "broken.json"), ("todos", "b.json")]
    assert items[1].request is None and "not valid JSON (line 1, column 2)" in items[1].error


def test_saving_without_overwrite_picks_a_free_name(tmp_path: Path) -> None:
    collection = Collection(tmp_path)
    first = collection.save(Request("GET", "x", name="Same"))
    second = collection.save(Request("GET", "y", name="Same"), overwrite=False)
    assert first.name == "Same.json" and second.name == "Same 2.json"


def test_slug_is_safe_and_never_empty() -> None:
    assert slug("GET /todos/{{id}}?x=1") == "GET todosidx1"
    assert slug("../../etc/passwd") == "etcpasswd"
    assert slug("///") == "request"


def test_history_is_newest_first_searchable_and_survives_a_damaged_line(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    history = History(path, keep=3)
    for i, status in enumerate((200, 404, 201, 500)):
        history.add(HistoryEntry(1000.0 + i, Request("GET", f"http://h/{i}"), "local lab", status, "X"))
    assert [e.status for e in history.entries()] == [500, 201, 404, 200]
    with open(path, "a") as f:
        f.write("{damaged\n")
    again = History(path, keep=3)
    assert [e.status for e in again.entries()] == [500, 201, 404]  # the newest `keep`
    assert [e.status for e in again.search("404")] == [404]
    assert [e.request.url for e in again.search("get h/2")] == ["http://h/2"]
    for i in range(10):
        again.add(HistoryEntry(2000.0 + i, Request("GET", "http://h/x"), status=200))
    assert len(path.read_text().splitlines()) <= 7  # rewritten, not growing forever
    again.clear()
    assert History(path).entries() == []


def test_environments_round_trip_and_a_damaged_file_gives_none(tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    envs = [Environment("teacher", (Pair("base_url", "http://10.0.0.5:5001"), Pair("token", "t", False)))]
    save_environments(envs, path)
    assert load_environments(path) == envs
    assert json.loads(path.read_text())["environments"][0]["name"] == "teacher"
    path.write_text("[1, 2")
    assert load_environments(path) == []
