"""Starting LAN discovery from a server, without letting a discovery problem stop the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.messages import Log


def advertise(machine: str, nick: str, port: int, service: str, emit: Callable[[Any], None], worker: str) -> Any:
    """An started :class:`core.discovery.Advertiser`, or None (and a warning in the log) if it cannot run."""
    try:
        from core.discovery import Advertiser

        advertiser = Advertiser(machine, nick, port, service)
        advertiser.start()
    except Exception as exc:  # noqa: BLE001 - discovery is a convenience; the server works without it
        emit(Log(worker, "warning", f"Other machines will not find this {service} server automatically ({exc}); "
                                    "they can still type its address."))
        return None
    emit(Log(worker, "info", "Announced on the lab network, so other Wirelab windows list it."))
    return advertiser
