"""The API worker process keeps to one core (its threads share one interpreter lock), unless told not to."""

from __future__ import annotations

import psutil
import pytest

from core.config import ApiConfig
from core.supervisor import Supervisor
from core.workers.api import CPU_ENV, keep_to_one_core
from tests.core.servers.conftest import start_worker

needs_affinity = pytest.mark.skipif(
    not hasattr(psutil.Process(), "cpu_affinity") or len(psutil.Process().cpu_affinity()) < 2,
    reason="this system cannot choose the cores of a process, or has only one",
)


@needs_affinity
def test_the_worker_runs_on_the_last_core(supervisor: Supervisor, tmp_path) -> None:
    allowed = psutil.Process().cpu_affinity()
    running = start_worker(supervisor, "api", "core.workers.api:run", ApiConfig(port=0, data_dir=str(tmp_path)))
    assert psutil.Process(running.supervisor.info("api").pid).cpu_affinity() == [allowed[-1]]


@needs_affinity
def test_all_lets_it_run_on_every_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CPU_ENV, "all")
    before = psutil.Process().cpu_affinity()
    assert keep_to_one_core() is None
    assert psutil.Process().cpu_affinity() == before
