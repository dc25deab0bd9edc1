"""Painting: bubbles and transcript rows render in light and dark palettes, with readable colours."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from core.raw_client import Chunk
from gui.chat.chat_pane import ChatListView
from gui.chat.delegates import BubbleDelegate, TranscriptDelegate, muted, other_bubble, own_bubble
from gui.chat.listview import MessageListView
from gui.chat.model import ChatEntry, ChatModel, TranscriptModel


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio."""
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#1f2227"), (QPalette.ColorRole.Base, "#181a1f"),
                         (QPalette.ColorRole.Text, "#e6e8eb"), (QPalette.ColorRole.WindowText, "#e6e8eb")):
        p.setColor(role, QColor(colour))
    return p


@pytest.fixture(params=["light", "dark"])
def palette(request: Any, qapp: Any) -> Any:
    old = qapp.palette()
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    yield qapp.palette()
    qapp.setPalette(old)


def test_text_on_bubbles_is_readable(palette: QPalette) -> None:
    text = palette.color(QPalette.ColorRole.Text)
    assert contrast(text, other_bubble(palette)) >= 7
    assert contrast(QColor("#ffffff"), own_bubble(palette)) >= 4.5
    assert contrast(muted(palette), palette.color(QPalette.ColorRole.Base)) >= 3


def test_a_long_conversation_renders_and_scrolls_to_the_newest(qtbot, palette: QPalette, many_qt_calls) -> None:
    view = ChatListView()
    view.setItemDelegate(BubbleDelegate(view))
    qtbot.addWidget(view)
    view.resize(700, 500)
    model = ChatModel()
    entries = []
    for i in range(12_000):
        entries.append(ChatEntry("say", f"message {i} " + "word " * (i % 40), "ana" if i % 3 else "ben",
                                 time=i * 30.0, own=i % 3 == 0, status="delivered" if i % 3 == 0 else ""))
        if i % 500 == 0:
            entries.append(ChatEntry("join", f"guest-{i} joined", time=i * 30.0))
    entries += [ChatEntry("me", "waves 👋", "ben"), ChatEntry("marker", "New messages"),
                ChatEntry("error", "Connection lost"), ChatEntry("say", "waiting", "ana", own=True, status="queued"),
                ChatEntry("say", "x" * 3000, "ben")]
    model.extend(entries)
    view.setModel(model)
    view.show()
    view.scrollToBottom()
    last = model.index(model.rowCount() - 1)
    qtbot.waitUntil(lambda: view.visualRect(last).intersects(view.viewport().rect()))
    image = view.grab().toImage()
    assert not image.isNull()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 5  # bubbles, text and background were painted, not a blank list
    heights = {view.sizeHintForIndex(model.index(r)).height() for r in range(model.rowCount() - 6, model.rowCount())}
    assert max(heights) > 3 * min(heights)  # the long message wraps over many lines


def test_transcript_rows_render_in_text_and_hex(qtbot, palette: QPalette) -> None:
    view = MessageListView()
    delegate = TranscriptDelegate(view)
    view.setItemDelegate(delegate)
    qtbot.addWidget(view)
    view.resize(800, 300)
    model = TranscriptModel(lines=False)
    model.add_info("Connected.")
    model.add_chunk(Chunk("out", "👋 hi\r\n\x00".encode(), 0.0, 1, calls=2))
    model.add_chunk(Chunk("in", b"\xff\xfe" * 200, 0.1, 1))
    view.setModel(model)
    view.show()
    for hex_on in (False, True):
        delegate.show_hex = hex_on
        view.relayout()
        assert not view.grab().toImage().isNull()
    assert delegate.badge(model.rows[1]) == "→ sent #1 · 10 bytes (2 send calls)"
    text, formats = TranscriptDelegate(view).content(model.rows[1])
    assert text == "👋 hi\\r\\n\\0"
    # escape colouring is placed in UTF-16 units: the emoji counts two
    assert [(f.start, f.length) for f in formats] == [(5, 6)]
    assert QApplication.instance() is not None
