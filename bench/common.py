"""Shared helpers: timing rounds, medians, ratios, result files, tools."""

from __future__ import annotations

import compileall
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WIRELAB = [str(Path(sys.executable).with_name("wirelab"))]

# An installed Wirelab starts from cached bytecode. In a shell with PYTHONDONTWRITEBYTECODE=1 (some
# here have it) every `wirelab` process a benchmark starts would compile each changed module again,
# 15-30 ms per start that no user pays; so compile once and let the processes use the cache.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
for _package in ("core", "gui"):
    compileall.compile_dir(ROOT / _package, quiet=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listening on {host}:{port}")


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"{tool} is missing: sudo apt-get install -y {package}  (or: make bench, as root)")
    return path


@dataclass
class Series:
    """Timings of one contender over the rounds."""

    name: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds (user + system, both ends) per round, if measured

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def rate(self, size: int) -> float:
        return size / self.median


def reap(proc: subprocess.Popen) -> float:
    """Wait for ``proc`` and return the CPU seconds (user + system) it used, from the kernel's own count."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args)
    return usage.ru_utime + usage.ru_stime


def report(title: str, series: list[Series], size: int | None, baseline: str, extra: dict | None = None) -> dict:
    """Print a table with medians and ratios to ``baseline``; save it under bench/results/."""
    base = next(s for s in series if s.name == baseline)
    print(f"\n{title}")
    rows = []
    for s in series:
        ratio = base.median / s.median  # >1: faster than the baseline
        rate = f"{s.rate(size) / 1e6:8.0f} MB/s" if size else ""
        cpu = f"  CPU {statistics.median(s.cpu):5.2f} s" if s.cpu else ""
        print(f"  {s.name:<28} median {s.median * 1000:8.1f} ms  {rate}  {ratio:5.2f}x {baseline}{cpu}"
              f"   (rounds: {', '.join(f'{x * 1000:.0f}' for x in s.seconds)} ms)")
        rows.append({"name": s.name, "median_s": s.median, "rounds_s": s.seconds, f"ratio_vs_{baseline}": ratio,
                     **({"cpu_s": s.cpu} if s.cpu else {})})
    result = {"title": title, "size": size, "baseline": baseline, "series": rows, **(extra or {})}
    RESULTS.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60]
    (RESULTS / f"{slug}.json").write_text(json.dumps(result, indent=2))
    return result


def p99(values: list[float]) -> float:
    # "inclusive": with few samples the default method extrapolates past the largest one
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) >= 2 else max(values)


def wait_until(app, predicate, timeout: float = 600.0) -> None:  # noqa: ANN001 - a QApplication
    """Run the Qt event loop (from a benchmark's own loop) until ``predicate()`` is true."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not finish in time")
        app.processEvents()
        time.sleep(0.001)
