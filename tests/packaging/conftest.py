"""The frozen app, built once per test session with the same script as ``make package``, and helpers to
run it the safe way: its own process group, a timeout, the whole group killed afterwards.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import psutil
import pytest

from tests.conftest import ROOT

PACKAGING = ROOT / "packaging"
#: The build runs inside the first frozen test, so those tests get more than the default 180 s.
BUILD_TIMEOUT = 480
#: Facts worth printing at the end of the run (build time, sizes, frozen start time).
REPORT: dict[str, str] = {}


def load_bundle_rules() -> ModuleType:
    """packaging/bundle_rules.py, loaded by path (packaging/ is deliberately not a Python package)."""
    if "bundle_rules" in sys.modules:
        return sys.modules["bundle_rules"]
    spec = importlib.util.spec_from_file_location("bundle_rules", PACKAGING / "bundle_rules.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bundle_rules"] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class FrozenApp:
    folder: Path  # what is handed out (dist/Wirelab)
    executable: Path  # the one that runs commands from a terminal
    build_seconds: float
    report: dict


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrozenApp]:
    """The onedir bundle, built by packaging/build.py into a temporary folder, removed afterwards."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed in this environment; `make test` installs it "
                    "(it is part of the test extra in pyproject.toml)")
    rules = load_bundle_rules()
    base = tmp_path_factory.mktemp("frozen")
    dist, work = base / "dist", base / "work"
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, str(PACKAGING / "build.py"), "--mode", "onedir", "--dist", str(dist), "--work", str(work)],
            cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT - 60,
            # A cache of its own: other test runs on this machine may be building at the same time.
            env={**os.environ, "PYINSTALLER_CONFIG_DIR": str(base / "cache")},
        )
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"packaging/build.py did not finish within {exc.timeout:.0f} s")
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"packaging/build.py failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}")
    report = json.loads((dist / "build-report.json").read_text(encoding="utf-8"))
    REPORT["onedir build"] = f"{seconds:.1f} s (PyInstaller {report['seconds']['pyinstaller']:.1f} s)"
    REPORT["onedir size"] = f"{report['onedir']['bytes'] / 2**20:.1f} MB (budget {rules.ONEDIR_BUDGET // 2**20} MB)"
    try:
        yield FrozenApp(rules.onedir_path(dist), rules.onedir_executable(dist), seconds, report)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("frozen app")
        for key, value in REPORT.items():
            terminalreporter.write_line(f"{key:<22} {value}")


# --- running frozen processes ---------------------------------------------------------------------


def group_members(pgid: int) -> list[psutil.Process]:
    """Live (non-zombie) processes in process group ``pgid``."""
    members = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                members.append(proc)
        except (ProcessLookupError, psutil.NoSuchProcess, psutil.AccessDenied, PermissionError):
            continue
    return members


@dataclass
class Frozen:
    """One frozen process, leader of its own process group, with its output read line by line."""

    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    proc: subprocess.Popen = field(init=False)
    lines: queue.Queue = field(init=False, default_factory=queue.Queue)
    out: list[str] = field(init=False, default_factory=list)
    err: list[str] = field(init=False, default_factory=list)
    started_at: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True, cwd=self.cwd, env={**os.environ, **self.env},
        )
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, "out", self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, "err", self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, name: str, sink: list[str]) -> None:
        with stream:
            for line in stream:
                sink.append(line)
                self.lines.put((name, line, time.perf_counter()))

    def wait_line(self, predicate, timeout: float = 30.0) -> tuple[str, float]:
        """The first output line (stdout or stderr) that matches, and when it came (s after start)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching line within {timeout:.0f} s; output so far:\n{self.output()}")
            try:
                _, line, at = self.lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None and not any(r.is_alive() for r in self._readers) and self.lines.empty():
                    raise AssertionError(f"exited ({self.proc.returncode}) before printing the expected line:\n"
                                         f"{self.output()}") from None
                continue
            if predicate(line):
                return line, at - self.started_at

    def wait(self, timeout: float = 60.0) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{' '.join(self.args[1:]) or 'the app'} did not exit within {timeout:.0f} s:\n"
                                 f"{self.output()}") from None
        for reader in self._readers:
            reader.join(10)
        return code

    def output(self) -> str:
        return f"--- stdout\n{''.join(self.out)}--- stderr\n{''.join(self.err)}"

    def assert_group_gone(self, timeout: float = 15.0) -> None:
        """Every process this one started has gone too (workers exit when their parent is gone)."""
        deadline = time.monotonic() + timeout
        left = group_members(self.proc.pid)
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left = group_members(self.proc.pid)
        assert not left, f"processes left behind: {[(p.pid, p.cmdline()) for p in left]}"

    def kill_group(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(10)
        for reader in self._readers:
            reader.join(10)


@pytest.fixture
def run_frozen(frozen_app: FrozenApp) -> Iterator:
    """Start frozen processes (``run_frozen(*args, env=...)``); each one's whole group is killed at the end."""
    started: list[Frozen] = []

    def start(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Frozen:
        frozen = Frozen([str(frozen_app.executable), *args], env=env or {}, cwd=cwd)
        started.append(frozen)
        return frozen

    try:
        yield start
    finally:
        for frozen in started:
            frozen.kill_group()
