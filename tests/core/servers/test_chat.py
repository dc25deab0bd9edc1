"""The chat relay worker with real clients: Wirelab clients, plain `nc`, misbehaving and slow peers."""

from __future__ import annotations

import queue
import socket
import subprocess
import time

import pytest

from core.chat_client import ChatClient, Delivered, Queued, Received, StateChanged
from core.messages import ChatActivity, Listening, WorkerExited
from core.protocol import NEED_DATA, Connection, Role
from core.protocol.messages import (
    ChatMessage,
    Error,
    Hello,
    Joined,
    Members,
    Presence,
    Say,
    Welcome,
)
from tests.conftest import free_port, need_tool, read_until, wait_for


class Person:
    """A core ChatClient plus the queue of what it reported."""

    def __init__(self, host: str, port: int, nick: str, room: str = "lobby", **kwargs) -> None:
        self.events: queue.Queue = queue.Queue()
        self.client = ChatClient(host, port, nick, room, on_event=self.events.put, **kwargs)
        self.client.start()

    def wait(self, predicate, timeout: float = 10.0):
        return wait_for(self.events, predicate, timeout)

    def wait_message(self, text: str, timeout: float = 10.0) -> ChatMessage:
        return self.wait(lambda e: isinstance(e, Received) and isinstance(e.message, ChatMessage)
                         and e.message.text == text, timeout).message

    def connected(self) -> None:
        self.wait(lambda e: isinstance(e, StateChanged) and e.state == "connected")

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def people(chat_worker):
    made: list[Person] = []

    def make(nick: str, room: str = "lobby", **kwargs) -> Person:
        person = Person(chat_worker.host, chat_worker.port, nick, room, **kwargs)
        made.append(person)
        return person

    yield make
    for person in made:
        person.close()


class RawChat:
    """A Wirelab chat client speaking the protocol by hand."""

    def __init__(self, host: str, port: int, nick: str, room: str = "", rcvbuf: int = 0) -> None:
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # before connect, or it is ignored
        self.sock.settimeout(10)
        self.sock.connect((host, port))
        self.conn = Connection(Role.CLIENT)
        self.sock.sendall(self.conn.send(Hello(service="chat", nick=nick, room=room)))

    def next(self):
        while True:
            event = self.conn.next_event()
            if event is not NEED_DATA:
                return event
            self.conn.receive_data(self.sock.recv(65536))

    def close(self) -> None:
        self.sock.close()


def test_two_people_in_a_room_see_each_other(people, chat_worker) -> None:
    ana, bob = people("ana"), people("bob")
    ana.connected()
    bob.connected()
    local_id = ana.client.say("hello bob 👋")
    got = bob.wait_message("hello bob 👋")
    assert got.nick == "ana" and got.room == "lobby" and got.kind == "say"
    ana.wait(lambda e: isinstance(e, Delivered) and e.local_id == local_id)
    bob.client.say("/me waves")
    assert ana.wait_message("waves").kind == "me"
    activity = chat_worker.wait(lambda e: isinstance(e, ChatActivity) and e.kind == "me")
    assert activity.nick == "bob" and activity.room == "lobby"


def test_a_taken_nickname_is_a_clear_error(people, chat_worker) -> None:
    people("ana").connected()
    clash = RawChat(chat_worker.host, chat_worker.port, "ana")
    try:
        error = clash.next()
        assert isinstance(error, Error) and error.code == "nick_taken" and error.fatal
        assert "already called ana" in error.message
    finally:
        clash.close()
    second = people("ana", reconnect=False)
    failed = second.wait(lambda e: isinstance(e, StateChanged) and e.state == "failed")
    assert "already called ana" in failed.detail


def test_nick_join_and_who(people) -> None:
    ana, bob = people("ana"), people("bob")
    ana.connected()
    bob.connected()
    bob.client.say("/nick ana")  # taken: refused, bob stays bob
    err = bob.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Error))
    assert err.message.code == "nick_taken" and not err.message.fatal
    bob.client.say("/nick robert")
    renamed = ana.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Presence)
                       and e.message.kind == "nick")
    assert (renamed.message.old, renamed.message.nick) == ("bob", "robert")
    bob.client.say("/join lab2")
    bob.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Joined) and e.message.room == "lab2")
    left = ana.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Presence) and e.message.kind == "leave")
    assert left.message.nick == "robert"
    ana.client.say("/who")
    who = ana.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Members))
    assert who.message.nicks == ("ana",)
    ana.client.say("only for lobby")
    bob.client.say("only for lab2")
    assert bob.wait_message("only for lab2").room == "lab2"
    with pytest.raises(AssertionError):
        bob.wait_message("only for lobby", timeout=0.5)


def test_newcomers_get_recent_history_bounded(supervisor) -> None:
    from core.config import ChatConfig
    from tests.core.servers.conftest import start_worker

    running = start_worker(supervisor, "chat", "core.workers.chat:run", ChatConfig(port=0, history_size=5))
    early = Person(running.host, running.port, "early")
    try:
        early.connected()
        for i in range(8):
            early.client.say(f"message {i}")
        early.wait_message("message 7")
        late = RawChat(running.host, running.port, "late")
        try:
            assert isinstance(late.next(), Welcome)
            assert isinstance(late.next(), Joined)
            replay = [late.next() for _ in range(5)]
            assert [m.text for m in replay] == [f"message {i}" for i in range(3, 8)]
            assert all(m.history for m in replay)
        finally:
            late.close()
    finally:
        early.close()


def nc_process(host: str, port: int) -> subprocess.Popen:
    nc = need_tool("nc.openbsd")  # OpenBSD netcat: -N closes the socket when stdin ends
    return subprocess.Popen([nc, "-N", host, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1, encoding="utf-8")


def test_a_real_nc_and_a_wirelab_client_chat_in_one_room(people, chat_worker) -> None:
    ana = people("ana")
    ana.connected()
    nc = nc_process(chat_worker.host, chat_worker.port)
    try:
        greeting = read_until(nc.stdout, "Type /help")
        assert "You are guest-" in greeting and "in room lobby" in greeting
        joined = ana.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Presence))
        guest = joined.message.nick
        nc.stdin.write("hello from nc\n")
        nc.stdin.flush()
        assert ana.wait_message("hello from nc").nick == guest
        ana.client.say("hi nc, ça va?")
        assert f"ana: hi nc, ça va?" in read_until(nc.stdout, "hi nc")
        nc.stdin.write("/nick netcat\n/who\n")
        nc.stdin.flush()
        assert "In lobby: ana, netcat" in read_until(nc.stdout, "In lobby")
        nc.stdin.write("/me types fast\n")
        nc.stdin.flush()
        assert ana.wait_message("types fast").kind == "me"
    finally:
        nc.stdin.close()
        nc.wait(10)
        nc.stdout.close()
        nc.stderr.close()
    left = ana.wait(lambda e: isinstance(e, Received) and isinstance(e.message, Presence) and e.message.kind == "leave")
    assert left.message.nick == "netcat"


def test_garbage_from_one_client_does_not_disturb_the_room(people, chat_worker) -> None:
    ana, bob = people("ana"), people("bob")
    ana.connected()
    bob.connected()
    bad = RawChat(chat_worker.host, chat_worker.port, "mallory")
    try:
        assert isinstance(bad.next(), Welcome)
        bad.sock.sendall(b'{"type":"say","text":12}\n')
        while not isinstance(event := bad.next(), Error):
            pass
        assert event.fatal and event.code == "bad_message"
    finally:
        bad.close()
    ana.client.say("still here")
    assert bob.wait_message("still here").nick == "ana"


def test_a_slow_reader_is_dropped_and_the_room_is_told(supervisor) -> None:
    from core.config import ChatConfig
    from tests.core.servers.conftest import start_worker

    running = start_worker(supervisor, "chat", "core.workers.chat:run", ChatConfig(port=0, max_outbox_bytes=64 * 1024))
    sleeper = RawChat(running.host, running.port, "sleepy", rcvbuf=4096)
    assert isinstance(sleeper.next(), Welcome)
    talker = Person(running.host, running.port, "talker")
    try:
        talker.connected()
        big = "x" * 7000
        notice = None
        for burst in range(200):  # up to 28 MB that sleepy never reads: more than any socket buffer holds
            ids = [talker.client.say(f"{burst}.{i} {big}") for i in range(20)]
            # The talker reads its own echo before going on, so only sleepy falls behind.
            seen = talker.wait(lambda e: (isinstance(e, Delivered) and e.local_id == ids[-1])
                               or (isinstance(e, Received) and "too slow" in getattr(e.message, "text", "")))
            if isinstance(seen, Received):
                notice = seen
                break
        assert notice is not None, "sleepy was never dropped"
        assert "sleepy was disconnected" in notice.message.text
        talker.client.say("the room goes on")
        talker.wait_message("the room goes on", timeout=30)
    finally:
        talker.close()
        sleeper.close()


def test_typed_while_offline_is_queued_then_delivered(supervisor) -> None:
    from core.config import ChatConfig
    from tests.conftest import free_port
    from tests.core.servers.conftest import start_worker

    port = free_port()
    running = start_worker(supervisor, "chat", "core.workers.chat:run", ChatConfig(port=port))
    listener = Person("127.0.0.1", port, "listener", backoff=(0.2,))
    ana = Person("127.0.0.1", port, "ana", backoff=(0.2,))
    try:
        ana.connected()
        listener.connected()
        import os
        import signal

        os.kill(supervisor.info("chat").pid, signal.SIGKILL)
        ana.wait(lambda e: isinstance(e, StateChanged) and e.state == "reconnecting")
        local_id = ana.client.say("typed while the server was down")
        ana.wait(lambda e: isinstance(e, Queued) and e.local_id == local_id)
        running.wait(lambda e: isinstance(e, WorkerExited))
        supervisor.start("chat")
        running.wait(lambda e: isinstance(e, Listening))
        ana.wait(lambda e: isinstance(e, StateChanged) and e.state == "connected", timeout=20)
        ana.wait(lambda e: isinstance(e, Delivered) and e.local_id == local_id, timeout=20)
        assert listener.wait_message("typed while the server was down", timeout=20).nick == "ana"
    finally:
        ana.close()
        listener.close()


def test_a_plain_client_that_types_json_is_still_plain(chat_worker) -> None:
    with socket.create_connection((chat_worker.host, chat_worker.port), timeout=5) as s:
        s.sendall(b'{"type":"say","text":"sneaky"}\n')
        data = b""
        while b"sneaky" not in data:
            data += s.recv(4096)
    assert b': {"type":"say","text":"sneaky"}' in data


def test_wrong_service_hello_is_refused(chat_worker) -> None:
    with socket.create_connection((chat_worker.host, chat_worker.port), timeout=5) as s:
        conn = Connection(Role.CLIENT)
        s.sendall(conn.send(Hello(service="files")))
        conn.receive_data(s.recv(4096))
        error = conn.next_event()
    assert isinstance(error, Error) and error.code == "wrong_service"


def test_say_is_relayed_to_protocol_clients_exactly(chat_worker) -> None:
    a = RawChat(chat_worker.host, chat_worker.port, "a")
    b = RawChat(chat_worker.host, chat_worker.port, "b")
    try:
        for who in (a, b):
            assert isinstance(who.next(), Welcome)
            assert isinstance(who.next(), Joined)
        assert isinstance(a.next(), Presence)
        text = "line one\nline two\t\u2603 \x01"
        a.sock.sendall(a.conn.send(Say(text)))
        while not isinstance(event := b.next(), ChatMessage):
            pass
        assert event.text == text and event.nick == "a"
    finally:
        a.close()
        b.close()


@pytest.mark.timeout(30)
def test_saying_never_blocks_the_caller_even_when_the_client_thread_is_not_reading() -> None:
    # The caller is often the GUI thread. Each say() wakes the client thread through a socket pair; with
    # the thread busy (here: never started) thousands of wakes must not fill that socket and block.
    from core.raw_client import RawClient

    chat = ChatClient("127.0.0.1", free_port(), "ana", on_event=lambda e: None)
    raw = RawClient("127.0.0.1", free_port(), on_event=lambda e: None)
    try:
        for i in range(5000):
            chat.say(f"message {i}")
            raw.send(b"x")
        assert len(chat.pending()) == 5000  # queued, not lost
    finally:
        chat.close()
        raw.close()
