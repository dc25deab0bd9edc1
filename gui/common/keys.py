"""Keyboard shortcuts shared by the tool windows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def shortcut(widget: QWidget, keys: Any, slot: Callable[[], Any],
             context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QShortcut:
    """``keys`` (a string, a key or a standard key) runs ``slot`` while ``widget``'s window (or the widget) has focus."""
    made = QShortcut(QKeySequence(keys), widget)
    made.setContext(context)
    made.activated.connect(slot)
    return made


def send_and_cancel_keys(window: QWidget, send: Callable[[], Any], cancel: Callable[[], Any]) -> None:
    """Ctrl+Enter (either Enter key) sends, Esc cancels: the same in every tool window."""
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut(window, keys, send)
    shortcut(window, Qt.Key.Key_Escape, cancel)
