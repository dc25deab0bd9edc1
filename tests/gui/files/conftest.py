"""Real file receiver workers (one pair per test module) behind a bridge, an AppContext, send windows.

``files`` accepts every offer (it is "this computer's receiver": ``context.address("files")``);
``asking`` asks its person first (``auto_accept=False``), so tests answer with the offer dialog.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from core.config import FileConfig
from core.file_sender import FileSender, SendOutcome, collect
from core.messages import Listening
from core.settings import Settings
from core.supervisor import Supervisor, WorkerSpec
from tests.conftest import wait_for


@dataclass
class Lab:
    bridge: Any
    inbox: Path  # where the auto-accepting "files" worker stores files
    asking_inbox: Path  # where the "asking" worker stores them

    @property
    def supervisor(self) -> Supervisor:
        return self.bridge.supervisor

    def address(self, worker: str) -> tuple[str, int]:
        listening = self.supervisor.info(worker).listening
        assert listening, f"the {worker} worker is not listening"
        return listening[0].host, listening[0].port


@pytest.fixture(scope="module")
def lab(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    from gui.servers.bridge import SupervisorBridge

    inbox, asking_inbox = tmp_path_factory.mktemp("inbox"), tmp_path_factory.mktemp("asking-inbox")
    supervisor = Supervisor(stop_timeout=5.0)
    events = supervisor.subscribe()
    common = dict(port=0, min_free_bytes=0, server_name="receiver", nick="teacher")
    supervisor.add(WorkerSpec("files", "core.workers.files:run",
                              FileConfig(receive_dir=str(inbox), auto_accept=True, **common)))
    supervisor.add(WorkerSpec("asking", "core.workers.files:run",
                              FileConfig(receive_dir=str(asking_inbox), auto_accept=False, **common)))
    supervisor.start("files")
    supervisor.start("asking")
    seen: set[str] = set()
    while seen != {"files", "asking"}:
        seen.add(wait_for(events, lambda e: isinstance(e, Listening)).worker)
    supervisor.unsubscribe(events)
    bridge = SupervisorBridge(supervisor)
    try:
        yield Lab(bridge, inbox, asking_inbox)
    finally:
        bridge.close()


@pytest.fixture
def context(lab: Lab) -> Any:
    from gui.context import AppContext

    return AppContext(Settings(nick="tester"), lab.bridge, persist=False)


@pytest.fixture(autouse=True)
def no_lan_browsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other engineers' receivers on this network must not appear in the tests' lists."""
    from gui.files.window import SendWindow

    monkeypatch.setattr(SendWindow, "discover", False)


@pytest.fixture
def make_window(qtbot: Any, context: Any) -> Iterator[Callable[..., Any]]:
    """Send windows that are closed at the end, waiting until every thread they started is over."""
    from gui.files.window import SendWindow

    windows: list[SendWindow] = []

    def make(ctx: Any = context) -> SendWindow:
        window = SendWindow(ctx)
        # pytest-qt closes its widgets before this fixture's own cleanup: never ask then (a modal
        # "still being sent?" box would hang a failed test's teardown)
        qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "ask_before_closing", False))
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.ask_before_closing = False
        window.close()
    for window in windows:
        qtbot.waitUntil(lambda w=window: w.idle, timeout=20000)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): digest(p) for p in sorted(root.rglob("*")) if p.is_file()}


def drop(widget: Any, paths: list[Path]) -> bool:
    """Drop files on ``widget`` as a file manager would: drag enter, then drop. True if it was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(QPoint(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


class BackgroundSend:
    """A core FileSender on a thread (another "lab machine" sending to us); ``outcome`` once done."""

    def __init__(self, address: tuple[str, int], paths: list[Path], *, machine: str, nick: str = "ana") -> None:
        files, problems = collect(paths)
        assert not problems
        self.sender = FileSender(*address, files, nick=nick, machine=machine)
        self.outcome: SendOutcome | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.outcome = self.sender.run()

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()


def make_tree(base: Path, name: str = "handout", big: int = 3 * 1024 * 1024) -> Path:
    """A folder like a lab handout: a bigger file in a sub-folder, small notes, an empty file."""
    import os

    root = base / name
    (root / "slides").mkdir(parents=True)
    (root / "slides" / "week 1 – intro.pdf").write_bytes(os.urandom(big))
    for i in range(5):
        (root / f"note-{i}.txt").write_text(f"note {i}\n" * (i + 1), encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root
