"""A guard against a reference-counting bug in the pinned PySide6 on Python 3.11.

PySide6/shiboken6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of a ``void``
Qt method (``QLabel.setText``, ``QTextCursor.insertText``, ``QSyntaxHighlighter.setFormat`` ...): the
wheels appear to assume Python 3.12's immortal ``None``. After a few thousand calls ``None``'s count
reaches zero and the interpreter aborts with "none_dealloc: deallocating None". A JSON highlighter or a
big tree makes that many calls in a second.

The guard does what Python 3.12 does: it gives ``None`` a reference count so large that it can never
reach zero. ``None`` is never freed in any case, so this changes nothing else. It is applied only when
the bug is actually detected, so a fixed PySide6 (or Python 3.12+) makes it a no-op.
"""

from __future__ import annotations

import ctypes
import sys

_applied = False
#: Python 3.12 uses about 2**32 for immortal objects; this is far beyond any number of calls.
_HEADROOM = 1 << 48


def void_calls_leak_none() -> bool:
    """True when calling a ``void`` Qt method loses a reference to ``None`` (the bug above)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    calls = 64
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= calls // 2


def protect_none() -> bool:
    """Apply the guard once if needed; True when it is in effect."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or not void_calls_leak_none():
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += _HEADROOM
    _applied = True
    return True
