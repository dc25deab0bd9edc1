"""Raw mode (a graphical nc) against the real echo worker and a few tiny real servers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from core.text_codec import to_hex


@pytest.fixture
def raw(make_window, echo_address, qtbot) -> Any:
    window = make_window()
    window.connect_raw(*echo_address)
    qtbot.waitUntil(lambda: window.state == "connected")
    return window.raw


def send(pane: Any, text: str, mode: str = "text", ending: str = "lf") -> None:
    pane.send_mode.setCurrentIndex(pane.send_mode.findData(mode))
    pane.line_ending.setCurrentIndex(pane.line_ending.findData(ending))
    pane.input.setText(text)
    pane.on_send_pressed()


def received(pane: Any) -> bytes:
    return b"".join(e.data for e in pane.chunks_model.rows if e.kind == "in")


@pytest.fixture
def banner_server() -> Iterator[tuple[int, threading.Event, list[bytes]]]:
    """Like an SMTP server: says one line, reads until the client is done, then closes."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()
    got: list[bytes] = []

    def run() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"220 tiny server ready\r\n")
            data = b""
            while chunk := conn.recv(100):
                data += chunk
            got.append(data)
            conn.sendall(b"221 bye\r\n")
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield listener.getsockname()[1], done, got
    thread.join(10)
    listener.close()


def test_line_endings_and_escapes_reach_the_server_as_typed(raw, qtbot) -> None:
    send(raw, "HELO lab", "text", "crlf")
    send(raw, "a\\tb\\x00\\\\", "escaped", "none")
    send(raw, "é", "text", "cr")
    expected = b"HELO lab\r\n" + b"a\tb\x00\\" + "é".encode() + b"\r"
    qtbot.waitUntil(lambda: received(raw) == expected)
    sent = [e.data for e in raw.chunks_model.rows if e.kind == "out"]
    assert sent == [b"HELO lab\r\n", b"a\tb\x00\\", b"\xc3\xa9\r"]


def test_the_same_bytes_in_another_encoding(raw, qtbot) -> None:
    raw.encoding.setCurrentIndex(raw.encoding.findData("latin-1"))
    send(raw, "é", "text", "none")
    qtbot.waitUntil(lambda: received(raw) == b"\xe9")
    raw.encoding.setCurrentIndex(raw.encoding.findData("ascii"))
    raw.input.setText("é")
    assert "cannot be sent as ASCII" in raw.preview.text()
    assert not raw.send_button.isEnabled()
    raw.on_send_pressed()  # refused: nothing is sent
    assert raw.input.text() == "é"
    shown = raw.chunks_model.data(raw.chunks_model.index(raw.chunks_model.rowCount() - 1))
    assert shown == "\\xe9"  # the received Latin-1 byte, shown in ASCII mode


def test_bad_hex_is_explained_before_sending(raw) -> None:
    raw.send_mode.setCurrentIndex(raw.send_mode.findData("hex"))
    raw.input.setText("48 6")
    assert "odd number of hex digits" in raw.preview.text()
    assert not raw.send_button.isEnabled()
    raw.input.setText("48 69")
    assert raw.preview.text() == "2 bytes: 48 69"
    assert not raw.line_ending.isEnabled()  # hex is sent exactly as typed
    assert raw.send_button.isEnabled()


def test_a_small_read_size_shows_one_send_arriving_as_several_reads(raw, qtbot) -> None:
    raw.recv_size.setValue(4)
    send(raw, "0123456789", "text", "lf")  # 11 bytes
    qtbot.waitUntil(lambda: len(received(raw)) == 11)
    reads = [e for e in raw.chunks_model.rows if e.kind == "in"]
    assert len(reads) >= 3 and all(e.size <= 4 for e in reads)
    lines = [e for e in raw.lines_model.rows if e.kind == "in"]
    assert len(lines) == 1 and lines[0].data == b"0123456789\n" and lines[0].reads == len(reads)
    assert f"in {len(reads)} recv() calls" in raw.stats.text()
    raw.show_chunks(True)
    assert raw.view.model() is raw.chunks_model
    assert raw.delegate.badge(reads[0]) == "← recv #1 · 4 bytes"


def test_finish_sending_half_closes_and_the_echo_server_then_closes(raw, qtbot) -> None:
    send(raw, "last words", "text", "lf")
    raw.half_close_button.click()
    qtbot.waitUntil(lambda: raw.state == "closed")
    assert received(raw) == b"last words\n"
    states = [e.state for e in raw.log if hasattr(e, "state")]
    assert states[-2:] == ["half-closed", "closed"]
    assert raw.reconnect_button.isVisibleTo(raw) and not raw.disconnect_button.isVisibleTo(raw)
    raw.reconnect_button.click()
    qtbot.waitUntil(lambda: raw.state == "connected")


def test_a_server_that_speaks_first_and_closes_when_we_are_done(make_window, banner_server, qtbot) -> None:
    port, done, got = banner_server
    window = make_window()
    window.connect_raw("127.0.0.1", port)
    pane = window.raw
    qtbot.waitUntil(lambda: received(pane) == b"220 tiny server ready\r\n")
    send(pane, "QUIT", "text", "crlf")
    pane.half_close()
    qtbot.waitUntil(lambda: pane.state == "closed")
    assert done.wait(10) and got == [b"QUIT\r\n"]
    assert received(pane).endswith(b"221 bye\r\n")
    shown = pane.lines_model.data(pane.lines_model.index(
        next(i for i, e in enumerate(pane.lines_model.rows) if e.kind == "in")))
    assert shown == "220 tiny server ready\\r\\n"


def test_nothing_listening_is_explained_with_a_retry(make_window, qtbot) -> None:
    from tests.conftest import free_port

    window = make_window()
    port = free_port()
    window.connect_raw("127.0.0.1", port)
    qtbot.waitUntil(lambda: window.state == "failed")
    assert f"Nothing is listening at 127.0.0.1:{port}" in window.raw.banner.text()
    assert window.raw.banner.button.text() == "Try again"


def test_save_copy_and_clear_the_transcript(raw, qtbot, tmp_path: Path) -> None:
    send(raw, "hi\\r\\n", "escaped", "none")
    qtbot.waitUntil(lambda: received(raw) == b"hi\r\n")
    target = tmp_path / "transcript.txt"
    with qtbot.waitSignal(raw.saved, timeout=5000) as saved:
        raw.save_transcript(str(target))
    assert saved.args == [str(target)]
    text = target.read_text(encoding="utf-8")
    assert "-> sent #1: 4 bytes" in text and "<- recv #1: 4 bytes" in text
    assert "text: hi\\r\\n" in text and "hex:  68 69 0d 0a" in text

    raw.show_chunks(True)
    raw.view.selectAll()
    assert raw.copy_hex() == "68 69 0d 0a\n68 69 0d 0a"
    assert QApplication.clipboard().text() == "68 69 0d 0a\n68 69 0d 0a"

    raw.clear()
    assert raw.chunks_model.rowCount() == 0 and raw.lines_model.rowCount() == 0
    assert raw.stats.text().startswith("Sent 0 times")
    assert raw.state == "connected"  # clearing keeps the connection


def test_saving_into_a_missing_folder_fails_in_words(raw, qtbot, tmp_path: Path) -> None:
    with qtbot.waitSignal(raw.save_failed, timeout=5000) as failed:
        raw.save_transcript(str(tmp_path / "no" / "such" / "folder" / "t.txt"))
    assert failed.args[0].startswith("Could not save the transcript to ")


def test_hex_view_shows_bytes_as_hex(raw, qtbot) -> None:
    send(raw, to_hex(b"\x00\xff"), "hex")
    qtbot.waitUntil(lambda: received(raw) == b"\x00\xff")
    raw.hex_button.setChecked(True)
    entry = next(e for e in raw.lines_model.rows if e.kind == "in")
    assert raw.delegate.content(entry)[0] == "00 ff"
    raw.view.grab()  # paints every visible row in hex without error
