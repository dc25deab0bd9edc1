"""REST API worker process."""

from __future__ import annotations

from typing import Any

from core.config import ApiConfig
from core.servers.api import ApiServer
from core.workers.base import run_server


def run(config: ApiConfig, inbox: Any, events: Any) -> None:
    run_server(ApiServer(config, events.put, worker=events.name), inbox)
