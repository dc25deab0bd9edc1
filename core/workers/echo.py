"""Echo worker process."""

from __future__ import annotations

from typing import Any

from core.config import EchoConfig
from core.servers.echo import EchoServer
from core.workers.base import run_server


def run(config: EchoConfig, inbox: Any, events: Any) -> None:
    run_server(EchoServer(config, events.put, worker=events.name), inbox)
