"""Runs requests off the GUI thread and hands the results back as signals."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from requests.cookies import RequestsCookieJar

from core.rest.body import BodyView, analyze
from core.rest.files import History, entry_for
from core.rest.model import Environment, Request
from core.rest.runner import Outcome, Run


class RequestRunner(QObject):
    """One request at a time per window: ``send`` starts it in a thread, ``cancel`` cuts it off.

    The thread also inspects the body (``core.rest.body.analyze``: small JSON is parsed there) and adds
    the history entry, so that the GUI thread only has to show the result.
    """

    #: A request started (carries its run number).
    started = Signal(int)
    #: Bytes of the body so far, and the total when the server said it (or None).
    progress = Signal(object, object)
    #: The run is over (carries the Outcome and its BodyView, or None when there is no body).
    finished = Signal(object, object)
    # internal: results from the worker thread, queued into the GUI thread
    _done = Signal(int, object, object)
    _progressed = Signal(int, object, object)

    def __init__(self, history: History | None, body_dir: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.body_dir = body_dir
        self._ids = itertools.count(1)
        self._current: tuple[int, Run] | None = None
        self._runs: list[Run] = []  # every run whose thread may still be alive
        self._done.connect(self.on_done, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self.on_progressed, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._current is not None

    def send(self, request: Request, environment: Environment | None, cookies: RequestsCookieJar) -> int:
        self.cancel()
        number = next(self._ids)

        def progress(done: int, total: int | None) -> None:
            self._progressed.emit(number, done, total)

        run = Run(request, environment, cookies=cookies, body_dir=self.body_dir, on_progress=progress)
        self._current = (number, run)

        def finished(outcome: Outcome) -> None:
            view: BodyView | None = None
            if outcome.body is not None:
                try:
                    view = analyze(outcome.body)
                except OSError:
                    view = None
            if self.history is not None and not outcome.cancelled:
                try:
                    self.history.add(entry_for(outcome))
                except OSError:
                    pass  # a full disk loses a history line, not the answer
            self._done.emit(number, outcome, view)

        self._runs = [r for r in self._runs if r.thread is not None and r.thread.is_alive()]
        self._runs.append(run)
        run.start(finished)
        self.started.emit(number)
        return number

    def cancel(self) -> bool:
        """Cancel the running request; its late result (if any) is dropped. False when none runs."""
        if self._current is None:
            return False
        _, run = self._current
        run.cancel()
        self._current = None
        return True

    def on_done(self, number: int, outcome: Outcome, view: Any) -> None:
        if self._current is None or self._current[0] != number:
            return  # cancelled or replaced meanwhile
        self._current = None
        self.finished.emit(outcome, view)

    def on_progressed(self, number: int, done: Any, total: Any) -> None:
        if self._current is not None and self._current[0] == number:
            self.progress.emit(done, total)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait for the threads of all runs, cancelled ones included (tests and benchmarks use it)."""
        for run in self._runs:
            if run.thread is not None:
                run.thread.join(timeout)
        return not any(r.thread is not None and r.thread.is_alive() for r in self._runs)
