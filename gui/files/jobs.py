"""Qt faces of the core file sender: core code runs on threads of its own, the GUI thread picks up results.

The windows never touch a socket or walk a folder themselves:

* :class:`SendJob` sends to one machine: :func:`core.file_sender.check_reachable` (connect + hello, so
  a failure names the layer), then a :class:`core.file_sender.FileSender`, which retries and resumes.
* :class:`Collector` runs :func:`core.file_sender.collect` (walking a big folder can take seconds).
* :class:`Probe` checks that a typed address answers like a Wirelab file receiver.

A :class:`SendJob`'s thread never calls Qt. It writes what the sender reports into a small locked
mailbox, and a timer on the GUI thread empties it every :data:`POLL_MS` and emits the signals. So each
job delivers at most ten updates a second, however many files or chunks go by. A window closed in
the middle of a transfer cannot be reached by a late callback either: jobs have no Qt parent and stay
alive (in ``SendJob.live``) until their thread is done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from core.file_sender import FileResult, FileSender, LocalFile, SendOutcome, SendProgress, check_reachable, collect
from core.net.connect import ConnectFailure
from core.text import format_host

log = logging.getLogger(__name__)

#: How often the GUI thread picks up what a sender thread reported.
POLL_MS = 100

#: Short names for the layer that failed, shown before core's plain-words explanation.
LAYER_WORDS = {
    "address": "the address is not valid",
    "name": "name lookup failed",
    "refused": "connection refused",
    "timeout": "no answer (timed out)",
    "unreachable": "no network route",
    "wrong_program": "not a Wirelab file receiver",
    "service": "the receiver refused",
    "other": "could not connect",
}


@dataclass(frozen=True)
class Target:
    """A machine to send to. ``label`` is what the person sees ("ana on lab-3 (10.0.0.3:5051)")."""

    host: str
    port: int
    label: str = ""
    own: bool = False  # this computer's own receiver

    @property
    def address(self) -> str:
        return f"{format_host(self.host)}:{self.port}"

    @property
    def name(self) -> str:
        return self.label or self.address

    @property
    def short(self) -> str:
        """The label without its "(address)" part: "ana on lab-3"."""
        label = self.label
        if label.endswith(")") and " (" in label:
            return label[:label.rindex(" (")]
        return label or self.address


class SendJob(QObject):
    """Files to one machine on a thread of its own. Create, connect the signals, then :meth:`start`.

    States, in order: "checking", "waiting" (for the person there to accept), "sending" (or "retrying"
    after a dropped connection), then one of "verified", "partial", "declined", "unreachable",
    "failed" or "cancelled".
    """

    #: The state changed: (state, words for people).
    state_changed = Signal(str, str)
    #: The latest :class:`core.file_sender.SendProgress` (at most one per POLL_MS).
    progressed = Signal(object)
    #: Files the receiver answered for since the last update: a list of :class:`core.file_sender.FileResult`.
    results = Signal(list)
    #: The job is over: the :class:`core.file_sender.SendOutcome` (``layer`` says which layer failed, if one did).
    finished = Signal(object)

    #: Jobs whose thread may still be running (they have no Qt parent; this keeps them alive).
    live: ClassVar[set[SendJob]] = set()

    def __init__(self, target: Target, files: list[LocalFile], *, nick: str = "", machine: str | None = None,
                 already: dict[str, FileResult] | None = None, check_timeout: float = 5.0,
                 sender_options: dict[str, Any] | None = None,
                 progress_hook: Callable[[SendProgress], None] | None = None) -> None:
        """``already``: results from an earlier try (kept on show); ``progress_hook`` runs on the sender's
        thread for every progress report (tests and screenshots pause a transfer there)."""
        super().__init__()
        self.target = target
        self.files = list(files)
        self.nick = nick
        self.machine = machine
        self.check_timeout = check_timeout
        self.sender_options = dict(sender_options or {})
        self.progress_hook = progress_hook
        self.total_bytes = sum(f.size for f in self.files)
        self.rels = {f.rel for f in self.files}
        # GUI-thread state (what the window shows)
        self.state = "new"
        self.words = ""
        self.receiver = ""  # the receiver's computer name, once it answered
        self.progress: SendProgress | None = None
        self.file_results: dict[str, FileResult] = dict(already or {})
        self.outcome: SendOutcome | None = None
        self.cancel_requested = False
        # the mailbox (sender thread -> GUI thread)
        self._lock = threading.Lock()
        self._box_states: list[tuple[str, str, str]] = []  # (state, words, receiver name)
        self._box_progress: SendProgress | None = None
        self._box_results: list[FileResult] = []
        self._box_outcome: SendOutcome | None = None
        self._sender: FileSender | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    # --- control (GUI thread) ---------------------------------------------------------------------

    def start(self) -> None:
        SendJob.live.add(self)
        self._set_state("checking", f"Checking that {self.target.name} answers…")
        self._thread = threading.Thread(target=self._run, name=f"send-{self.target.address}", daemon=True)
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        """Stop as soon as possible; what the receiver already holds stays there, to resume later."""
        if self.outcome is not None or self.cancel_requested:
            return
        self.cancel_requested = True
        self._cancel.set()
        with self._lock:
            sender = self._sender
        if sender is not None:
            sender.cancel()
        self._set_state(self.state, "Cancelling…")

    @property
    def display_name(self) -> str:
        """The machine as the person knows it: the label it was picked by, or its own name and address."""
        if self.target.label:
            return self.target.label
        return f"{self.receiver} ({self.target.address})" if self.receiver else self.target.address

    @property
    def short_name(self) -> str:
        """For narrow places: "ana on lab-3", "This computer", or the receiver's own name once known."""
        if self.target.label:
            return self.target.short
        return self.receiver or self.target.address

    @property
    def who(self) -> str:
        """The machine inside a sentence: "this computer", "lab-3", "ana on lab-3"."""
        if self.target.own:
            return "this computer"
        return self.receiver or self.target.name

    @property
    def done(self) -> bool:
        """The outcome is known and the thread is over."""
        return self.outcome is not None and (self._thread is None or not self._thread.is_alive())

    @property
    def fraction(self) -> float | None:
        """How much has arrived, 0..1; None before anything is known."""
        if self.outcome is not None and self.outcome.ok:
            return 1.0
        if self.progress is None or not self.progress.total_bytes:
            return None
        return self.progress.done_bytes / self.progress.total_bytes

    @property
    def running(self) -> bool:
        return self.state in ("checking", "waiting", "sending", "retrying")

    def unverified(self) -> list[LocalFile]:
        """The files the receiver does not hold verified yet (what "Send again" sends)."""
        return [f for f in self.files if self.file_results.get(f.rel, FileResult("", "")).status != "verified"]

    # --- the thread -------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            outcome = self._send()
        except Exception as exc:  # noqa: BLE001 - never let a thread die silently: say it in the window
            log.exception("sending to %s failed", self.target.address)
            outcome = self._failed_outcome(f"Sending stopped because of an unexpected error: {exc}.", "")
        with self._lock:
            self._box_outcome = outcome

    def _send(self) -> SendOutcome:
        try:
            receiver = check_reachable(self.target.host, self.target.port, timeout=self.check_timeout)
        except ConnectFailure as exc:
            return self._failed_outcome(exc.message, exc.layer)
        self._post_state("waiting", f"Waiting for the person at {receiver} to accept…", receiver)
        with self._lock:
            if self._cancel.is_set():
                return self._cancelled_outcome()
            options: dict[str, Any] = {"nick": self.nick, "machine": self.machine, **self.sender_options}
            self._sender = FileSender(self.target.host, self.target.port, self.files,
                                      on_progress=self._on_progress, on_result=self._on_result, **options)
        return self._sender.run()

    def _failed_outcome(self, message: str, layer: str) -> SendOutcome:
        return SendOutcome(False, message, [FileResult(f.rel, "failed", message) for f in self.files], layer=layer)

    def _cancelled_outcome(self) -> SendOutcome:
        words = "Cancelled before anything was sent."
        return SendOutcome(False, words, [FileResult(f.rel, "cancelled", words) for f in self.files], cancelled=True)

    def _post_state(self, state: str, words: str, receiver: str = "") -> None:
        with self._lock:
            self._box_states.append((state, words, receiver))

    def _on_progress(self, progress: SendProgress) -> None:
        with self._lock:
            self._box_progress = progress
        if self.progress_hook is not None:
            self.progress_hook(progress)  # after the mailbox: a hook that pauses leaves this progress on show

    def _on_result(self, result: FileResult) -> None:
        with self._lock:
            self._box_results.append(result)

    # --- the GUI thread's side --------------------------------------------------------------------

    def poll(self) -> None:
        """Empty the mailbox and emit what changed (runs every POLL_MS on the GUI thread)."""
        with self._lock:
            states, self._box_states = self._box_states, []
            progress, self._box_progress = self._box_progress, None
            results, self._box_results = self._box_results, []
            outcome = self._box_outcome
        for state, words, receiver in states:
            if receiver:
                self.receiver = receiver
            if not self.cancel_requested:
                self._set_state(state, words)
        if results:
            for result in results:
                self.file_results[result.rel] = result
            self.results.emit(results)
        if progress is not None:
            self.progress = progress
            if not self.cancel_requested and self.state in ("waiting", "sending", "retrying"):
                if progress.current and progress.current not in self.rels:
                    self._set_state("retrying", progress.current)  # e.g. "Connection lost; trying again (1/3)…"
                elif progress.done_bytes or progress.files_done or self.state != "waiting":
                    self._set_state("sending", f"Sending to {self.who}…")
            self.progressed.emit(progress)
        if outcome is not None and self.outcome is None and (self._thread is None or not self._thread.is_alive()):
            self._finish(outcome)

    def _finish(self, outcome: SendOutcome) -> None:
        self._timer.stop()
        self.outcome = outcome
        fresh = [r for r in outcome.results if self.file_results.get(r.rel) != r]
        for result in outcome.results:
            self.file_results[result.rel] = result
        if fresh:
            self.results.emit(fresh)
        self._set_state(*self._final_state(outcome))
        SendJob.live.discard(self)
        self.finished.emit(outcome)

    def _final_state(self, outcome: SendOutcome) -> tuple[str, str]:
        who = self.who
        results = list(self.file_results.values())
        verified = sum(1 for r in results if r.status == "verified")
        if outcome.ok:
            return "verified", f"All {len(self.files)} file(s) arrived at {who}, checked by SHA-256."
        if outcome.cancelled:
            return "cancelled", (f"Cancelled: {verified} of {len(self.files)} file(s) had arrived. {who[0].upper()}"
                                 f"{who[1:]} keeps the partial files; “Send again” continues where it stopped.")
        if outcome.declined:
            return "declined", outcome.message
        if outcome.layer:
            heading = LAYER_WORDS.get(outcome.layer, "could not connect")
            return "unreachable", f"Could not reach {self.target.name} ({heading}). {outcome.message}"
        if verified:
            return "partial", outcome.message
        return "failed", outcome.message

    def _set_state(self, state: str, words: str) -> None:
        if (state, words) == (self.state, self.words):
            return
        self.state, self.words = state, words
        self.state_changed.emit(state, words)


class _OneShot(QObject):
    """A function on a thread, its result delivered once on the GUI thread."""

    #: internal: the thread's result, queued into the GUI thread.
    _done = Signal(object)
    live: ClassVar[set[_OneShot]] = set()

    def __init__(self) -> None:
        super().__init__()
        self.finished_flag = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _start(self, fn: Callable[[], Any], name: str) -> None:
        _OneShot.live.add(self)

        def run() -> None:
            try:
                value = fn()
            except Exception as exc:  # noqa: BLE001 - delivered as the result, never lost in a thread
                log.exception("%s failed", name)
                value = exc
            self._done.emit(value)

        threading.Thread(target=run, name=name, daemon=True).start()

    def _deliver(self, value: Any) -> None:
        self.finished_flag = True
        _OneShot.live.discard(self)
        self.deliver(value)

    def deliver(self, value: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Collector(_OneShot):
    """Turns dropped or picked paths into files to send (folders walked on a thread)."""

    #: (list of :class:`core.file_sender.LocalFile`, list of problems in words)
    collected = Signal(list, list)

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = list(paths)

    def start(self) -> None:
        self._start(lambda: collect(self.paths), "collect-files")

    def deliver(self, value: Any) -> None:
        if isinstance(value, Exception):
            self.collected.emit([], [f"Those files could not be added: {value}."])
        else:
            files, problems = value
            self.collected.emit(files, problems)


class Probe(_OneShot):
    """Checks that ``host:port`` answers like a Wirelab file receiver (connect + hello)."""

    #: (address, receiver's computer name or "", words for people when it did not answer or "")
    answered = Signal(str, str, str)

    def __init__(self, target: Target, timeout: float = 5.0) -> None:
        super().__init__()
        self.target = target
        self.timeout = timeout

    def start(self) -> None:
        self._start(self._check, "probe")

    def _check(self) -> str | ConnectFailure:
        try:
            return check_reachable(self.target.host, self.target.port, timeout=self.timeout)
        except ConnectFailure as exc:
            return exc  # an expected answer ("nothing listens there"), not an error worth a traceback

    def deliver(self, value: Any) -> None:
        if isinstance(value, ConnectFailure):
            heading = LAYER_WORDS.get(value.layer, "could not connect")
            self.answered.emit(self.target.address, "", f"{heading[0].upper()}{heading[1:]}: {value.message}")
        elif isinstance(value, Exception):
            self.answered.emit(self.target.address, "", f"Could not check {self.target.address}: {value}.")
        else:
            self.answered.emit(self.target.address, str(value), "")
