"""What every worker does between start and stop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from core.messages import Stop


class Server(Protocol):
    def start(self) -> tuple[str, int]: ...
    def close(self) -> None: ...


def serve_until_stopped(inbox: Any, on_command: Callable[[Any], None] | None = None) -> None:
    """Block on the inbox, handing commands to ``on_command``, until a :class:`Stop` arrives."""
    while True:
        command = inbox.get()
        if isinstance(command, Stop):
            return
        if on_command is not None:
            on_command(command)


def run_server(server: Server, inbox: Any, on_command: Callable[[Any], None] | None = None) -> None:
    """Start ``server`` (it reports its address), answer commands until Stop, then close it."""
    server.start()
    try:
        serve_until_stopped(inbox, on_command)
    finally:
        server.close()
