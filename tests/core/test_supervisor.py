"""The process supervisor with real spawn processes: start, stop, crash, restart, port in use, orphans."""

from __future__ import annotations

import os
import signal
import socket
import time

import psutil
import pytest

from core.config import EchoConfig
from core.errors import EXIT_CONFIG
from core.messages import Listening, Log, WorkerError, WorkerExited, WorkerStarting
from core.supervisor import Supervisor, WorkerSpec, WorkerState
from tests.conftest import free_port, start_process, wait_for, wirelab_command


def echo_spec(name: str = "echo", port: int = 0) -> WorkerSpec:
    return WorkerSpec(name, "core.workers.echo:run", EchoConfig(port=port))


def echo_roundtrip(port: int, payload: bytes = b"ping") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    return data


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_worker_starts_reports_its_real_address_and_stops(supervisor: Supervisor) -> None:
    events = supervisor.subscribe()
    supervisor.add(echo_spec())
    supervisor.start("echo")
    started = wait_for(events, lambda e: isinstance(e, WorkerStarting))
    listening = wait_for(events, lambda e: isinstance(e, Listening))
    assert listening.port != 0 and listening.url == f"tcp://127.0.0.1:{listening.port}"
    assert supervisor.info("echo").state == WorkerState.RUNNING
    assert echo_roundtrip(listening.port) == b"ping"

    supervisor.stop("echo")
    exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
    assert exited.exitcode == 0 and exited.requested
    assert supervisor.info("echo").state == WorkerState.STOPPED
    assert gone(started.pid)


def test_stop_then_start_on_the_same_port_works_at_once(supervisor: Supervisor) -> None:
    port = free_port()
    events = supervisor.subscribe()
    supervisor.add(echo_spec(port=port))
    for _ in range(3):
        supervisor.start("echo")
        wait_for(events, lambda e: isinstance(e, Listening))
        assert echo_roundtrip(port, b"again") == b"again"  # leaves a TIME_WAIT connection behind
        supervisor.stop("echo")
        wait_for(events, lambda e: isinstance(e, WorkerExited))


def test_killed_worker_is_reported_as_crashed_and_can_be_restarted(supervisor: Supervisor) -> None:
    events = supervisor.subscribe()
    supervisor.add(echo_spec())
    supervisor.start("echo")
    first = wait_for(events, lambda e: isinstance(e, Listening))
    pid = supervisor.info("echo").pid
    os.kill(pid, signal.SIGKILL)
    exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
    assert exited.exitcode == -signal.SIGKILL and not exited.requested
    assert "SIGKILL" in exited.error
    info = supervisor.info("echo")
    assert info.state == WorkerState.CRASHED and info.error

    supervisor.start("echo")
    second = wait_for(events, lambda e: isinstance(e, Listening))
    assert supervisor.info("echo").pid != pid
    assert echo_roundtrip(second.port) == b"ping"
    assert first.port != 0


def test_crash_reports_the_traceback_in_words(supervisor: Supervisor) -> None:
    events = supervisor.subscribe()
    supervisor.add(WorkerSpec("bad", "tests.core._workers:crash_after_listening", None))
    supervisor.start("bad")
    exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
    assert exited.exitcode == 1 and not exited.requested
    assert "unexpected error" in exited.error and "boom" in exited.error
    assert "RuntimeError" in exited.traceback and "crash_after_listening" in exited.traceback
    assert supervisor.info("bad").state == WorkerState.CRASHED


def test_port_in_use_is_a_plain_words_error_and_the_other_worker_keeps_running(supervisor: Supervisor) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        events = supervisor.subscribe()
        supervisor.add(echo_spec("good"))
        supervisor.add(echo_spec("blocked", port=taken))
        supervisor.start("good")
        supervisor.start("blocked")
        error = wait_for(events, lambda e: isinstance(e, WorkerError) and e.worker == "blocked")
        assert error.fatal
        assert error.message.startswith(f"Port {taken} is already used by another program")
        assert "Traceback" not in error.message
        exited = wait_for(events, lambda e: isinstance(e, WorkerExited) and e.worker == "blocked")
        assert exited.exitcode == EXIT_CONFIG
        assert supervisor.info("blocked").state == WorkerState.CRASHED
        assert supervisor.info("blocked").error == error.message
    # "good" may still be starting on a busy machine (the blocked one can fail first): give it time.
    deadline = time.monotonic() + 20
    while supervisor.info("good").state == WorkerState.STARTING and time.monotonic() < deadline:
        time.sleep(0.05)
    good = supervisor.info("good")
    assert good.state == WorkerState.RUNNING
    assert echo_roundtrip(good.listening[0].port) == b"ping"


def test_worker_that_ignores_stop_is_killed_after_the_timeout() -> None:
    with Supervisor(stop_timeout=0.5) as sup:
        events = sup.subscribe()
        sup.add(WorkerSpec("stubborn", "tests.core._workers:ignore_stop", None))
        sup.start("stubborn")
        wait_for(events, lambda e: isinstance(e, Listening))
        pid = sup.info("stubborn").pid
        started = time.monotonic()
        sup.stop("stubborn")
        assert time.monotonic() - started < 10
        exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
        assert exited.requested and exited.exitcode == -signal.SIGKILL
        assert gone(pid)


def test_auto_restart_brings_a_crashed_worker_back_with_backoff() -> None:
    with Supervisor(auto_restart=True) as sup:
        events = sup.subscribe()
        sup.add(echo_spec())
        sup.start("echo")
        wait_for(events, lambda e: isinstance(e, Listening))
        os.kill(sup.info("echo").pid, signal.SIGKILL)
        exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
        assert exited.restart_in == 1.0
        back = wait_for(events, lambda e: isinstance(e, Listening), timeout=15)
        assert echo_roundtrip(back.port) == b"ping"


def test_auto_restart_does_not_retry_a_configuration_error() -> None:
    with socket.socket() as blocker, Supervisor(auto_restart=True) as sup:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        events = sup.subscribe()
        sup.add(echo_spec(port=blocker.getsockname()[1]))
        sup.start("echo")
        exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
        assert exited.exitcode == EXIT_CONFIG and exited.restart_in is None


def test_workers_never_load_qt(supervisor: Supervisor) -> None:
    events = supervisor.subscribe()
    supervisor.add(WorkerSpec("probe", "tests.core._workers:modules_loaded", None))
    supervisor.start("probe")
    report = wait_for(events, lambda e: isinstance(e, Log))
    assert report.text == "no-qt"


def test_killing_the_parent_with_sigkill_leaves_no_worker_behind(tmp_path) -> None:
    proc = start_process(
        [*wirelab_command(), "serve", "--chat-port", "0", "--echo-port", "0", "--file-port", "0", "--api-port", "0",
         "--data-dir", str(tmp_path / "data"), "--receive-dir", str(tmp_path / "in")],
    )
    try:
        lines = [proc.stdout.readline() for _ in range(4)]
        assert all("://" in line for line in lines), lines
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 4  # four workers (and multiprocessing's resource tracker)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(gone(c.pid) for c in children):
            time.sleep(0.05)
        left = [c.pid for c in children if not gone(c.pid)]
        assert not left, f"orphaned workers: {left}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.parametrize("exitcode, words", [(0, "normally"), (EXIT_CONFIG, "settings"), (-9, "SIGKILL"), (7, "exit code 7")])
def test_exit_codes_are_described_in_words(exitcode: int, words: str) -> None:
    from core.supervisor import describe_exit

    assert words in describe_exit(exitcode)


def test_a_burst_of_events_arrives_whole_and_in_order_before_the_exit() -> None:
    with Supervisor() as sup:
        events = sup.subscribe()
        sup.add(WorkerSpec("chatty", "tests.core._workers:burst", 5000))
        sup.start("chatty")
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            event = events.get(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(event, Log):
                lines.append(event.text)
            elif isinstance(event, WorkerExited):
                break
        assert isinstance(event, WorkerExited) and event.exitcode == 0
    # The worker sends them in batches; the app still gets every one, in order, before the exit.
    assert lines == [f"line {i}" for i in range(5000)]


def test_workers_can_run_below_the_apps_priority() -> None:
    # The GUI starts its servers a few nice levels down, so a busy server cannot take the CPU from the window.
    with Supervisor(worker_nice=5) as sup:
        events = sup.subscribe()
        sup.add(WorkerSpec("low", "tests.core._workers:idle", None))
        sup.start("low")
        wait_for(events, lambda e: isinstance(e, Listening) and e.worker == "low")
        low = psutil.Process(sup.info("low").pid).nice()
    with Supervisor() as sup:
        events = sup.subscribe()
        sup.add(WorkerSpec("same", "tests.core._workers:idle", None))
        sup.start("same")
        wait_for(events, lambda e: isinstance(e, Listening))
        same = psutil.Process(sup.info("same").pid).nice()
    assert same == os.nice(0)
    assert low == min(19, same + 5)


def test_a_burst_travels_in_a_few_messages_not_one_per_event() -> None:
    # One message per event woke the feeder thousands of times a second and slowed the worker down.
    import multiprocessing

    from core.supervisor import WorkerEvents

    app_end, worker_end = multiprocessing.Pipe(duplex=False)
    events = WorkerEvents(worker_end, "w")
    for i in range(3000):
        events.put(i)
        if i % 10 == 0:
            time.sleep(0)  # like a worker thread doing its work between events (it lets the feeder run)
    events.close()
    messages = []
    while True:
        try:
            messages.append(app_end.recv())
        except EOFError:
            break
    assert [e for batch in messages for e in batch] == list(range(3000))
    # 3,000 events are at most 512 per message: 6 messages, and a few more if the machine is very busy.
    assert 6 <= len(messages) < 100
    app_end.close()
