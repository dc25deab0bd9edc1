"""The guard against PySide6 losing references to None on void calls (see gui/rest/qtfix.py)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import QLabel

from gui.rest import qtfix


def test_many_void_calls_cannot_free_none(qtbot: Any) -> None:
    assert qtfix.protect_none() is (sys.version_info < (3, 12) and qtfix._applied)
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(50_000):  # without the guard, the pinned PySide6 aborts the interpreter here
        label.setText("x")
    assert sys.getrefcount(None) > 0
    if qtfix._applied:
        assert before > 1 << 40
