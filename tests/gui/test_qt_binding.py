"""The pinned Qt binding must not leak: PySide6 6.12.0 dropped a reference to None on every void call and
aborted Python after a few thousand calls (Fatal Python error: none_dealloc). Keep this as a tripwire."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_leak_references_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(20000):
        label.setText(str(i % 10))
    assert sys.getrefcount(None) >= before - 100
