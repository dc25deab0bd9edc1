"""Real chat and echo workers (one pair per test module), an AppContext over them, and chat windows."""

from __future__ import annotations

import itertools
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.config import ChatConfig, EchoConfig
from core.messages import Listening
from core.settings import Settings
from core.supervisor import Supervisor, WorkerSpec
from tests.conftest import wait_for

_rooms = itertools.count(1)


def qt_drops_none_references() -> bool:
    """True when the Qt binding loses a reference to None on each call of a void method.

    PySide6 6.12.0 does this on Python 3.11 (where None is not yet immortal): after a few thousand
    calls the interpreter aborts with "none_dealloc". 6.11.3 does not.
    """
    from PySide6.QtGui import QFont

    font = QFont()
    before = sys.getrefcount(None)
    for _ in range(50):
        font.setBold(True)
    return sys.getrefcount(None) < before - 25


@pytest.fixture
def many_qt_calls(qapp: Any) -> None:
    """For tests that make tens of thousands of Qt calls: skip, with the reason, on a binding that would abort."""
    if qt_drops_none_references():
        import PySide6

        pytest.skip(f"PySide6 {PySide6.__version__} loses a reference to None on every void Qt call on Python "
                    f"{sys.version_info.major}.{sys.version_info.minor}; this many calls would abort the test run "
                    "(none_dealloc). Pin PySide6-Essentials and shiboken6 to 6.11.3.")


@pytest.fixture(scope="module")
def lab(qapp: Any) -> Iterator[Any]:
    """A supervisor running the real chat and echo workers on free ports, behind a SupervisorBridge."""
    from gui.servers.bridge import SupervisorBridge

    supervisor = Supervisor(stop_timeout=5.0)
    events = supervisor.subscribe()
    supervisor.add(WorkerSpec("chat", "core.workers.chat:run", ChatConfig(port=0, sniff_seconds=0.3)))
    supervisor.add(WorkerSpec("echo", "core.workers.echo:run", EchoConfig(port=0)))
    supervisor.start("chat")
    supervisor.start("echo")
    seen = set()
    while seen != {"chat", "echo"}:
        seen.add(wait_for(events, lambda e: isinstance(e, Listening)).worker)
    supervisor.unsubscribe(events)
    bridge = SupervisorBridge(supervisor)
    try:
        yield bridge
    finally:
        bridge.close()


@pytest.fixture
def context(lab: Any) -> Any:
    from gui.context import AppContext

    return AppContext(Settings(nick="tester"), lab, persist=False)


@pytest.fixture
def chat_address(context: Any) -> tuple[str, int]:
    address = context.address("chat")
    assert address is not None
    return address


@pytest.fixture
def echo_address(context: Any) -> tuple[str, int]:
    address = context.address("echo")
    assert address is not None
    return address


@pytest.fixture
def room() -> str:
    """A fresh room name per test: the module's chat server keeps rooms and history between tests."""
    return f"test{next(_rooms)}"


@pytest.fixture(autouse=True)
def no_lan_browsing(monkeypatch: pytest.MonkeyPatch) -> None:
    from gui.chat.window import ChatWindow

    monkeypatch.setattr(ChatWindow, "discover", False)


@pytest.fixture
def make_window(qtbot: Any, context: Any) -> Iterator[Callable[..., Any]]:
    """Chat windows that are closed at the end, waiting until every socket they used is closed."""
    from gui.chat.window import ChatWindow

    windows: list[ChatWindow] = []

    def make(ctx: Any = context) -> ChatWindow:
        window = ChatWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    for window in windows:
        qtbot.waitUntil(lambda w=window: w.idle, timeout=15000)


class LineReader:
    """Reads a process's stdout lines in a thread, so a test can wait for one without blocking Qt."""

    def __init__(self, stream: Any) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line)

    def has(self, text: str) -> bool:
        while not self.lines.empty():
            self.seen.append(self.lines.get_nowait())
        return any(text in line for line in self.seen)

    def join(self) -> None:
        self._thread.join(10)
