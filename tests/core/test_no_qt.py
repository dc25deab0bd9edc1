"""``core`` never imports Qt, and neither do the headless commands or the worker processes."""

from __future__ import annotations

import pkgutil
import signal
import subprocess
import sys
from pathlib import Path

import core
from tests.conftest import ROOT, start_process, wirelab_command


def poisoned_env(tmp_path: Path) -> dict[str, str]:
    """PYTHONPATH with a fake PySide6 that fails loudly: any import of Qt anywhere breaks the command."""
    fake = tmp_path / "poison" / "PySide6"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("PySide6 must not be imported by headless Wirelab")\n')
    return {"PYTHONPATH": f"{fake.parent}:{ROOT}"}


def test_every_core_module_imports_without_qt() -> None:
    names = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
    assert len(names) > 20
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'gui')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_version_and_selftest_run_without_qt(tmp_path: Path) -> None:
    env = {**__import__("os").environ, **poisoned_env(tmp_path)}
    version = subprocess.run([*wirelab_command(), "--version"], capture_output=True, text=True, env=env, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith("Wirelab ")
    selftest = subprocess.run([*wirelab_command(), "selftest"], capture_output=True, text=True, env=env, timeout=90)
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert "selftest passed" in selftest.stdout


def test_serve_runs_without_qt(tmp_path: Path) -> None:
    proc = start_process(
        [*wirelab_command(), "serve", "--chat-port", "0", "--echo-port", "0", "--file-port", "0", "--api-port", "0",
         "--data-dir", str(tmp_path / "d"), "--receive-dir", str(tmp_path / "r")],
        env=poisoned_env(tmp_path),
    )
    try:
        lines = [proc.stdout.readline() for _ in range(4)]
        assert sorted(line.split()[0] for line in lines) == ["api", "chat", "echo", "files"], lines
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "must not be imported" not in err
