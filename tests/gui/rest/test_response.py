"""Big and unusual bodies: a 20 MB JSON through the worker process, images, binary, format anyway."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage

from core.rest.jsondoc import PAGE
from core.rest.model import Request
from tests.gui.rest.conftest import send_and_wait

#: About 20 MB of JSON from the API worker's streamed /json/large.
LARGE_ITEMS = 100_000


def test_a_20_mb_json_opens_as_a_lazy_tree(qtbot: Any, window: Any) -> None:
    window.editor.set_request(Request("GET", f"{{{{base_url}}}}/json/large?items={LARGE_ITEMS}"))
    response = window.response
    with qtbot.waitSignal(response.tree_ready, timeout=60000):
        outcome = send_and_wait(qtbot, window, timeout=60000)
    assert outcome.body.size > 19_000_000 and outcome.body.path is not None  # spooled to a file
    assert response.view.large and response.source is response.remote  # parsed in the worker process
    model = response.tree_model
    qtbot.waitUntil(lambda: model.rowCount() >= PAGE, timeout=10000)
    # Whole pages, and only a few: the view asks for another page while its scroll bar still reads
    # "at the end", which lasts until its delayed layout runs (one page or three on a loaded machine).
    rows = model.rowCount()
    assert rows % PAGE == 0 and rows <= 5 * PAGE, rows  # not 100,000 rows
    assert model.index(0, 0).data() == "[0]" and model.index(0, 1).data() == "{7 keys}"
    assert "20." in response.info.text() or "MB of JSON" in response.info.text()

    first = model.index(0, 0)
    window.response.tree.expand(first)
    # Wait for these children, not for any `loaded`: a page of the top level may land in between.
    qtbot.waitUntil(lambda: model.rowCount(first) == 7, timeout=10000)
    children = {model.index(r, 0, first).data(): model.index(r, 1, first).data() for r in range(model.rowCount(first))}
    assert children["title"] == '"item 1 of the large document"' and children["owner"] == "{3 keys}"

    before = model.rowCount()
    response.tree.scrollToBottom()  # the next page comes when the end is reached
    qtbot.waitUntil(lambda: model.rowCount() > before, timeout=10000)
    assert model.rowCount() <= before + 5 * PAGE and model.index(before, 0).data() == f"[{before}]"

    with qtbot.waitSignal(response.filtered, timeout=30000) as filtered:
        response.query.setText("$[?@.id == 99999].owner.email")
        response.query_button.click()
    assert filtered.args[0].startswith("1 match for")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0, 1).data() == '"user9@example.org"'
    response.query_clear.click()
    qtbot.waitUntil(lambda: model.rowCount() >= 200 and model.index(0, 0).data() == "[0]")

    response.show_view("pretty")
    assert response.format_bar.isVisible() and response.format_button.text() == "Format anyway"
    with qtbot.waitSignal(response.pretty_ready, timeout=60000):
        response.format_button.click()
    assert response.pretty.toPlainText().startswith('[\n  {\n    "id": 1,')
    assert "Showing the first" in response.format_note.text()


@pytest.fixture
def media_server() -> Iterator[str]:
    """A tiny real server for a PNG (made with Qt) and bytes that are no text."""
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#2f7fd1"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    png = bytes(data.data())
    bodies = {"/image.png": ("image/png", png), "/blob": ("application/octet-stream", bytes(range(256)) * 4),
              "/page": ("text/html; charset=utf-8", "<h1>The server is up and running!</h1>\n".encode())}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            ctype, body = bodies[self.path]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_images_binary_and_html_bodies(qtbot: Any, window: Any, media_server: str, tmp_path: Any) -> None:
    response = window.response
    window.editor.set_request(Request("GET", media_server + "/image.png"))
    send_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: response.image.pixmap() is not None and not response.image.pixmap().isNull())
    assert response.image.pixmap().width() == 40 and response.current_view() == "image"
    assert "40 × 30 pixels" in response.info.text()

    window.editor.set_request(Request("GET", media_server + "/blob"))
    send_and_wait(qtbot, window)
    assert response.current_view() == "hex" and not response.view_buttons["raw"].isVisibleTo(window)
    assert response.hex.toPlainText().startswith("00000000  00 01 02 03")
    saved = tmp_path / "blob.bin"
    with qtbot.waitSignal(response.message, timeout=5000):
        response.save_body(str(saved))
    assert saved.read_bytes() == bytes(range(256)) * 4

    window.editor.set_request(Request("GET", media_server + "/page"))
    send_and_wait(qtbot, window)
    assert response.current_view() == "raw" and "of HTML" in response.info.text()
    assert response.raw.toPlainText() == "<h1>The server is up and running!</h1>\n"
    response.search.setText("running")
    response.search.returnPressed.emit()
    assert response.raw.textCursor().selectedText() == "running"


def test_search_in_a_small_json_tree(qtbot: Any, window: Any) -> None:
    window.editor.set_request(Request("GET", "{{base_url}}/todos", params=()))
    send_and_wait(qtbot, window)
    response = window.response
    response.show_view("tree")
    with qtbot.waitSignal(response.filtered, timeout=5000) as filtered:
        response.search.setText("ILLO est ratione doloremque quia maiores aut")  # todo 10, any case
        response.search.returnPressed.emit()
    assert filtered.args[0].startswith("1 match")
    assert response.tree_model.index(0, 0).data() == "$[9].title"
    response.show_view("pretty")
    qtbot.waitUntil(lambda: not response.pretty.loading)
    assert response.pretty.toPlainText().startswith('[\n  {\n    "userId": 1,')
    assert response.view_buttons["tree"].isVisibleTo(window) and response.query.isVisibleTo(window)
    response.tree.setFocus()
    assert Qt.FocusPolicy.NoFocus != response.tree.focusPolicy()
