"""Opening listening sockets, with errors a person can act on."""

from __future__ import annotations

import errno
import socket

from core.errors import WorkerFatal
from core.text import format_host

_SERVICE_WORDS = {
    "chat": "chat server",
    "echo": "echo server",
    "files": "file receiver",
    "api": "REST API",
}


def service_words(service: str) -> str:
    return _SERVICE_WORDS.get(service, service)


def open_listener(host: str, port: int, service: str, backlog: int = 128) -> socket.socket:
    """Bind and listen on ``host:port`` (port 0 = any free port); raise :class:`WorkerFatal` in plain words.

    ``SO_REUSEADDR`` is set on POSIX so a stop/start cycle can bind the same port at once while old
    connections sit in TIME_WAIT; on Windows that option would let two programs share a port, so
    ``SO_EXCLUSIVEADDRUSE`` is used there instead.
    """
    words = service_words(service)
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise WorkerFatal(
            f"The {words} cannot listen on “{host}”: this computer does not know that address. "
            "Use 127.0.0.1 for this computer only, or 0.0.0.0 to serve the lab network.",
            detail=str(exc),
        ) from exc
    family, socktype, proto, _, sockaddr = infos[0]
    sock = socket.socket(family, socktype, proto)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and host in ("::", ""):
            # Serve IPv4 clients too when listening on every IPv6 address.
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(sockaddr)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise _bind_error(exc, host, port, words) from exc
    return sock


def _bind_error(exc: OSError, host: str, port: int, words: str) -> WorkerFatal:
    where = f"{format_host(host)}:{port}"
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return WorkerFatal(
            f"Port {port} is already used by another program, so the {words} could not start. "
            "Pick another port in Settings, or close that program.",
            detail=f"bind {where}: {exc}",
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return WorkerFatal(
            f"This computer does not allow Wirelab to use port {port} for the {words} "
            "(ports below 1024 usually need administrator rights). Pick a port above 1024.",
            detail=f"bind {where}: {exc}",
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return WorkerFatal(
            f"The address {host} does not belong to this computer, so the {words} cannot listen on it. "
            "Use 127.0.0.1 for this computer only, or 0.0.0.0 to serve the lab network.",
            detail=f"bind {where}: {exc}",
        )
    return WorkerFatal(f"The {words} could not listen on {where}: {exc.strerror or exc}.", detail=str(exc))


def bound_address(sock: socket.socket) -> tuple[str, int]:
    """The (host, port) a listening socket really got (the port is real even when 0 was asked)."""
    addr = sock.getsockname()
    return addr[0], addr[1]


def peer_label(addr: tuple) -> str:
    """``host:port`` for a peer address tuple, IPv6 in brackets."""
    return f"{format_host(addr[0])}:{addr[1]}"
