"""The REST window against the real API worker: the seed tutorials' requests, errors, keyboard, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from core.rest.files import Collection
from core.rest.model import Auth, Body, Options, Pair, Request
from tests.core.rest.conftest import Api, closed_port
from tests.gui.rest.conftest import send_and_wait


def tree_rows(window: Any) -> list[tuple[str, str]]:
    model = window.response.tree_model
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def test_the_first_request_works_with_zero_typing(window: Any, api: Api) -> None:
    assert window.windowTitle() == "Wirelab — REST requests" and not window.windowIcon().isNull()
    assert window.environment_box.currentText() == "local lab"
    assert window.editor.url.text() == "{{base_url}}/todos"
    assert f"http://127.0.0.1:{api.port}/todos" in window.editor.preview.text()  # the worker's real port


def test_get_todos_shows_200_and_the_json_tree(qtbot: Any, window: Any) -> None:
    outcome = send_and_wait(qtbot, window)
    assert outcome.status == 200
    assert window.response.status.text() == "200 OK"
    assert window.response.tree_model.rowCount() == 200
    assert tree_rows(window)[0] == ("[0]", "{4 keys}")
    assert window.response.card.title.text().startswith("200 OK: it worked")
    assert "Time" in window.response.meta.text() and "Size" in window.response.meta.text()


def send(qtbot: Any, window: Any, request: Request) -> Any:
    window.editor.set_request(request)
    return send_and_wait(qtbot, window)


def body_json(window: Any) -> Any:
    return json.loads(window.response.view.text)


def test_the_todos_seed_post_put_patch_delete(qtbot: Any, window: Any) -> None:
    send(qtbot, window, Request("POST", "{{base_url}}/todos",
                                body=Body("json", text='{"userId": 1, "title": "Buy milk", "completed": false}')))
    assert window.response.status.text() == "201 CREATED"
    assert body_json(window) == {"userId": 1, "title": "Buy milk", "completed": False, "id": 201}
    assert "a new todo" in window.response.card.title.text()
    assert "Location header: /todos/201" in window.response.card.text.text()
    assert ("id", "201") in tree_rows(window)

    send(qtbot, window, Request("PUT", "{{base_url}}/todos/10",
                                body=Body("json", text='{"userId": 1, "title": "Wash car", "completed": true}')))
    assert window.response.status.text() == "200 OK"
    assert body_json(window) == {"userId": 1, "title": "Wash car", "completed": True, "id": 10}

    send(qtbot, window, Request("PATCH", "{{base_url}}/todos/10", body=Body("json", text='{"title": "Mow lawn"}')))
    assert body_json(window) == {"userId": 1, "id": 10, "title": "Mow lawn", "completed": True}

    send(qtbot, window, Request("DELETE", "{{base_url}}/todos/10"))
    assert window.response.status.text() == "200 OK" and body_json(window) == {}
    assert "was deleted" in window.response.card.text.text()


def test_the_people_v1_seed_status_codes(qtbot: Any, window: Any) -> None:
    users = "{{base_url}}/people/v1/users"
    send(qtbot, window, Request("POST", users, body=Body("raw", text='{"name": "John"}', content_type="text/plain")))
    assert window.response.status.text() == "415 UNSUPPORTED MEDIA TYPE"
    assert window.response.view.text == "Request must be JSON\n"
    assert "Choose JSON in the Body tab" in window.response.card.hint.text()
    assert window.response.raw.toPlainText() == "Request must be JSON\n"

    send(qtbot, window, Request("POST", users, body=Body("json", text='{"name": "John"}')))
    assert window.response.status.text() == "400 BAD REQUEST"
    assert window.response.view.text == "Missing required fields (name and email)\n"

    send(qtbot, window, Request("POST", users, body=Body("json", text='{"name": "John", "email": "john@example.com"}')))
    assert window.response.status.text() == "201 CREATED"
    text = window.response.view.text
    assert text.startswith("User created successfully! ID: ") and text.endswith(
        ", Name: John, Email: john@example.com\n")
    user_id = text.split("ID: ")[1].split(",")[0]

    send(qtbot, window, Request("GET", users, params=(Pair("name", "John"),)))
    assert window.response.status.text() == "200 OK" and body_json(window)[0]["name"] == "John"
    send(qtbot, window, Request("GET", users, params=(Pair("name", "Nobody"),)))
    assert window.response.status.text() == "404 NOT FOUND"
    assert window.response.view.text == "User with name 'Nobody' not found\n"

    send(qtbot, window, Request("GET", f"{users}/{user_id}"))
    assert body_json(window)["id"] == user_id
    send(qtbot, window, Request("DELETE", f"{users}/{user_id}"))
    assert window.response.status.text() == "204 NO CONTENT"
    assert "never has a body" in window.response.card.text.text()
    assert window.response.info.text() == "The answer has no body."
    send(qtbot, window, Request("DELETE", f"{users}/{user_id}"))
    assert window.response.status.text() == "404 NOT FOUND"


def test_a_refused_connection_shows_which_layer_failed(qtbot: Any, window: Any) -> None:
    port = closed_port()
    send(qtbot, window, Request("GET", f"http://127.0.0.1:{port}/todos"))
    card = window.response.card
    assert window.response.status.text() == "No answer"
    assert card.title.text() == "Connection refused: nothing is listening there"
    assert f"port {port}" in card.text.text() and "Check the port number" in card.hint.text()
    layers = card.layers.text().replace("&nbsp;", " ")
    assert card.layers.isVisibleTo(window) and "✗ Connect (TCP)" in layers
    assert "✓ Find the computer (DNS)" in layers


def test_a_missing_variable_is_explained_without_sending(qtbot: Any, window: Any) -> None:
    window.set_environment("No environment")
    assert "{{base_url}}" in window.editor.preview.text()
    outcome = send_and_wait(qtbot, window)
    assert outcome.problem.layer == "request" and outcome.hops == ()
    assert "✗ Your request" in window.response.card.layers.text().replace("&nbsp;", " ")


def test_params_table_and_address_stay_in_step(qtbot: Any, window: Any) -> None:
    editor = window.editor
    editor.url.setFocus()
    editor.url.clear()
    qtbot.keyClicks(editor.url, "{{base_url}}/todos?userId=2&completed=true")
    assert editor.params.pairs() == (Pair("userId", "2"), Pair("completed", "true"))
    assert editor.tabs.tabText(0) == "Params (2)"
    editor.params.table.item(0, 2).setText("3")
    assert editor.url.text() == "{{base_url}}/todos?userId=3&completed=true"
    editor.params.table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    assert editor.url.text() == "{{base_url}}/todos?userId=3"
    qtbot.keyClicks(editor.url, "&id=41")
    assert editor.params.pairs() == (Pair("userId", "3"), Pair("id", "41"), Pair("completed", "true", False))
    outcome = send_and_wait(qtbot, window)
    assert outcome.url.endswith("/todos?userId=3&id=41")
    assert body_json(window) == [{"userId": 3, "id": 41, "title": json.loads(window.response.view.text)[0]["title"],
                                  "completed": body_json(window)[0]["completed"]}]


def test_json_body_is_checked_as_you_type(qtbot: Any, window: Any) -> None:
    editor = window.editor
    editor.set_request(Request("POST", "{{base_url}}/todos", body=Body("json")))
    editor.json_edit.setPlainText('{\n  "title": "x",\n  "completed": fals\n}')
    qtbot.waitUntil(lambda: "Not valid JSON" in editor.json_status.text())
    assert "line 3, column 16" in editor.json_status.text()
    assert editor.json_edit.extraSelections()[0].cursor.block().blockNumber() == 2
    editor.json_edit.setPlainText('{"userId": 1, "title": "x"}')
    qtbot.waitUntil(lambda: editor.json_status.text() == "✓ Valid JSON")
    assert editor.json_edit.extraSelections() == []


def test_keyboard_send_cancel_and_focus(qtbot: Any, window: Any) -> None:
    window.editor.set_request(Request("GET", "{{base_url}}/delay/8"))
    window.editor.json_edit.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.runner.running and window.editor.send_button.text() == "Cancel"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.runner.running and window.editor.send_button.text() == "Send"
    assert window.response.status.text() == "Cancelled"
    window.history_panel.search.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.url.hasFocus() and window.editor.url.selectedText() == "{{base_url}}/delay/8"


def test_history_is_kept_searchable_and_restorable(qtbot: Any, window: Any, make_window: Any) -> None:
    send(qtbot, window, Request("GET", "{{base_url}}/todos/1"))
    send(qtbot, window, Request("DELETE", "{{base_url}}/todos/2"))
    model = window.history_panel.model
    assert model.rowCount() >= 2 and model.entry(0).request.method == "DELETE"
    window.history_panel.search.setText("todos/1")
    assert model.rowCount() == 1
    window.history_panel.list.doubleClicked.emit(model.index(0, 0))
    assert window.editor.url.text() == "{{base_url}}/todos/1" and window.editor.method.currentText() == "GET"
    other = make_window()  # a second window reads the same history file
    qtbot.waitSignal(other.history_loaded, timeout=5000)
    qtbot.waitUntil(lambda: other.history_panel.model.rowCount() >= 2)


def test_save_to_collection_and_open_again(qtbot: Any, window: Any, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.collection_loaded, timeout=5000):
        window.set_collection_folder(tmp_path / "class")
    window.editor.set_request(Request("POST", "{{base_url}}/todos", body=Body("json", text='{"title": "a"}')))
    with qtbot.waitSignal(window.collection_loaded, timeout=5000) as loaded:
        window.save_to_collection("Create a todo")
    assert loaded.args == [1]
    saved = tmp_path / "class" / "Create a todo.json"
    assert json.loads(saved.read_text())["method"] == "POST"
    tree = window.collection_panel.tree
    window.editor.set_request(Request("GET", "{{base_url}}/"))
    window.collection_panel.on_activated(tree.topLevelItem(0))
    assert window.editor.method.currentText() == "POST" and window.editor.json_edit.toPlainText() == '{"title": "a"}'
    assert window.saved_path == saved
    assert Collection(tmp_path / "class").items()[0].request.name == "Create a todo"


def test_curl_import_and_copy_as_curl_and_python(qtbot: Any, window: Any, api: Api) -> None:
    from core.rest.curl import parse_curl

    command = (f"curl -i -X POST -H \"Content-Type: application/json\" -d '{{\"name\": \"John\", \"email\": "
               f"\"john@example.com\"}}' http://127.0.0.1:{api.port}/people/v1/users")
    window.apply_curl(parse_curl(command))
    assert window.editor.method.currentText() == "POST" and window.editor.current_body_mode() == "json"
    assert window.copy_as_curl() == command
    assert QGuiApplication.clipboard().text() == command
    python = window.copy_as_python()
    assert 'user = {"name": "John", "email": "john@example.com"}' in python
    assert "requests.post(api_url, json=user, allow_redirects=False, timeout=30)" in python  # no -L
    send_and_wait(qtbot, window)
    assert window.response.status.text() == "201 CREATED"


def test_openapi_import_from_the_local_api(qtbot: Any, window: Any, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.collection_loaded, timeout=5000):
        window.set_collection_folder(tmp_path / "api")
    with qtbot.waitSignal(window.collection_loaded, timeout=20000) as loaded:
        window.import_openapi_local()
    assert loaded.args[0] >= 10
    items = Collection(tmp_path / "api").items()
    assert any(i.request.method == "POST" and i.request.url == "{{base_url}}/todos" for i in items)
    assert "Imported" in window.statusBar().currentMessage()


def test_the_wire_view_marks_who_set_each_header_and_the_redirect_chain(qtbot: Any, window: Any) -> None:
    send(qtbot, window, Request("GET", "{{base_url}}/redirect/2", headers=(Pair("X-Student", "ada"),),
                                auth=Auth("bearer", token="t")))
    html = window.response.wire.toPlainText()
    assert "Step 1 of 3" in html and "Step 3 of 3" in html
    assert "→ GET /redirect/2 HTTP/1.1" in html and "← HTTP/1.1 302 FOUND" in html
    assert "X-Student: ada  [you]" in html and "Authorization: Bearer t  [auth]" in html
    assert "Host: 127.0.0.1:" in html and "[requests]" in html
    assert "2 redirects" in window.response.meta.text()


def test_follow_redirects_off_and_cookies_per_environment(qtbot: Any, window: Any) -> None:
    send(qtbot, window, Request("GET", "{{base_url}}/redirect/1", options=Options(follow_redirects=False)))
    assert window.response.status.text() == "302 FOUND"
    assert "Follow redirects" in window.response.card.hint.text()
    window.cookie_jar().set("k", "v", domain="127.0.0.1", path="/")
    send(qtbot, window, Request("GET", "{{base_url}}/echo"))
    assert body_json(window)["headers"]["Cookie"] == "k=v"
    window.set_environment("No environment")
    assert len(window.cookie_jar()) == 0
