"""Connecting to a server, with errors that say which layer failed and what to check."""

from __future__ import annotations

import errno
import socket

from core.errors import WirelabError
from core.text import format_host


class ConnectFailure(WirelabError):
    """``layer`` is one of "address", "name", "refused", "timeout", "unreachable", "other"."""

    def __init__(self, layer: str, message: str, detail: str = "") -> None:
        super().__init__(message, detail)
        self.layer = layer


def parse_address(text: str, default_port: int | None = None) -> tuple[str, int]:
    """``"host:port"``, ``"[::1]:5050"``, ``"::1"`` or ``"host"`` (with ``default_port``) -> (host, port)."""
    text = text.strip()
    if text.startswith("tcp://"):
        text = text[len("tcp://"):]
    host, port_text = text, ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ConnectFailure("address", f"“{text}” is missing a closing ]. Write IPv6 addresses like [::1]:5050.")
        host, rest = text[1:end], text[end + 1:]
        if rest.startswith(":"):
            port_text = rest[1:]
        elif rest:
            raise ConnectFailure("address", f"“{text}” is not an address. Write it like [::1]:5050.")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    if not host:
        raise ConnectFailure("address", "Type the other computer's name or address, e.g. 192.168.1.20:5050.")
    if not port_text:
        if default_port is None:
            raise ConnectFailure("address", f"“{text}” has no port. Add one after a colon, e.g. {host}:5050.")
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConnectFailure("address", f"“{port_text}” is not a port number (1 to 65535).")
    return host, int(port_text)


def connect(host: str, port: int, timeout: float = 5.0) -> socket.socket:
    """A connected TCP socket (IPv4 or IPv6), or :class:`ConnectFailure` in plain words."""
    where = f"{format_host(host)}:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectFailure(
            "name",
            f"Could not find a computer called “{host}”. Check the spelling, or type its IP address instead "
            "(the other machine's Wirelab window shows it).",
            detail=str(exc),
        ) from exc
    last: OSError | None = None
    for family, socktype, proto, _, addr in infos:
        sock = socket.socket(family, socktype, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(addr)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.settimeout(None)
        return sock
    raise _explain(last, where, timeout)


def _explain(exc: OSError | None, where: str, timeout: float) -> ConnectFailure:
    if isinstance(exc, ConnectionRefusedError):
        return ConnectFailure(
            "refused",
            f"Nothing is listening at {where}: the computer answered, but no program accepts connections on "
            "that port. Check the port number, and that the server is started there.",
            detail=str(exc),
        )
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return ConnectFailure(
            "timeout",
            f"{where} did not answer within {timeout:g} seconds. The computer may be off, on another network, "
            "or a firewall may be blocking the port.",
            detail=str(exc),
        )
    if exc is not None and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
        return ConnectFailure(
            "unreachable",
            f"This computer has no network route to {where}. Check that both machines are on the same network.",
            detail=str(exc),
        )
    return ConnectFailure("other", f"Could not connect to {where}: {exc}.", detail=str(exc))


def no_delay(sock: socket.socket) -> None:
    """Send small writes at once (``TCP_NODELAY``), for protocols that already gather their writes.

    With Nagle's algorithm on, the last small message of a burst (a transfer's ``done``, the
    receiver's ``summary``) waited for the peer's delayed acknowledgement, up to 40 ms each time.
    """
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass  # not TCP (a test's socketpair), or the connection is already gone


def set_io_timeout(sock: socket.socket, seconds: float) -> None:
    """A kernel-level timeout for each blocking recv/send (``SO_RCVTIMEO``/``SO_SNDTIMEO``).

    Unlike ``settimeout()``, this keeps the socket blocking, so ``recv_into(..., MSG_WAITALL)`` still
    waits for the whole amount. A call that times out raises :class:`BlockingIOError` (or TimeoutError).
    """
    import struct
    import sys

    sock.settimeout(None)
    if seconds <= 0:
        return
    if sys.platform == "win32":
        value = struct.pack("I", int(seconds * 1000))
    else:
        value = struct.pack("ll", int(seconds), int((seconds % 1) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)
