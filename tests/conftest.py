"""Fixtures shared by every test: isolated per-user folders, free ports, real supervisors."""

from __future__ import annotations

import faulthandler
import os
import queue
import selectors
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# pytest-timeout fails a test that runs too long, but only once: a teardown that then hangs (a join on a
# thread stuck in the test's mess) would hang the whole run until CI kills it, with nothing printed. This
# last-resort watchdog covers each test's setup, call and teardown together, prints every thread's stack
# and ends the run, so a hang costs minutes and says where it was.
WATCHDOG_SLACK = float(os.environ.get("WIRELAB_WATCHDOG_SLACK", "120"))


_watchdog_deadline = 0.0


def _arm_watchdog(config: pytest.Config, seconds: float) -> None:
    try:  # pytest keeps a copy of the real stderr (fd 2 itself is captured)
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        out = config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError):
        out = sys.__stderr__.fileno()
    faulthandler.dump_traceback_later(max(1.0, seconds), file=out, exit=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    global _watchdog_deadline
    marker = item.get_closest_marker("timeout")
    limit = float(marker.args[0]) if marker and marker.args else float(item.config.getini("timeout") or 180)
    _watchdog_deadline = time.monotonic() + limit + WATCHDOG_SLACK
    _arm_watchdog(item.config, limit + WATCHDOG_SLACK)
    try:
        yield
    finally:
        _watchdog_deadline = 0.0
        faulthandler.cancel_dump_traceback_later()


@pytest.hookimpl(trylast=True)
def pytest_exception_interact(node: pytest.Item | pytest.Collector) -> None:
    """pytest's own faulthandler plugin cancels the dump on every failure; the watchdog must stay armed."""
    if _watchdog_deadline:
        _arm_watchdog(node.config, _watchdog_deadline - time.monotonic())


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data/config/log/receive folders, so no test touches the real ones."""
    base = tmp_path_factory.mktemp("user")
    for var, sub in (
        ("WIRELAB_DATA_DIR", "data"),
        ("WIRELAB_CONFIG_DIR", "config"),
        ("WIRELAB_LOG_DIR", "log"),
        ("WIRELAB_RECEIVE_DIR", "received"),
    ):
        (base / sub).mkdir()
        monkeypatch.setenv(var, str(base / sub))
    monkeypatch.setenv("WIRELAB_NICK", "tester")
    return base


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def supervisor() -> Iterator[Any]:
    from core.supervisor import Supervisor

    sup = Supervisor(stop_timeout=5.0)
    try:
        yield sup
    finally:
        sup.close()


def wait_for(events: queue.Queue, predicate: Callable[[Any], bool], timeout: float = 20.0) -> Any:
    """Read events until one matches ``predicate``; fail the test with what was seen otherwise."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if predicate(event):
            return event
        seen.append(event)
    shown = [_short(e) for e in seen[-8:]]
    more = f"{len(seen) - len(shown)} earlier events and " if len(seen) > len(shown) else ""
    raise AssertionError(f"no matching event within {timeout}s; saw {more}these last: {shown}")


def _short(event: Any, limit: int = 240) -> str:
    text = repr(event)
    return text if len(text) <= limit else text[:limit] + "…"


def wirelab_command() -> list[str]:
    """How to run the installed ``wirelab`` entry point (the console script when present)."""
    script = Path(sys.executable).with_name("wirelab")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "gui"]


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"`{name}` is not installed; `sudo sh scripts/system-deps.sh test` installs it")
    return path


def start_process(args: list[str], **kwargs: Any) -> subprocess.Popen:
    """Start a process in its own process group (so a test can kill it and everything it started)."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("text", True)
    return subprocess.Popen(args, start_new_session=True, env={**os.environ, **kwargs.pop("env", {})}, **kwargs)


def read_until(stream, text: str, timeout: float = 10.0) -> str:
    """Read what a real process prints until ``text`` shows up (raw reads: no buffering surprises)."""
    fd = stream.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while time.monotonic() < deadline and text.encode() not in seen:
            if sel.select(timeout=0.1):
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                seen += chunk
    decoded = seen.decode("utf-8", "replace")
    if text not in decoded:
        raise AssertionError(f"{text!r} never arrived; got {decoded[-500:]!r}")
    return decoded
