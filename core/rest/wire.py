"""See the bytes ``requests`` really sends, and be able to cut a running request off.

``requests`` only knows the headers it prepared; ``http.client`` adds ``Host`` (and urllib3 may add
framing headers) on the way out. To show a student the request *as sent*, the connection classes
below record every byte written for each request (the plaintext, before TLS), and register their
sockets so that :meth:`Capture.abort` can shut them down from another thread: a blocking ``recv``
then returns at once instead of waiting for the timeout.

The connection classes find the capture of the run they belong to through a thread-local, set by the
runner for the duration of one run in its own thread.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: Bytes of each request body kept for the wire view (the rest is counted, not kept).
KEEP_BODY_BYTES = 64 * 1024
_KEEP_TOTAL = 256 * 1024  # head + body, per request

_local = threading.local()


@dataclass
class SentBytes:
    """What went out for one request on the wire: ``data`` (capped) and the true ``total``."""

    data: bytearray = field(default_factory=bytearray)
    total: int = 0


class Capture:
    """One run's record of sent bytes (one :class:`SentBytes` per request, redirects included)."""

    def __init__(self) -> None:
        self.sent: list[SentBytes] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.aborted = False

    def begin(self) -> None:
        self.sent.append(SentBytes())

    def record(self, data: Any) -> None:
        if not self.sent:
            self.begin()
        current = self.sent[-1]
        chunk = bytes(data) if not isinstance(data, bytes) else data
        current.total += len(chunk)
        room = _KEEP_TOTAL - len(current.data)
        if room > 0:
            current.data += chunk[:room]

    def add_socket(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            aborted = self.aborted
        if aborted:
            _shutdown(sock)

    def abort(self) -> None:
        """Shut down every socket of this run (callable from any thread)."""
        with self._lock:
            self.aborted = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class capturing:
    """``with capturing(capture):`` -- connections made in this thread record into ``capture``."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture

    def __enter__(self) -> Capture:
        _local.capture = self.capture
        return self.capture

    def __exit__(self, *exc: object) -> None:
        _local.capture = None


def _current() -> Capture | None:
    return getattr(_local, "capture", None)


class _Recording:
    """Mixed into urllib3's connection classes."""

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        sock = super()._new_conn()  # type: ignore[misc]
        capture = _current()
        if capture is not None:
            capture.add_socket(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        capture = _current()
        if capture is not None:
            capture.begin()
        super().request(*args, **kwargs)  # type: ignore[misc]

    def send(self, data: Any) -> None:
        capture = _current()
        if capture is not None and not isinstance(data, (str, bytes, bytearray, memoryview)):
            # http.client sends a file-like body in blocks; record what it reads.
            super().send(data)  # type: ignore[misc]
            return
        if capture is not None:
            capture.record(data.encode("iso-8859-1") if isinstance(data, str) else data)
        super().send(data)  # type: ignore[misc]


class RecordingHTTPConnection(_Recording, HTTPConnection):
    pass


class RecordingHTTPSConnection(_Recording, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = RecordingHTTPConnection


class _SPool(HTTPSConnectionPool):
    ConnectionCls = RecordingHTTPSConnection


class RecordingAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections record what they send (see the module docstring)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _SPool}

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = {"http": _Pool, "https": _SPool}
        return manager
