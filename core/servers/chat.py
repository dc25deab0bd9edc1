"""The chat relay: rooms, nicknames, presence, history, and plain-text (nc) participants.

One asyncio event loop serves every client (see :mod:`core.net.aio`); all room state lives on that
loop's thread, so it needs no locks. Each client's outgoing bytes sit in its transport's buffer; a client
that lets more than ``max_outbox_bytes`` pile up (it reads slower than the room talks) is dropped with a
notice, so one stuck reader never slows the others down.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.config import ChatConfig
from core.messages import ChatActivity, ClientConnected, ClientDisconnected, Listening
from core.net.aio import LoopThread
from core.net.announce import advertise
from core.net.listen import bound_address, open_listener, peer_label
from core.protocol import (
    NEED_DATA,
    Connection,
    ConnectionClosed,
    LocalProtocolError,
    PlainText,
    RemoteProtocolError,
    Role,
    State,
    Unknown,
)
from core.protocol.commands import HELP, CommandError, Help, Quit, nick_problem, parse_input, room_problem
from core.protocol.messages import (
    ChatMessage,
    Error,
    Hello,
    Join,
    Joined,
    Me,
    Members,
    Message,
    Notice,
    Ping,
    Pong,
    Presence,
    Say,
    SetNick,
    Welcome,
    Who,
)

DEFAULT_ROOM = "lobby"
CHAT_SNDBUF = 256 * 1024  # bytes of kernel send buffer per chat connection (Linux doubles it)


def clock(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))


def render_plain(msg: Message) -> str:
    """How a message looks to a plain-text (nc) client: one readable line (or a few)."""
    if isinstance(msg, ChatMessage):
        text = msg.text.replace("\n", "\n        ")
        if msg.kind == "me":
            return f"[{clock(msg.time)}] * {msg.nick} {text}\n"
        return f"[{clock(msg.time)}] {msg.nick}: {text}\n"
    if isinstance(msg, Presence):
        if msg.kind == "join":
            return f"[{clock(msg.time)}] -- {msg.nick} joined {msg.room}\n"
        if msg.kind == "leave":
            return f"[{clock(msg.time)}] -- {msg.nick} left {msg.room}\n"
        return f"[{clock(msg.time)}] -- {msg.old} is now known as {msg.nick}\n"
    if isinstance(msg, Joined):
        return (f"-- You are {msg.nick} in room {msg.room}. Here now: {', '.join(msg.members)}.\n"
                "-- Type a message and press Enter. Type /help for commands.\n")
    if isinstance(msg, Members):
        return f"-- In {msg.room}: {', '.join(msg.nicks)}\n"
    if isinstance(msg, (Notice, Error)):
        return f"-- {msg.message if isinstance(msg, Error) else msg.text}\n"
    return ""


@dataclass(eq=False)
class Room:
    name: str
    history_size: int
    members: dict[str, _Client] = field(default_factory=dict)
    history: deque[ChatMessage] = field(init=False)

    def __post_init__(self) -> None:
        self.history = deque(maxlen=self.history_size)


class _Client(asyncio.Protocol):
    def __init__(self, server: ChatServer) -> None:
        self.server = server
        self.conn = Connection(Role.SERVER, allow_plain_text=True)
        self.transport: asyncio.Transport | None = None
        self.client_id = f"chat-{next(server.ids)}"
        self.peer = "?"
        self.nick = ""
        self.room: Room | None = None
        self.machine = ""
        self.plain = False
        self.closing = False
        self._sniff: asyncio.TimerHandle | None = None

    # --- transport callbacks ----------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.peer = peer_label(transport.get_extra_info("peername"))
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            # A fixed kernel send buffer: chat lines are small, and without it a reader that never reads
            # could hide tens of megabytes in an autotuned buffer before ``max_outbox_bytes`` notices.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHAT_SNDBUF)
        self.server.clients.add(self)
        # A Wirelab client says hello at once; one that stays silent is a person at `nc`.
        self._sniff = self.server.loop.call_later(self.server.config.sniff_seconds, self._silence)

    def _silence(self) -> None:
        self._sniff = None
        if self.conn.state is State.HELLO:
            self.conn.assume_plain_text()
            if self.conn.state is State.PLAIN:
                self._start_plain()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        self.conn.receive_data(data)
        self._process()

    def eof_received(self) -> bool:
        self.conn.receive_data(b"")
        self._process()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._sniff is not None:
            self._sniff.cancel()
        self.server.clients.discard(self)
        self.server.leave(self, reason="connection lost" if exc else "left")
        if self.nick or self.plain:
            self.server.emit(ClientDisconnected(self.server.worker, self.client_id, self.peer,
                                                "connection lost" if exc else "closed"))

    # --- protocol ---------------------------------------------------------------------------------

    def _process(self) -> None:
        while not self.closing:
            try:
                event = self.conn.next_event()
            except RemoteProtocolError as exc:
                self.fail(exc.code, _explain(exc))
                return
            if event is NEED_DATA:
                return
            if isinstance(event, ConnectionClosed):
                self.close()
                return
            self._on_event(event)

    def _on_event(self, event: Any) -> None:
        if self._sniff is not None:
            self._sniff.cancel()
            self._sniff = None
        if isinstance(event, PlainText):
            if not self.plain:
                self._start_plain()
            self._on_typed(event.text)
        elif isinstance(event, Hello):
            self._on_hello(event)
        elif isinstance(event, (Say, Me, SetNick, Join, Who)):
            self.server.handle(self, event)
        elif isinstance(event, Ping):
            self.deliver(Pong(event.token))
        elif isinstance(event, (Unknown, Pong, Error)):
            pass

    def _on_hello(self, hello: Hello) -> None:
        if hello.service != "chat":
            self.fail("wrong_service", f"This port is Wirelab's chat server, not its {hello.service} service.")
            return
        room_name = hello.room or DEFAULT_ROOM
        if problem := room_problem(room_name):
            self.fail("bad_room", problem)
            return
        nick = hello.nick or self.server.guest_nick(room_name)
        if problem := nick_problem(nick):
            self.fail("bad_nick", problem)
            return
        room = self.server.rooms.get(room_name)
        if room is not None and nick in room.members:
            self.fail("nick_taken", f"Somebody in room {room_name} is already called {nick}. Pick another nickname.")
            return
        self.machine = hello.machine
        self.nick = nick
        self.deliver(Welcome(service="chat", server=self.server.config.server_name, nick=nick, room=room_name))
        self.server.emit(ClientConnected(self.server.worker, self.client_id, self.peer, nick))
        self.server.enter(self, room_name)

    def _start_plain(self) -> None:
        self.plain = True
        self.nick = self.server.guest_nick(DEFAULT_ROOM)
        self.write_text(f"-- Welcome to the Wirelab chat on {self.server.config.server_name}.\n")
        self.server.emit(ClientConnected(self.server.worker, self.client_id, self.peer, self.nick))
        self.server.enter(self, DEFAULT_ROOM)

    def _on_typed(self, text: str) -> None:
        if not text.strip():
            return
        try:
            command = parse_input(text)
        except CommandError as exc:
            self.write_text(f"-- {exc}\n")
            return
        if isinstance(command, Quit):
            self.write_text("-- Bye!\n")
            self.close()
        elif isinstance(command, Help):
            self.write_text(f"-- {HELP}\n")
        else:
            self.server.handle(self, command)

    # --- output -----------------------------------------------------------------------------------

    def deliver(self, msg: Message) -> None:
        if self.closing or self.transport is None:
            return
        if self.plain:
            self.write_text(render_plain(msg))
            return
        try:
            data = self.conn.send(msg)
        except LocalProtocolError:
            return
        self._write(data)

    def write_text(self, text: str) -> None:
        if text and not self.closing:
            self._write(text.encode("utf-8"))

    def _write(self, data: bytes) -> None:
        if self.transport.is_closing():  # the peer is gone; connection_lost() is on its way
            return
        self.transport.write(data)
        if self.transport.get_write_buffer_size() > self.server.config.max_outbox_bytes:
            self.server.drop_slow(self)

    def fail(self, code: str, message: str) -> None:
        """Tell the client what went wrong (in its own format) and hang up."""
        if self.plain or self.conn.state is State.PLAIN:
            self.write_text(f"-- {message}\n")
        elif self.transport is not None and not self.closing:
            self._write(self.conn.send(Error(code=code, message=message, fatal=True)))
        self.close()

    def close(self) -> None:
        if not self.closing and self.transport is not None:
            self.closing = True
            self.transport.close()


def _explain(exc: RemoteProtocolError) -> str:
    return f"The chat server could not understand this client ({exc.message}), so it closed the connection."


class ChatServer:
    def __init__(self, config: ChatConfig, emit: Callable[[Any], None], worker: str = "chat") -> None:
        self.config = config
        self.emit = emit
        self.worker = worker
        self.ids = itertools.count(1)
        self.guests = itertools.count(1)
        self.clients: set[_Client] = set()
        self.rooms: dict[str, Room] = {}
        self.address: tuple[str, int] | None = None
        self._thread = LoopThread(f"{worker}-loop")
        self.loop = self._thread.loop
        self._server: asyncio.AbstractServer | None = None
        self._advertiser: Any = None

    def start(self) -> tuple[str, int]:
        sock = open_listener(self.config.host, self.config.port, "chat")
        self.address = bound_address(sock)
        self._thread.start()
        self._server = self._thread.run(self.loop.create_server(lambda: _Client(self), sock=sock))
        self.emit(Listening(self.worker, "chat", "tcp", *self.address))
        if self.config.advertise:
            self._advertiser = advertise(self.config.server_name, self.config.nick, self.address[1], "chat",
                                         self.emit, self.worker)
        return self.address

    def close(self) -> None:
        if self._advertiser is not None:
            self._advertiser.close()
            self._advertiser = None
        if self._server is not None:
            self._thread.run(self._shutdown())
            self._server = None
        self._thread.stop()

    async def _shutdown(self) -> None:
        self._server.close()
        notice = Notice("The chat server is shutting down.", time.time())
        for client in list(self.clients):
            client.deliver(notice)
            client.close()
        await self._server.wait_closed()

    # --- rooms (all on the loop thread) -----------------------------------------------------------

    def guest_nick(self, room: str) -> str:
        taken = self.rooms[room].members if room in self.rooms else {}
        while True:
            nick = f"guest-{next(self.guests)}"
            if nick not in taken:
                return nick

    def enter(self, client: _Client, room_name: str) -> None:
        room = self.rooms.get(room_name)
        if room is None:
            room = self.rooms[room_name] = Room(room_name, self.config.history_size)
        now = time.time()
        room.members[client.nick] = client
        client.room = room
        client.deliver(Joined(room=room.name, nick=client.nick, members=tuple(room.members)))
        for old in room.history:
            client.deliver(ChatMessage(room=old.room, nick=old.nick, text=old.text, time=old.time,
                                       kind=old.kind, history=True))
        self._to_room(room, Presence(room=room.name, kind="join", nick=client.nick, time=now), skip=client)
        self.emit(ChatActivity(self.worker, room.name, client.nick, f"{client.nick} joined", "join", now))

    def leave(self, client: _Client, reason: str = "left") -> None:
        room = client.room
        if room is None or room.members.get(client.nick) is not client:
            return
        del room.members[client.nick]
        client.room = None
        now = time.time()
        self._to_room(room, Presence(room=room.name, kind="leave", nick=client.nick, time=now))
        self.emit(ChatActivity(self.worker, room.name, client.nick, f"{client.nick} {reason}", "leave", now))
        if not room.members and not room.history and room.name != DEFAULT_ROOM:
            del self.rooms[room.name]

    def handle(self, client: _Client, msg: Message) -> None:
        room = client.room
        if room is None:
            return
        now = time.time()
        if isinstance(msg, (Say, Me)):
            kind = "me" if isinstance(msg, Me) else "say"
            out = ChatMessage(room=room.name, nick=client.nick, text=msg.text, time=now, kind=kind)
            room.history.append(out)
            self._to_room(room, out)
            self.emit(ChatActivity(self.worker, room.name, client.nick, msg.text, kind, now))
        elif isinstance(msg, SetNick):
            self._rename(client, room, msg.nick, now)
        elif isinstance(msg, Join):
            self._move(client, msg.room)
        elif isinstance(msg, Who):
            client.deliver(Members(room=room.name, nicks=tuple(room.members)))

    def _rename(self, client: _Client, room: Room, nick: str, now: float) -> None:
        if nick == client.nick:
            return
        if problem := nick_problem(nick):
            client.deliver(Error(code="bad_nick", message=problem))
            return
        if nick in room.members:
            client.deliver(Error(code="nick_taken", message=f"Somebody in room {room.name} is already called {nick}."))
            return
        old = client.nick
        del room.members[old]
        room.members[nick] = client
        client.nick = nick
        client.deliver(Joined(room=room.name, nick=nick, members=tuple(room.members)))
        self._to_room(room, Presence(room=room.name, kind="nick", nick=nick, old=old, time=now), skip=client)
        self.emit(ChatActivity(self.worker, room.name, nick, f"{old} is now known as {nick}", "nick", now))

    def _move(self, client: _Client, room_name: str) -> None:
        if problem := room_problem(room_name):
            client.deliver(Error(code="bad_room", message=problem))
            return
        if client.room is not None and client.room.name == room_name:
            client.deliver(Joined(room=room_name, nick=client.nick, members=tuple(client.room.members)))
            return
        target = self.rooms.get(room_name)
        if target is not None and client.nick in target.members:
            client.deliver(Error(code="nick_taken",
                                 message=f"Somebody in room {room_name} is already called {client.nick}. "
                                         "Change your nickname with /nick first."))
            return
        self.leave(client, reason=f"went to {room_name}")
        self.enter(client, room_name)

    def _to_room(self, room: Room, msg: Message, skip: _Client | None = None) -> None:
        """Send ``msg`` to everybody in ``room``: encoded once per format, not once per member."""
        wire: bytes | None = None
        plain: bytes | None = None
        for member in list(room.members.values()):
            if member is skip or member.closing or member.transport is None:
                continue
            if member.plain:
                if plain is None:
                    plain = render_plain(msg).encode("utf-8")
                member._write(plain)
            elif member.conn.state is State.CHAT:
                if wire is None:
                    wire = member.conn.send(msg)  # checked by the state machine once; the same bytes for all
                member._write(wire)

    def drop_slow(self, client: _Client) -> None:
        """A client that cannot keep up is cut off, and the room is told why."""
        if client.closing:
            return
        client.closing = True
        client.transport.abort()
        room = client.room
        if room is not None and room.members.get(client.nick) is client:
            del room.members[client.nick]
            client.room = None
            now = time.time()
            self._to_room(room, Notice(f"{client.nick} was disconnected: their connection was too slow to keep up.", now))
            self._to_room(room, Presence(room=room.name, kind="leave", nick=client.nick, time=now))
            self.emit(ChatActivity(self.worker, room.name, client.nick, f"{client.nick} was too slow and was disconnected",
                                   "leave", now))
