"""Qt faces of the core clients: their callbacks (on the client's own thread) become GUI-thread signals.

The windows never touch a socket. :class:`ChatConnection` drives :class:`core.chat_client.ChatClient`,
:class:`RawConnection` drives :class:`core.raw_client.RawClient`; each re-emits what its client reports
through a queued connection, so every slot runs on the GUI thread. Closing runs in a short-lived thread
(a client may be in the middle of a connect), and ``finished`` says when every socket is closed.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, Signal

from core.chat_client import ChatClient, Delivered, LocalNotice, Queued, Received, Sent, StateChanged
from core.protocol.messages import Message
from core.raw_client import Chunk, RawClient, RawState


class _ClientConnection(QObject):
    """Shared plumbing: a private cross-thread signal and a close that never blocks the GUI thread."""

    #: internal: one client event, emitted on the client's thread, delivered on the GUI thread.
    _event = Signal(object)
    #: The client's thread has ended and its sockets are closed (after :meth:`close`).
    finished = Signal()

    #: Connections being closed are kept alive here until their thread is done (they have no Qt parent,
    #: so a closed window can be deleted while its connection finishes).
    _closing: ClassVar[set[_ClientConnection]] = set()

    def __init__(self) -> None:
        super().__init__()
        self.client: Any = None
        self.closed = False
        self.is_finished = False
        self._event.connect(self.on_client_event, Qt.ConnectionType.QueuedConnection)

    def _emit_from_client(self, event: Any) -> None:
        self._event.emit(event)

    def start(self) -> None:
        self.client.start()

    def close(self) -> None:
        """Disconnect for good, without waiting; ``finished`` follows."""
        if self.closed:
            return
        self.closed = True
        _ClientConnection._closing.add(self)
        threading.Thread(target=self._close_in_background, name="close-connection", daemon=True).start()

    def _close_in_background(self) -> None:
        self.client.close()
        self._event.emit(_Finished())

    def on_client_event(self, event: Any) -> None:
        if isinstance(event, _Finished):
            self.is_finished = True
            _ClientConnection._closing.discard(self)
            self.finished.emit()
            return
        self.dispatch(event)

    def dispatch(self, event: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class _Finished:
    """internal marker: the closing thread is done."""


class ChatConnection(_ClientConnection):
    """A Wirelab chat connection with reconnect, offline queue and delivery receipts."""

    #: The connection state changed: (state, words for people, seconds until the next try or None).
    state_changed = Signal(str, str, object)
    #: A message from the server (a :mod:`core.protocol.messages` dataclass).
    received = Signal(object)
    #: Our message (local id, text) is waiting because we are offline; it goes out when we are back.
    queued = Signal(int, str)
    #: Our message (local id) was written to the server.
    sent = Signal(int)
    #: The server relayed our message (local id) to the room.
    delivered = Signal(int)
    #: Something to show only to this person (a typing mistake, /help).
    local_notice = Signal(str)

    def __init__(self, host: str, port: int, nick: str, room: str, **kwargs: Any) -> None:
        super().__init__()
        self.client = ChatClient(host, port, nick, room, on_event=self._emit_from_client, **kwargs)

    @property
    def host(self) -> str:
        return self.client.host

    @property
    def port(self) -> int:
        return self.client.port

    @property
    def nick(self) -> str:
        return self.client.nick

    @property
    def online(self) -> bool:
        return self.client.state == "connected"

    def send(self, message: Message, text: str = "") -> int:
        """Queue a protocol message (never blocks); returns its local id."""
        return self.client.send(message, text)

    def dispatch(self, event: Any) -> None:
        if isinstance(event, StateChanged):
            self.state_changed.emit(event.state, event.detail, event.retry_in)
        elif isinstance(event, Received):
            self.received.emit(event.message)
        elif isinstance(event, Queued):
            self.queued.emit(event.local_id, event.text)
        elif isinstance(event, Sent):
            self.sent.emit(event.local_id)
        elif isinstance(event, Delivered):
            self.delivered.emit(event.local_id)
        elif isinstance(event, LocalNotice):
            self.local_notice.emit(event.text)


class RawConnection(_ClientConnection):
    """A raw TCP connection (netcat mode)."""

    #: The connection state changed: (state, words for people); see :class:`core.raw_client.RawState`.
    state_changed = Signal(str, str)
    #: Bytes crossed the socket: a :class:`core.raw_client.Chunk` (one recv(), or one whole send).
    chunk = Signal(object)

    def __init__(self, host: str, port: int, **kwargs: Any) -> None:
        super().__init__()
        self.client = RawClient(host, port, on_event=self._emit_from_client, **kwargs)

    @property
    def host(self) -> str:
        return self.client.host

    @property
    def port(self) -> int:
        return self.client.port

    def send(self, data: bytes) -> None:
        self.client.send(data)

    def shutdown_write(self) -> None:
        self.client.shutdown_write()

    def set_recv_size(self, size: int) -> None:
        self.client.recv_size = size

    def dispatch(self, event: Any) -> None:
        if isinstance(event, RawState):
            self.state_changed.emit(event.state, event.detail)
        elif isinstance(event, Chunk):
            self.chunk.emit(event)
