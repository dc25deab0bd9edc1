"""Chat relay worker process."""

from __future__ import annotations

from typing import Any

from core.config import ChatConfig
from core.servers.chat import ChatServer
from core.workers.base import run_server


def run(config: ChatConfig, inbox: Any, events: Any) -> None:
    run_server(ChatServer(config, events.put, worker=events.name), inbox)
