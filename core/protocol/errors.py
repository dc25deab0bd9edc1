"""Protocol errors. ``code`` is the stable, machine-readable name listed in docs/PROTOCOL.md."""

from __future__ import annotations


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RemoteProtocolError(ProtocolError):
    """The peer sent something the protocol does not allow. The connection cannot continue."""


class LocalProtocolError(ProtocolError):
    """We tried to send something the protocol does not allow in the current state (a bug on our side)."""
