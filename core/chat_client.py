"""The core chat client: one thread that owns the socket, reconnects with backoff, and never loses a message.

The terminal chat (``wirelab chat``) and the GUI chat window both drive this class. Everything it learns
is reported through one callback, ``on_event``, called on the client's own thread with the small
dataclasses below; the GUI turns them into Qt signals.

Messages typed while offline wait in a queue (reported as :class:`Queued`) and go out, in order, as soon
as the connection is back (:class:`Sent`). A message counts as delivered (:class:`Delivered`) when the
server relays it back to us; anything sent but not yet relayed when a connection drops goes back into
the queue, so a drop can at worst repeat a message, never silently lose one.
"""

from __future__ import annotations

import itertools
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from core.config import machine_name
from core.net.connect import ConnectFailure, connect
from core.protocol import NEED_DATA, Connection, ConnectionClosed, ProtocolError, Role, State
from core.protocol.commands import CommandError, Help, Quit, parse_input
from core.protocol.messages import ChatMessage, Error, Hello, Join, Joined, Me, Message, Say, Welcome

BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


# --- what the client reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class StateChanged:
    """``state``: "connecting", "connected", "reconnecting", "disconnected" (by us) or "failed"."""

    state: str
    detail: str = ""
    retry_in: float | None = None


@dataclass(frozen=True)
class Received:
    """A message from the server (Welcome, Joined, ChatMessage, Presence, Members, Notice, Error)."""

    message: Message


@dataclass(frozen=True)
class Queued:
    """Our message ``local_id`` is waiting: we are offline, or it went back in the queue after a drop."""

    local_id: int
    text: str


@dataclass(frozen=True)
class Sent:
    local_id: int


@dataclass(frozen=True)
class Delivered:
    """The server relayed our message ``local_id`` to the room."""

    local_id: int


@dataclass(frozen=True)
class LocalNotice:
    """Something to show only to this person (a typing mistake, /help)."""

    text: str


ClientEvent = StateChanged | Received | Queued | Sent | Delivered | LocalNotice


@dataclass
class _Outgoing:
    local_id: int
    message: Message
    text: str


class ChatClient:
    """A Wirelab chat connection with reconnect. Thread-safe: call :meth:`say` from any thread."""

    def __init__(
        self,
        host: str,
        port: int,
        nick: str,
        room: str = "lobby",
        *,
        on_event: Callable[[ClientEvent], None],
        machine: str | None = None,
        reconnect: bool = True,
        backoff: tuple[float, ...] = BACKOFF,
        connect_timeout: float = 5.0,
    ) -> None:
        self.host, self.port = host, port
        self.nick, self.room = nick, room
        self.machine = machine or machine_name()
        self.on_event = on_event
        self.reconnect = reconnect
        self.backoff = backoff
        self.connect_timeout = connect_timeout
        self.state = "disconnected"
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: deque[_Outgoing] = deque()  # not yet written to a live connection
        self._unacked: deque[_Outgoing] = deque()  # written, not yet relayed back
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_w.setblocking(False)  # say() never blocks its caller (the GUI thread): one pending wake is enough
        self._thread: threading.Thread | None = None
        self._live = False  # the current connection has been welcomed
        self._ever_connected = False

    # --- public API -------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="chat-client", daemon=True)
        self._thread.start()

    def say(self, text: str) -> int | None:
        """Send what the person typed (a message or a /command). Returns the local id of a chat message."""
        try:
            command = parse_input(text)
        except CommandError as exc:
            self._emit(LocalNotice(str(exc)))
            return None
        if isinstance(command, Quit):
            self.close()
            return None
        if isinstance(command, Help):
            from core.protocol.commands import HELP

            self._emit(LocalNotice(HELP))
            return None
        return self.send(command, text)

    def send(self, message: Message, text: str = "") -> int:
        item = _Outgoing(next(self._ids), message, text or getattr(message, "text", ""))
        with self._lock:
            self._queue.append(item)
            online = self._live
        if not online and isinstance(message, (Say, Me)):
            self._emit(Queued(item.local_id, item.text))
        self._wake()
        return item.local_id

    def close(self, timeout: float = 5.0) -> None:
        """Disconnect for good (no reconnect). Messages still queued are reported by :meth:`pending`."""
        self._stop.set()
        self._wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        if self._thread is None or not self._thread.is_alive():
            self._close_wakers()
        # else the thread is still in a slow connect(); it closes the wake sockets itself when it ends

    def _close_wakers(self) -> None:
        self._wake_r.close()
        self._wake_w.close()

    def pending(self) -> list[tuple[int, str]]:
        with self._lock:
            return [(o.local_id, o.text) for o in (*self._unacked, *self._queue)]

    # --- the client thread ------------------------------------------------------------------------

    def _emit(self, event: ClientEvent) -> None:
        try:
            self.on_event(event)
        except Exception:  # noqa: BLE001 - a broken callback must not kill the connection thread
            import logging

            logging.getLogger(__name__).exception("chat client callback failed")

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:  # full (a wake is already pending) or closed
            pass

    def _set_state(self, state: str, detail: str = "", retry_in: float | None = None) -> None:
        self.state = state
        self._emit(StateChanged(state, detail, retry_in))

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            if self._stop.is_set():
                self._close_wakers()  # close() may have given up waiting for us

    def _loop(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            self._set_state("connecting" if attempt == 0 else "reconnecting",
                            f"Connecting to {self.host}:{self.port}…")
            outcome = self._session()
            if self._stop.is_set():
                break
            fatal, detail, was_live = outcome
            if was_live:
                attempt = 0
            if fatal or not self.reconnect:
                self._requeue()
                self._set_state("failed", detail)
                return
            delay = self.backoff[min(attempt, len(self.backoff) - 1)]
            attempt += 1
            self._requeue()
            self._set_state("reconnecting", f"{detail} Trying again in {delay:g} s.", retry_in=delay)
            if self._stop.wait(delay):
                break
        self._set_state("disconnected", "You left the chat.")

    def _requeue(self) -> None:
        with self._lock:
            back = list(self._unacked)
            self._unacked.clear()
            self._queue.extendleft(reversed(back))
        for item in back:
            if isinstance(item.message, (Say, Me)):
                self._emit(Queued(item.local_id, item.text))

    def _session(self) -> tuple[bool, str, bool]:
        """One connection from connect to drop. Returns (fatal, what happened in words, was connected)."""
        try:
            sock = connect(self.host, self.port, timeout=self.connect_timeout)
        except ConnectFailure as exc:
            return False, exc.message, False
        conn = Connection(Role.CLIENT)
        self._live = False
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            outbox = bytearray(conn.send(Hello(service="chat", nick=self.nick, machine=self.machine, room=self.room)))
            with selectors.DefaultSelector() as sel:
                sel.register(sock, selectors.EVENT_READ)
                sel.register(self._wake_r, selectors.EVENT_READ)
                while not self._stop.is_set():
                    if self._live:
                        outbox += self._take_queue(conn)
                    sel.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if outbox else 0))
                    for key, mask in sel.select(timeout=30):
                        if key.fileobj is self._wake_r:
                            self._wake_r.recv(4096)
                            continue
                        if mask & selectors.EVENT_WRITE and outbox:
                            try:
                                del outbox[:sock.send(outbox)]
                            except BlockingIOError:
                                pass
                        if mask & selectors.EVENT_READ:
                            try:
                                data = sock.recv(65536)
                            except BlockingIOError:
                                continue
                            conn.receive_data(data)
                            ended = self._drain(conn)
                            if ended is not None:
                                return (*ended, self._live)
            return False, "", self._live
        except ProtocolError as exc:
            return True, f"That server does not speak the Wirelab chat protocol ({exc.message}).", self._live
        except OSError as exc:
            return False, f"The connection was lost ({exc.strerror or exc}).", self._live
        finally:
            self._live = False
            sock.close()

    def _take_queue(self, conn: Connection) -> bytes:
        out = bytearray()
        sent = []
        with self._lock:
            while self._queue:
                item = self._queue.popleft()
                out += conn.send(item.message)
                if isinstance(item.message, (Say, Me)):
                    self._unacked.append(item)
                    sent.append(item.local_id)
                if isinstance(item.message, Join):
                    self.room = item.message.room
        for local_id in sent:
            self._emit(Sent(local_id))
        return bytes(out)

    def _drain(self, conn: Connection) -> tuple[bool, str] | None:
        """Handle every parsed event; (fatal, words) when the session is over."""
        while True:
            event = conn.next_event()
            if event is NEED_DATA:
                return None
            if isinstance(event, ConnectionClosed):
                return False, "The server closed the connection."
            if not isinstance(event, Message):
                continue
            if isinstance(event, Error):
                self._emit(Received(event))
                if event.fatal:
                    # A name clash right away is for the person to fix; after a drop it is usually our own
                    # old connection the server has not noticed yet, so keep retrying.
                    permanent = event.code in ("bad_nick", "bad_room", "wrong_service") or (
                        event.code == "nick_taken" and not self._ever_connected
                    )
                    return permanent, event.message
                continue
            if isinstance(event, Welcome):
                self.nick, self.room = event.nick or self.nick, event.room or self.room
                self._live = self._ever_connected = True
                self._emit(Received(event))
                self._set_state("connected", f"Connected to {self.host}:{self.port} as {self.nick}.")
                self._wake()  # flush what was typed while offline
                continue
            if isinstance(event, Joined):
                self.nick, self.room = event.nick, event.room
            if isinstance(event, ChatMessage) and event.nick == self.nick and not event.history:
                self._ack(event)
            self._emit(Received(event))

    def _ack(self, msg: ChatMessage) -> None:
        with self._lock:
            for item in list(self._unacked):
                if item.text == msg.text or getattr(item.message, "text", None) == msg.text:
                    self._unacked.remove(item)
                    break
            else:
                return
        self._emit(Delivered(item.local_id))


def probe_chat(host: str, port: int, timeout: float = 5.0) -> str:
    """Connect, say hello, wait for the welcome (used by ``wirelab selftest``)."""
    sock = connect(host, port, timeout=timeout)
    try:
        conn = Connection(Role.CLIENT)
        sock.sendall(conn.send(Hello(service="chat", nick="selftest", machine=machine_name())))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            conn.receive_data(sock.recv(65536))
            while (event := conn.next_event()) is not NEED_DATA:
                if isinstance(event, Welcome):
                    return f"hello -> welcome as {event.nick} in {event.room}"
                if isinstance(event, (Error, ConnectionClosed)) or conn.state is State.CLOSED:
                    raise AssertionError(f"chat server answered {event!r}")
        raise AssertionError("no welcome from the chat server")
    finally:
        sock.close()
