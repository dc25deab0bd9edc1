"""The process supervisor: starts, watches, stops and restarts Wirelab's worker processes.

Every server (chat, echo, file receiving, REST API) runs in its own process started with the ``spawn``
method, so a crash or a stuck thread in one never takes down the app or the other servers, and the same
code behaves alike on Linux, macOS and Windows (and in a PyInstaller bundle).

Per worker::

    app process                                   worker process
    -----------                                   --------------
    inbox  (mp.Queue)  ---- Stop, OfferAnswer --->  run(config, inbox, events)
    events (Pipe)      <--- Listening, Log, ... ---  a feeder thread sends what events.put() queued
    lifeline (Pipe)    ---- nothing, ever ------->  watcher thread: EOF => parent is gone => exit

Each worker has its *own* events pipe: a worker killed in the middle of writing an event can only
garble its own pipe (which dies with it). One queue shared by all workers would be guarded by one
cross-process lock, and a worker killed while holding it would silence every other worker.

The lifeline is how workers never outlive the app: the app holds the write end and never writes; when
the app exits *or is killed* (even with SIGKILL), the OS closes that end, the worker's blocking read
returns EOF and the worker exits at once.

One pump thread waits on all the events pipes at once and polls the processes, keeps a :class:`WorkerInfo` per worker
up to date, and hands every event to each subscriber queue (:meth:`Supervisor.subscribe`). The CLI reads
its subscriber queue directly; the GUI's adapter drains one from a timer, so the GUI thread never blocks.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from core.errors import EXIT_CONFIG, EXIT_CRASH, WorkerFatal
from core.messages import (
    Listening,
    Stop,
    WorkerCrashReport,
    WorkerError,
    WorkerExited,
    WorkerStarting,
)

log = logging.getLogger(__name__)

#: Seconds between automatic restarts of a crashing worker: 1, 2, 4 ... at most 30.
RESTART_BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
#: A worker that ran this long before crashing starts again from the shortest backoff.
RESTART_RESET_AFTER = 60.0


class WorkerState(str, Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    CRASHED = "crashed"


@dataclass(frozen=True)
class WorkerSpec:
    """What to run: ``target`` is ``"package.module:function"``, called as ``function(config, inbox, events)``."""

    name: str
    target: str
    config: Any


@dataclass(frozen=True)
class WorkerInfo:
    """A snapshot of one worker, safe to hand to another thread."""

    name: str
    state: WorkerState
    pid: int | None = None
    listening: tuple[Listening, ...] = ()
    error: str = ""
    traceback: str = ""
    exitcode: int | None = None
    starts: int = 0


@dataclass(eq=False)
class _Handle:
    spec: WorkerSpec
    state: WorkerState = WorkerState.STOPPED
    process: Any = None
    inbox: Any = None
    lifeline: Any = None
    listening: list[Listening] = field(default_factory=list)
    error: str = ""
    traceback: str = ""
    exitcode: int | None = None
    stop_requested: bool = False
    started_at: float = 0.0
    starts: int = 0
    crash_streak: int = 0
    restart_timer: threading.Timer | None = None
    stopper: threading.Thread | None = None
    events: Any = None  # the read end of this worker's events pipe
    events_done: bool = False  # EOF seen: the worker closed its end
    read_lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> WorkerInfo:
        return WorkerInfo(
            name=self.spec.name,
            state=self.state,
            pid=self.process.pid if self.process is not None else None,
            listening=tuple(self.listening),
            error=self.error,
            traceback=self.traceback,
            exitcode=self.exitcode,
            starts=self.starts,
        )


def describe_exit(exitcode: int | None) -> str:
    """Plain words for how a worker process ended."""
    if exitcode is None:
        return "is still running"
    if exitcode == 0:
        return "stopped normally"
    if exitcode == EXIT_CONFIG:
        return "could not start with its settings"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"was stopped by the operating system ({name})"
    return f"stopped unexpectedly (exit code {exitcode})"


class Supervisor:
    """Starts named workers in ``spawn`` processes and reports what they do. Thread-safe."""

    def __init__(self, *, auto_restart: bool = False, stop_timeout: float = 5.0, worker_nice: int = 0) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        #: How much lower than this process the workers run (0: the same). The GUI asks for a little lower,
        #: so a busy server never takes the CPU from the window; the servers still get every idle cycle.
        self.worker_nice = worker_nice
        self._lock = threading.RLock()
        self._handles: dict[str, _Handle] = {}
        self._subscribers: list[queue.Queue] = []
        self._closed = threading.Event()
        self.auto_restart = auto_restart
        self.stop_timeout = stop_timeout
        self._pump = threading.Thread(target=self._run_pump, name="wirelab-supervisor", daemon=True)
        self._pump.start()

    # --- configuration ----------------------------------------------------------------------------

    def add(self, spec: WorkerSpec) -> None:
        with self._lock:
            if spec.name in self._handles:
                raise ValueError(f"worker {spec.name!r} already added")
            self._handles[spec.name] = _Handle(spec)

    def names(self) -> list[str]:
        with self._lock:
            return list(self._handles)

    def config(self, name: str) -> Any:
        with self._lock:
            return self._handles[name].spec.config

    def set_config(self, name: str, config: Any) -> None:
        """Replace a worker's config; it takes effect at the next (re)start."""
        with self._lock:
            handle = self._handles[name]
            handle.spec = replace(handle.spec, config=config)

    def info(self, name: str) -> WorkerInfo:
        with self._lock:
            return self._handles[name].snapshot()

    def infos(self) -> list[WorkerInfo]:
        with self._lock:
            return [h.snapshot() for h in self._handles.values()]

    # --- events -----------------------------------------------------------------------------------

    def subscribe(self) -> queue.Queue:
        """A new queue that receives every event from now on (workers' and the supervisor's own)."""
        q: queue.Queue = queue.Queue()
        with self._lock:
            self._subscribers.append(q)
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self._lock:
            if q in self._subscribers:
                self._subscribers.remove(q)

    def _publish(self, event: Any) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for q in subscribers:
            q.put(event)

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self, name: str) -> None:
        """Start the worker unless it is already starting or running. Returns at once."""
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("supervisor is closed")
            handle = self._handles[name]
            self._cancel_restart(handle)
            stopper = handle.stopper
        if stopper is not None:
            stopper.join()  # a stop in progress finishes first, so the port is free again
        with self._lock:
            died = handle.process is not None and handle.stopper is None and handle.process.exitcode is not None
        if died:
            self._reap(handle)  # it died a moment ago and the pump has not noticed yet
        with self._lock:
            if handle.state in (WorkerState.STARTING, WorkerState.RUNNING):
                return
            self._spawn(handle)
            event = WorkerStarting(name, handle.process.pid)
        self._publish(event)

    def _spawn(self, handle: _Handle) -> None:
        reader, writer = self._ctx.Pipe(duplex=False)
        events_reader, events_writer = self._ctx.Pipe(duplex=False)
        inbox = self._ctx.Queue()
        spec = handle.spec
        process = self._ctx.Process(
            target=_worker_entry,
            args=(spec.name, spec.target, spec.config, inbox, events_writer, reader, self.worker_nice),
            name=f"wirelab-{spec.name}",
            daemon=True,
        )
        process.start()
        reader.close()  # only the child keeps the read end: its EOF is the parent's death
        events_writer.close()  # only the child writes events: EOF here means it is gone
        handle.events = events_reader
        handle.events_done = False
        handle.process = process
        handle.inbox = inbox
        handle.lifeline = writer
        handle.state = WorkerState.STARTING
        handle.listening = []
        handle.error = ""
        handle.traceback = ""
        handle.exitcode = None
        handle.stop_requested = False
        handle.started_at = time.monotonic()
        handle.starts += 1

    def send(self, name: str, command: Any) -> bool:
        """Put a command in the worker's inbox; False when the worker is not running."""
        with self._lock:
            handle = self._handles[name]
            if handle.inbox is None or handle.state not in (WorkerState.STARTING, WorkerState.RUNNING):
                return False
            handle.inbox.put(command)
            return True

    def stop(self, name: str, *, wait: bool = True, timeout: float | None = None) -> None:
        """Ask the worker to stop; after ``timeout`` terminate it, then kill it.

        With ``wait=False`` this returns at once and the escalation runs in a background thread; the
        :class:`WorkerExited` event says when the process is gone.
        """
        timeout = self.stop_timeout if timeout is None else timeout
        with self._lock:
            handle = self._handles[name]
            self._cancel_restart(handle)
            if handle.process is None or handle.state in (WorkerState.STOPPED, WorkerState.CRASHED):
                handle.state = WorkerState.STOPPED if handle.process is None else handle.state
                return
            handle.stop_requested = True
            if handle.stopper is None:
                handle.state = WorkerState.STOPPING
                try:
                    handle.inbox.put(Stop())
                except (OSError, ValueError):
                    pass
                handle.stopper = threading.Thread(
                    target=self._escalate, args=(handle, handle.process, timeout),
                    name=f"wirelab-stop-{name}", daemon=True,
                )
                handle.stopper.start()
            stopper = handle.stopper
        if wait:
            stopper.join()

    def _escalate(self, handle: _Handle, process: Any, timeout: float) -> None:
        # Only this thread waits on the process from here on: the pump leaves handles with a stopper alone.
        process.join(timeout)
        if process.exitcode is None:
            log.warning("worker %s did not stop within %.1fs; terminating", handle.spec.name, timeout)
            process.terminate()
            process.join(2.0)
        if process.exitcode is None:
            log.warning("worker %s ignored terminate; killing", handle.spec.name)
            process.kill()
            process.join()
        self._reap(handle, from_stopper=True)

    def restart(self, name: str) -> None:
        self.stop(name, wait=True)
        self.start(name)

    def stop_all(self, *, timeout: float | None = None) -> None:
        """Stop every worker at the same time and wait until all are gone."""
        names = self.names()
        for name in names:
            self.stop(name, wait=False, timeout=timeout)
        for name in names:
            with self._lock:
                stopper = self._handles[name].stopper
            if stopper is not None:
                stopper.join()
        # A worker that exited on its own just before is reaped by the pump; wait for that too.
        deadline = time.monotonic() + (timeout or self.stop_timeout)
        while time.monotonic() < deadline and any(
            info.pid is not None for info in self.infos()
        ):
            time.sleep(0.01)

    def close(self) -> None:
        """Stop all workers and release every queue and thread. The supervisor cannot be used after."""
        if self._closed.is_set():
            return
        self.stop_all()
        with self._lock:
            self._closed.set()
            for handle in self._handles.values():
                self._cancel_restart(handle)
        self._pump.join()

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the pump ---------------------------------------------------------------------------------

    def _run_pump(self) -> None:
        while not self._closed.is_set():
            with self._lock:
                readers = {h.events: h for h in self._handles.values() if h.events is not None and not h.events_done}
            if readers:
                try:
                    ready = multiprocessing.connection.wait(list(readers), timeout=0.05)
                except OSError:
                    ready = []  # a pipe was closed under us by a reap: look again
                for conn in ready:
                    self._read_events(readers[conn], limit=256)
            else:
                self._closed.wait(0.05)
            self._check_exits()

    def _read_events(self, handle: _Handle, limit: int | None = None) -> None:
        """Hand on what the worker has sent (all of it when ``limit`` is None). Never blocks."""
        count = 0
        while limit is None or count < limit:
            with handle.read_lock:
                conn = handle.events
                if conn is None or handle.events_done:
                    return
                try:
                    if not conn.poll(0):
                        return
                    batch = conn.recv()  # a list of events (WorkerEvents sends what piled up at once)
                except (EOFError, OSError, ValueError, pickle.UnpicklingError, AttributeError, ImportError):
                    handle.events_done = True  # the worker closed its end (or died mid-write)
                    return
            count += 1
            for event in batch:
                self._on_event(event)

    def _on_event(self, event: Any) -> None:
        with self._lock:
            handle = self._handles.get(getattr(event, "worker", ""))
            if handle is not None:
                if isinstance(event, Listening):
                    handle.listening.append(event)
                    if handle.state == WorkerState.STARTING:
                        handle.state = WorkerState.RUNNING
                elif isinstance(event, WorkerError) and event.fatal:
                    handle.error = event.message
                    handle.traceback = event.detail
                elif isinstance(event, WorkerCrashReport):
                    handle.error = event.message
                    handle.traceback = event.traceback
        self._publish(event)

    def _check_exits(self) -> None:
        with self._lock:  # polled under the lock, so stop() cannot start waiting on it meanwhile
            exited = [
                h for h in self._handles.values()
                if h.process is not None and h.stopper is None and h.process.exitcode is not None
            ]
        for handle in exited:
            self._reap(handle)

    def _reap(self, handle: _Handle, *, from_stopper: bool = False) -> None:
        """Turn a finished process into a WorkerExited event (once) and free its resources."""
        self._read_events(handle)  # the worker's last words (crash report) come before its exit
        with self._lock:
            process = handle.process
            if process is None or (handle.stopper is not None and not from_stopper):
                return
            if process.exitcode is None:
                return
            exitcode = process.exitcode
            requested = handle.stop_requested
            crashed = not requested and exitcode != 0
            handle.exitcode = exitcode
            handle.state = WorkerState.CRASHED if crashed else WorkerState.STOPPED
            if crashed and not handle.error:
                handle.error = f"The {handle.spec.name} server {describe_exit(exitcode)}."
            handle.listening = []
            if handle.lifeline is not None:
                handle.lifeline.close()
            if handle.inbox is not None:
                handle.inbox.cancel_join_thread()
                handle.inbox.close()
            process.close()
            with handle.read_lock:
                if handle.events is not None:
                    handle.events.close()
            handle.process = handle.inbox = handle.lifeline = handle.events = None
            handle.stopper = None
            restart_in = self._schedule_restart(handle, exitcode) if crashed else None
            event = WorkerExited(
                worker=handle.spec.name,
                exitcode=exitcode,
                requested=requested,
                error=handle.error if crashed else "",
                traceback=handle.traceback if crashed else "",
                restart_in=restart_in,
            )
        self._publish(event)

    def _schedule_restart(self, handle: _Handle, exitcode: int) -> float | None:
        if not self.auto_restart or exitcode == EXIT_CONFIG or self._closed.is_set():
            return None
        if time.monotonic() - handle.started_at > RESTART_RESET_AFTER:
            handle.crash_streak = 0
        delay = RESTART_BACKOFF[min(handle.crash_streak, len(RESTART_BACKOFF) - 1)]
        handle.crash_streak += 1
        timer = threading.Timer(delay, self._auto_start, args=(handle.spec.name,))
        timer.daemon = True
        handle.restart_timer = timer
        timer.start()
        return delay

    def _auto_start(self, name: str) -> None:
        with self._lock:
            handle = self._handles[name]
            handle.restart_timer = None
            if self._closed.is_set() or handle.state != WorkerState.CRASHED:
                return
        try:
            self.start(name)
        except RuntimeError:
            pass

    @staticmethod
    def _cancel_restart(handle: _Handle) -> None:
        if handle.restart_timer is not None:
            handle.restart_timer.cancel()
            handle.restart_timer = None


# --- inside the worker process -------------------------------------------------------------------


def _watch_lifeline(lifeline: Any) -> None:
    try:
        lifeline.recv()  # the app never sends: this returns only by raising at EOF
    except (EOFError, OSError):
        pass
    os._exit(0)


def _resolve(target: str) -> Any:
    module_name, _, func_name = target.partition(":")
    return getattr(importlib.import_module(module_name), func_name)


class WorkerEvents:
    """The events pipe as a worker sees it: ``put(event)`` (never blocks) and the worker's ``name``.

    A feeder thread does the sending, so a thread reporting an event never waits for the app to read.
    """

    def __init__(self, conn: Any, name: str) -> None:
        self._conn = conn
        self.name = name
        self._pending: queue.SimpleQueue = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name="events-feeder", daemon=True)
        self._feeder.start()

    def put(self, event: Any) -> None:
        self._pending.put(event)

    #: At most this many events go in one message: what piled up while the last one was being sent.
    BATCH = 512
    #: After each send the feeder waits this long, so that a burst travels as one message. Without it
    #: the feeder woke for every single event and took the interpreter lock from the threads doing the
    #: work: 3,000 small files received cost the receiver 0.75 s of CPU instead of 0.33 s, and the API
    #: and chat relays lost a third of their throughput (docs/PERFORMANCE.md). An event that comes
    #: after a quiet spell still goes at once; one in a burst is at most this late.
    LINGER = 0.02

    def _feed(self) -> None:
        done = False
        while not done:
            batch = [self._pending.get()]
            while len(batch) < self.BATCH:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            if None in batch:
                done = True
                batch = batch[:batch.index(None)]
            if not batch:
                continue
            try:
                # One pickle and one write for a burst (3,000 small files received are 3,000 events).
                self._conn.send(batch)
            except (OSError, ValueError):
                return  # the app is gone; the lifeline ends this process
            if not done:
                time.sleep(self.LINGER)

    def close(self, timeout: float = 5.0) -> None:
        """Send what is still queued, then close the pipe (the app reads EOF)."""
        self._pending.put(None)
        self._feeder.join(timeout)
        self._conn.close()


def _lower_priority(step: int) -> None:
    """Run this process ``step`` nice levels lower (on Windows: below normal). Best effort."""
    if step <= 0:
        return
    try:
        if hasattr(os, "nice"):
            os.nice(step)
        else:  # Windows
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
    except (OSError, ImportError, AttributeError):
        pass


def _worker_entry(name: str, target: str, config: Any, inbox: Any, events_conn: Any, lifeline: Any,
                  nice: int = 0) -> None:
    """First code a worker process runs: lifeline watch, then the worker function, then a clean exit."""
    # Ctrl-C in a terminal reaches the whole process group; the app stops its workers in order itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lower_priority(nice)
    threading.Thread(target=_watch_lifeline, args=(lifeline,), name="lifeline", daemon=True).start()
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {name} %(levelname)s %(message)s")
    events = WorkerEvents(events_conn, name)
    code = 0
    try:
        _resolve(target)(config, inbox, events)
    except WorkerFatal as exc:
        events.put(WorkerError(name, exc.message, exc.detail, fatal=True))
        code = EXIT_CONFIG
    except Exception as exc:  # noqa: BLE001 - report any crash, in words and with its traceback
        tb = traceback.format_exc()
        print(tb, file=sys.stderr)
        message = f"The {name} server stopped because of an unexpected error: {exc}"
        events.put(WorkerCrashReport(name, message, tb))
        code = EXIT_CRASH
    events.close()
    sys.exit(code)
