"""A raw TCP client for netcat mode: bytes in, bytes out, and every ``recv()`` reported as it happened.

No framing at all - that is the point. The raw window shows each :class:`Chunk` exactly as one
``recv()`` call returned it, so the message-boundary lesson is visible: one ``send`` may arrive as
several reads, and several sends as one read.

Like :class:`core.chat_client.ChatClient`, one thread owns the socket and everything is reported through
one callback, ``on_event``, called on that thread; :meth:`send`, :meth:`shutdown_write` and
:meth:`close` may be called from any thread and never wait for the network.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.net.connect import ConnectFailure, connect
from core.text import human_size
from core.text_codec import escape, to_hex

log = logging.getLogger(__name__)

DEFAULT_RECV_SIZE = 4096
MAX_RECV_SIZE = 65536


@dataclass(frozen=True)
class RawState:
    """``state``: "connecting", "connected", "half-closed" (we finished sending), "peer-closed" (the
    server finished sending), "closed" or "failed" (could not connect). ``detail`` says it in words."""

    state: str
    detail: str = ""


@dataclass(frozen=True)
class Chunk:
    """Bytes that crossed the socket.

    ``direction`` "in": exactly what one ``recv()`` returned. "out": one :meth:`RawClient.send`, reported
    once all of it was written, ``calls`` being how many ``send()`` system calls that took.
    ``seq`` counts per direction from 1; ``time`` is ``time.time()`` when it happened.
    """

    direction: str
    data: bytes
    time: float
    seq: int
    calls: int = 1

    @property
    def size(self) -> int:
        return len(self.data)


RawEvent = RawState | Chunk


class RawClient:
    """One TCP connection to any server, no protocol. Thread-safe; start it with :meth:`start`."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        on_event: Callable[[RawEvent], None],
        recv_size: int = DEFAULT_RECV_SIZE,
        connect_timeout: float = 5.0,
    ) -> None:
        self.host, self.port = host, port
        self.on_event = on_event
        self.recv_size = recv_size
        self.connect_timeout = connect_timeout
        self.state = "disconnected"
        self._lock = threading.Lock()
        self._outbox: deque[bytes] = deque()
        self._want_shutdown = False
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_w.setblocking(False)  # a caller on the GUI thread never blocks here; one pending wake is enough
        self._thread: threading.Thread | None = None

    # --- public API (any thread) ------------------------------------------------------------------

    @property
    def recv_size(self) -> int:
        return self._recv_size

    @recv_size.setter
    def recv_size(self, size: int) -> None:
        """How many bytes each ``recv()`` asks for (1 shows every byte arriving on its own)."""
        self._recv_size = max(1, min(MAX_RECV_SIZE, int(size)))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="raw-client", daemon=True)
        self._thread.start()

    def send(self, data: bytes) -> None:
        """Queue ``data`` for sending; reported as a :class:`Chunk` ("out") once it is all written."""
        if not data:
            return
        with self._lock:
            self._outbox.append(bytes(data))
        self._wake()

    def shutdown_write(self) -> None:
        """Half-close: after what is queued has gone, tell the server we send nothing more (FIN).

        The server still can answer; many servers (echo, HTTP/1.0) answer and then close their side too.
        """
        with self._lock:
            self._want_shutdown = True
        self._wake()

    def close(self, timeout: float = 10.0) -> None:
        """Disconnect and wait for the client's thread to end (it is never stuck for longer than a connect)."""
        self._stop.set()
        self._wake()
        thread = self._thread
        if thread is None:
            self._close_wakers()
        elif thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def finished(self) -> bool:
        """The thread has ended and every socket is closed."""
        return self._thread is not None and not self._thread.is_alive()

    # --- the client thread ------------------------------------------------------------------------

    def _emit(self, event: RawEvent) -> None:
        if isinstance(event, RawState):
            self.state = event.state
        try:
            self.on_event(event)
        except Exception:  # noqa: BLE001 - a broken callback must not kill the connection thread
            log.exception("raw client callback failed")

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _close_wakers(self) -> None:
        self._wake_r.close()
        self._wake_w.close()

    def _run(self) -> None:
        where = f"{self.host}:{self.port}"
        try:
            self._emit(RawState("connecting", f"Connecting to {where}…"))
            try:
                sock = connect(self.host, self.port, timeout=self.connect_timeout)
            except ConnectFailure as exc:
                self._emit(RawState("failed", exc.message))
                return
            try:
                if self._stop.is_set():
                    self._emit(RawState("closed", "You disconnected."))
                    return
                self._emit(RawState("connected", f"Connected to {where}. Anything you send goes to the "
                                                 "server exactly as bytes; what it sends back appears below."))
                self._emit(RawState("closed", self._session(sock)))
            finally:
                sock.close()
        finally:
            self._close_wakers()

    def _session(self, sock: socket.socket) -> str:
        """Move bytes until both sides are done or we are told to stop. Returns how it ended, in words."""
        sock.setblocking(False)
        seq_in = seq_out = 0
        current: bytearray | None = None  # the send being written
        sent_data = b""
        calls = 0
        reading = writing = True
        with selectors.DefaultSelector() as sel:
            sel.register(self._wake_r, selectors.EVENT_READ)
            sel.register(sock, selectors.EVENT_READ)
            registered = selectors.EVENT_READ
            while not self._stop.is_set():
                with self._lock:
                    if current is None and self._outbox and writing:
                        current, calls = bytearray(self._outbox.popleft()), 0
                        sent_data = bytes(current)
                    shutdown_now = self._want_shutdown and current is None and not self._outbox and writing
                if shutdown_now:
                    writing = False
                    try:
                        sock.shutdown(socket.SHUT_WR)
                    except OSError as exc:
                        return self._lost(exc)
                    self._emit(RawState("half-closed", "You finished sending (half-close): the server was told "
                                                       "no more data will come. Its answer can still arrive."))
                    if not reading:
                        return "Both sides finished sending, so the connection is closed."
                mask = (selectors.EVENT_READ if reading else 0) | (selectors.EVENT_WRITE if current else 0)
                if mask != registered:
                    if not mask:
                        sel.unregister(sock)  # the server is done and we have nothing to send: wait for us
                    elif not registered:
                        sel.register(sock, mask)
                    else:
                        sel.modify(sock, mask)
                    registered = mask
                for key, events in sel.select():
                    if key.fileobj is self._wake_r:
                        try:
                            self._wake_r.recv(4096)
                        except BlockingIOError:
                            pass
                        continue
                    if events & selectors.EVENT_WRITE and current:
                        try:
                            n = sock.send(current)
                        except BlockingIOError:
                            n = 0
                        except OSError as exc:
                            return self._lost(exc)
                        calls += 1
                        del current[:n]
                        if not current:
                            seq_out += 1
                            self._emit(Chunk("out", sent_data, time.time(), seq_out, calls))
                            current = None
                    if events & selectors.EVENT_READ and reading:
                        try:
                            data = sock.recv(self._recv_size)
                        except BlockingIOError:
                            continue
                        except OSError as exc:
                            return self._lost(exc)
                        if data:
                            seq_in += 1
                            self._emit(Chunk("in", data, time.time(), seq_in))
                            continue
                        reading = False
                        if not writing:
                            return "The server finished sending too, so the connection is closed."
                        self._emit(RawState("peer-closed", "The server finished sending and closed its side "
                                                           "(recv() returned 0 bytes). You can still send, or "
                                                           "disconnect."))
        return "You disconnected."

    def _lost(self, exc: OSError) -> str:
        if isinstance(exc, ConnectionResetError):
            return "The server reset the connection (it closed it abruptly)."
        if isinstance(exc, BrokenPipeError):
            return "The server has closed the connection, so what you sent could not be delivered."
        return f"The connection was lost ({exc.strerror or exc})."


def format_transcript(chunks: Iterable[Chunk | RawState], encoding: str = "utf-8") -> str:
    """A saved transcript: one block per chunk with time, direction, size, the text with escapes and hex."""
    lines = []
    for item in chunks:
        if isinstance(item, RawState):
            lines.append(f"-- {item.detail or item.state}")
            continue
        stamp = time.strftime("%H:%M:%S", time.localtime(item.time)) + f".{int(item.time * 1000) % 1000:03d}"
        if item.direction == "in":
            head = f"{stamp} <- recv #{item.seq}: {human_size(item.size)}"
        else:
            calls = f" in {item.calls} send() calls" if item.calls > 1 else ""
            head = f"{stamp} -> sent #{item.seq}: {human_size(item.size)}{calls}"
        lines.append(head)
        lines.append(f"   text: {escape(item.data, encoding)}")
        lines.append(f"   hex:  {to_hex(item.data)}")
    return "\n".join(lines) + ("\n" if lines else "")
