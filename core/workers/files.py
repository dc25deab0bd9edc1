"""File receiver worker process."""

from __future__ import annotations

from typing import Any

from core.config import FileConfig
from core.messages import OfferAnswer
from core.servers.files import FileServer
from core.workers.base import run_server


def run(config: FileConfig, inbox: Any, events: Any) -> None:
    server = FileServer(config, events.put, worker=events.name)

    def on_command(command: Any) -> None:
        if isinstance(command, OfferAnswer):
            server.answer(command)

    run_server(server, inbox, on_command)
