"""The one adapter between the process supervisor and Qt."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from core.messages import Listening, WorkerExited, WorkerStarting
from core.supervisor import Supervisor


class SupervisorBridge(QObject):
    """Delivers the supervisor's events as Qt signals on the GUI thread, and runs its slow calls elsewhere.

    The events are read from a subscriber queue by a 25 ms timer, at most ``batch`` per tick, with
    ``get_nowait``: the GUI thread never waits on a worker, and a flood of events cannot starve painting.
    Start/stop/restart run in short-lived threads because stopping waits for the process to exit.
    """

    #: Every event from every worker, in arrival order (a :mod:`core.messages` dataclass).
    event = Signal(object)
    #: The same events, once per tick as a list (for views that insert many rows at once).
    events = Signal(list)
    #: A worker's state, addresses or error changed; carries the worker name (read ``supervisor.info``).
    worker_changed = Signal(str)

    def __init__(self, supervisor: Supervisor, parent: QObject | None = None, *, batch: int = 2000,
                 budget_ms: float = 8.0) -> None:
        super().__init__(parent)
        self.supervisor = supervisor
        self.batch = batch
        self.budget = budget_ms / 1000
        self._queue = supervisor.subscribe()
        self._timer = QTimer(self)
        self._timer.setInterval(25)
        self._timer.timeout.connect(self.on_tick)
        self._timer.start()
        self._threads: list[threading.Thread] = []

    def on_tick(self) -> None:
        """Hand on what arrived, for at most ``budget_ms`` per tick; the rest waits for the next tick."""
        started = time.perf_counter()
        batch: list[Any] = []
        for _ in range(self.batch):
            try:
                event = self._queue.get_nowait()
            except queue.Empty:
                break
            batch.append(event)
            self.event.emit(event)
            if isinstance(event, (Listening, WorkerExited, WorkerStarting)) or getattr(event, "fatal", False):
                self.worker_changed.emit(event.worker)
            if time.perf_counter() - started > self.budget:
                break
        if batch:
            self.events.emit(batch)

    def _in_background(self, fn: Callable[..., Any], *args: Any) -> None:
        thread = threading.Thread(target=fn, args=args, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def start(self, name: str) -> None:
        self._in_background(self.supervisor.start, name)

    def stop(self, name: str) -> None:
        self._in_background(self.supervisor.stop, name)
        self.worker_changed.emit(name)

    def restart(self, name: str) -> None:
        self._in_background(self.supervisor.restart, name)

    def send(self, name: str, command: Any) -> bool:
        return self.supervisor.send(name, command)

    def close(self) -> None:
        """Stop the timer, stop every worker and wait for them (called when the app quits)."""
        self._timer.stop()
        for thread in self._threads:
            thread.join(10)
        self.supervisor.unsubscribe(self._queue)
        self.supervisor.close()
