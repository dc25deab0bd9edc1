"""``wirelab selftest``: start every worker on free ports, check each really answers, stop them all.

It is what the packaged app runs in CI, so it exercises the real path: spawn processes, real sockets,
real HTTP. It prints one line per check and returns 0 only when everything passed and no worker is left.
"""

from __future__ import annotations

import json
import queue
import socket
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from core.lab import SERVICES, LabSettings, worker_specs
from core.messages import Listening, WorkerError, WorkerExited
from core.supervisor import Supervisor


def check_echo(host: str, port: int) -> str:
    payload = b"Hello, world"
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := s.recv(1024):
            received += chunk
    if received != payload:
        raise AssertionError(f"echo sent back {received!r}, expected {payload!r}")
    return f"echoed {len(payload)} bytes"


def check_api(host: str, port: int) -> str:
    request = urllib.request.Request(f"http://{host}:{port}/", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())
        status = response.status
    if status != 200 or body.get("status") != "online":
        raise AssertionError(f"GET / answered {status} {body!r}")
    return "GET / -> 200 online"


def check_chat(host: str, port: int) -> str:
    from core.chat_client import probe_chat

    return probe_chat(host, port)


def check_files(host: str, port: int, workdir: Path) -> str:
    from core.file_sender import probe_send

    return probe_send(host, port, workdir)


def run_selftest(timeout: float = 30.0, out: Callable[[str], None] = print) -> int:
    with tempfile.TemporaryDirectory(prefix="wirelab-selftest-") as tmp:
        tmp_path = Path(tmp)
        settings = LabSettings(
            chat_port=0, echo_port=0, file_port=0, api_port=0,
            data_dir=str(tmp_path / "data"), receive_dir=str(tmp_path / "received"),
            auto_accept=True, nick="selftest",
        )
        ok = True
        with Supervisor() as supervisor:
            events = supervisor.subscribe()
            for spec in worker_specs(settings):
                supervisor.add(spec)
                supervisor.start(spec.name)
            addresses = _wait_listening(events, timeout, out)
            pids = [info.pid for info in supervisor.infos() if info.pid]
            for name in SERVICES:
                if name not in addresses:
                    ok = False
                    continue
                host, port = addresses[name]
                started = time.perf_counter()
                try:
                    if name == "files":
                        detail = check_files(host, port, tmp_path)
                    else:
                        detail = {"echo": check_echo, "api": check_api, "chat": check_chat}[name](host, port)
                except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
                    ok = False
                    out(f"FAIL {name:<6} {exc}")
                else:
                    out(f"ok   {name:<6} {detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")
        left = [pid for pid in pids if _alive(pid)]
        if left:
            ok = False
            out(f"FAIL workers still running after stop: {left}")
        else:
            out(f"ok   stop   all {len(pids)} workers stopped")
    out("selftest passed" if ok else "selftest FAILED")
    return 0 if ok else 1


def _wait_listening(events: queue.Queue, timeout: float, out: Callable[[str], None]) -> dict[str, tuple[str, int]]:
    addresses: dict[str, tuple[str, int]] = {}
    deadline = time.monotonic() + timeout
    pending = set(SERVICES)
    while pending and time.monotonic() < deadline:
        try:
            event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if isinstance(event, Listening):
            addresses[event.worker] = (event.host, event.port)
            pending.discard(event.worker)
            out(f"ok   {event.worker:<6} listening at {event.url}")
        elif isinstance(event, WorkerError) and event.fatal:
            out(f"FAIL {event.worker:<6} {event.message}")
        elif isinstance(event, WorkerExited) and event.worker in pending:
            out(f"FAIL {event.worker:<6} exited: {event.error or event.exitcode}")
            pending.discard(event.worker)
    for name in sorted(pending):
        out(f"FAIL {name:<6} did not start within {timeout:.0f} s")
    return addresses


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (portable: ``os.kill(pid, 0)`` is not, on Windows)."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
