"""Fixtures shared by every test: isolated per-user folders, free ports, real supervisors."""

from __future__ import annotations

import os
import queue
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
