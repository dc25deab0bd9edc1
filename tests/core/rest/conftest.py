"""A real API worker (one per test module) for the REST core tests, reset to its seed data per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from core.config import ApiConfig
from core.messages import Listening
from core.rest.model import Environment, local_lab
from core.supervisor import Supervisor, WorkerSpec
from tests.conftest import wait_for


@dataclass(frozen=True)
class Api:
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def environment(self) -> Environment:
        return local_lab(self.port, self.host)

    def reset(self) -> None:
        with requests.Session() as s:
            s.post(self.base_url + "/reset", timeout=10).raise_for_status()


def start_api(data_dir: Path) -> tuple[Supervisor, Api]:
    supervisor = Supervisor(stop_timeout=5.0)
    events = supervisor.subscribe()
    supervisor.add(WorkerSpec("api", "core.workers.api:run", ApiConfig(port=0, data_dir=str(data_dir))))
    supervisor.start("api")
    listening = wait_for(events, lambda e: isinstance(e, Listening) and e.worker == "api")
    supervisor.unsubscribe(events)
    return supervisor, Api(listening.host, listening.port)


@pytest.fixture(scope="module")
def api_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    supervisor, api = start_api(tmp_path_factory.mktemp("api-data"))
    try:
        yield api
    finally:
        supervisor.close()


@pytest.fixture
def api(api_worker: Api) -> Api:
    """The module's API worker, with the seed todos and no users (POST /reset)."""
    api_worker.reset()
    return api_worker


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SilentServer:
    """Accepts connections and never answers: a real server for timeouts and cancelling."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.clients: list[Any] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        import socket

        self.sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.clients.append(conn)

    def close(self) -> None:
        self._stop.set()
        self.thread.join()
        for conn in self.clients:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()
