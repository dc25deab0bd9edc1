"""Worker functions that misbehave on purpose, for the supervisor tests (importable by spawned workers)."""

from __future__ import annotations

import time
from typing import Any

from core.messages import Listening
from core.workers.base import serve_until_stopped


def crash_after_listening(config: Any, inbox: Any, events: Any) -> None:
    events.put(Listening(events.name, "test", "tcp", "127.0.0.1", 1))
    raise RuntimeError("boom: the test worker crashed on purpose")


def ignore_stop(config: Any, inbox: Any, events: Any) -> None:
    """Never returns on Stop, so the supervisor has to terminate it."""
    events.put(Listening(events.name, "test", "tcp", "127.0.0.1", 1))
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # even ignores terminate: only kill works
    while True:
        time.sleep(0.1)


def idle(config: Any, inbox: Any, events: Any) -> None:
    events.put(Listening(events.name, "test", "tcp", "127.0.0.1", 1))
    serve_until_stopped(inbox)


def modules_loaded(config: Any, inbox: Any, events: Any) -> None:
    """Reports whether Qt is loaded in this worker process (it must never be)."""
    import sys

    from core.messages import Log

    events.put(Log(events.name, "info", "PySide6" if any(m.startswith("PySide6") for m in sys.modules) else "no-qt"))
    events.put(Listening(events.name, "test", "tcp", "127.0.0.1", 1))
    serve_until_stopped(inbox)


def burst(config: Any, inbox: Any, events: Any) -> None:
    """Reports ``config`` (a count) log lines as fast as it can, then exits: the events pipe sends bursts."""
    from core.messages import Log

    for i in range(config):
        events.put(Log(events.name, "info", f"line {i}"))
