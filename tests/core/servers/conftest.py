"""Real worker processes for the socket server tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.config import ChatConfig, EchoConfig, FileConfig
from core.messages import Listening
from core.supervisor import Supervisor, WorkerSpec
from tests.conftest import wait_for


@dataclass
class Running:
    supervisor: Supervisor
    events: Any
    host: str
    port: int
    name: str

    def wait(self, predicate: Callable[[Any], bool], timeout: float = 20.0) -> Any:
        return wait_for(self.events, predicate, timeout)


def start_worker(supervisor: Supervisor, name: str, target: str, config: Any) -> Running:
    events = supervisor.subscribe()
    supervisor.add(WorkerSpec(name, target, config))
    supervisor.start(name)
    listening = wait_for(events, lambda e: isinstance(e, Listening) and e.worker == name)
    return Running(supervisor, events, listening.host, listening.port, name)


@pytest.fixture
def chat_worker(supervisor: Supervisor) -> Running:
    return start_worker(supervisor, "chat", "core.workers.chat:run", ChatConfig(port=0, sniff_seconds=0.3))


@pytest.fixture
def echo_worker(supervisor: Supervisor) -> Running:
    return start_worker(supervisor, "echo", "core.workers.echo:run", EchoConfig(port=0))


@pytest.fixture
def receive_dir(tmp_path: Path) -> Path:
    path = tmp_path / "received"
    path.mkdir()
    return path


@pytest.fixture
def file_worker_factory(supervisor: Supervisor, receive_dir: Path) -> Iterator[Callable[..., Running]]:
    def start(**overrides: Any) -> Running:
        values = dict(port=0, receive_dir=str(receive_dir), min_free_bytes=0, server_name="receiver", nick="teacher")
        config = FileConfig(**{**values, **overrides})
        return start_worker(supervisor, "files", "core.workers.files:run", config)

    yield start


@pytest.fixture
def file_worker(file_worker_factory: Callable[..., Running]) -> Running:
    return file_worker_factory(auto_accept=True)
