"""The raw (netcat-mode) client against real servers on loopback: echo, chunking, half-close, failures."""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.config import EchoConfig
from core.raw_client import Chunk, RawClient, RawState, format_transcript
from core.servers.echo import EchoServer
from tests.conftest import free_port


class Recorder:
    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()
        self.seen: list[Any] = []

    def __call__(self, event: Any) -> None:
        self.events.put(event)

    def wait(self, predicate: Callable[[Any], bool], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(event)
            if predicate(event):
                return event
        raise AssertionError(f"no matching event within {timeout}s; saw {self.seen!r}")

    def state(self, name: str) -> RawState:
        return self.wait(lambda e: isinstance(e, RawState) and e.state == name)

    def wait_received(self, size: int, timeout: float = 10.0) -> bytes:
        """Wait until ``size`` bytes have come in (over however many recv() calls)."""
        if len(self.received()) < size:
            self.wait(lambda e: isinstance(e, Chunk) and len(self.received()) >= size, timeout)
        return self.received()

    def received(self) -> bytes:
        return b"".join(e.data for e in self.seen if isinstance(e, Chunk) and e.direction == "in")


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    server = EchoServer(EchoConfig(port=0, idle_timeout=0), lambda event: None)
    address = server.start()
    try:
        yield address
    finally:
        server.close()


@pytest.fixture
def client_factory() -> Iterator[Callable[..., tuple[RawClient, Recorder]]]:
    made: list[RawClient] = []

    def make(host: str, port: int, **kwargs: Any) -> tuple[RawClient, Recorder]:
        recorder = Recorder()
        client = RawClient(host, port, on_event=recorder, **kwargs)
        made.append(client)
        client.start()
        return client, recorder

    yield make
    for client in made:
        client.close()
        assert client.finished


class OneShotServer:
    """A listening socket; ``script(conn)`` runs on the accepted connection in a thread."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.script = script
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            self.script(conn)

    def close(self) -> None:
        self.thread.join(10)
        self.listener.close()


def test_bytes_round_trip_through_the_echo_server(echo, client_factory) -> None:
    client, rec = client_factory(*echo)
    rec.state("connected")
    payload = bytes(range(256))
    client.send(payload)
    sent = rec.wait(lambda e: isinstance(e, Chunk) and e.direction == "out")
    assert sent.data == payload and sent.seq == 1 and sent.calls >= 1
    assert rec.wait_received(256) == payload


def test_each_recv_is_reported_as_its_own_chunk(client_factory) -> None:
    """One send of 11 bytes read with recv(4) arrives as three reads: the message-boundary lesson."""
    ready = threading.Event()

    def script(conn: socket.socket) -> None:
        conn.sendall(b"hello world")
        ready.wait(10)

    server = OneShotServer(script)
    try:
        client, rec = client_factory("127.0.0.1", server.port, recv_size=4)
        rec.state("connected")
        rec.wait(lambda e: isinstance(e, Chunk) and e.seq == 3)
        chunks = [e for e in rec.seen if isinstance(e, Chunk)]
        assert [c.data for c in chunks] == [b"hell", b"o wo", b"rld"]
        assert [c.seq for c in chunks] == [1, 2, 3]
        assert all(c.size <= 4 for c in chunks)
    finally:
        ready.set()
        server.close()


def test_half_close_lets_the_answer_arrive_then_the_echo_server_closes(echo, client_factory) -> None:
    client, rec = client_factory(*echo)
    rec.state("connected")
    client.send(b"last words\n")
    client.shutdown_write()
    rec.state("half-closed")
    closed = rec.state("closed")
    assert rec.received() == b"last words\n"
    assert "Both sides" in closed.detail or "finished sending" in closed.detail
    states = [e.state for e in rec.seen if isinstance(e, RawState)]
    assert states == ["connecting", "connected", "half-closed", "closed"]


def test_server_closing_first_is_reported_and_sending_still_works(client_factory) -> None:
    got = queue.Queue()

    def script(conn: socket.socket) -> None:
        conn.sendall(b"220 bye\r\n")
        conn.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := conn.recv(100):
            data += chunk
        got.put(data)

    server = OneShotServer(script)
    try:
        client, rec = client_factory("127.0.0.1", server.port)
        peer = rec.state("peer-closed")
        assert "recv() returned 0 bytes" in peer.detail
        assert rec.received() == b"220 bye\r\n"
        client.send(b"QUIT\r\n")
        client.shutdown_write()
        rec.state("closed")
        assert got.get(timeout=10) == b"QUIT\r\n"
    finally:
        server.close()


def test_nothing_listening_fails_in_plain_words(client_factory) -> None:
    client, rec = client_factory("127.0.0.1", free_port())
    failed = rec.state("failed")
    assert failed.detail.startswith("Nothing is listening at 127.0.0.1:")


def test_disconnect_closes_the_connection_and_the_server_sees_eof(client_factory) -> None:
    eof = threading.Event()

    def script(conn: socket.socket) -> None:
        if conn.recv(10) == b"":
            eof.set()

    server = OneShotServer(script)
    try:
        client, rec = client_factory("127.0.0.1", server.port)
        rec.state("connected")
        client.close()
        assert rec.state("closed").detail == "You disconnected."
        assert eof.wait(10)
    finally:
        server.close()


def test_a_big_send_is_reported_once_with_its_send_calls(echo, client_factory) -> None:
    client, rec = client_factory(*echo, recv_size=65536)
    rec.state("connected")
    payload = b"x" * (8 * 1024 * 1024)
    client.send(payload)
    out = rec.wait(lambda e: isinstance(e, Chunk) and e.direction == "out", timeout=30)
    assert out.size == len(payload) and out.calls >= 1
    assert rec.wait_received(len(payload), timeout=30) == payload


def test_transcript_lists_every_chunk_with_size_text_and_hex() -> None:
    text = format_transcript([
        RawState("connected", "Connected to x:1."),
        Chunk("out", b"hi\r\n", 0.0, 1),
        Chunk("in", b"h", 0.5, 1),
        Chunk("in", b"i\r\n", 0.6, 2),
    ])
    assert "-- Connected to x:1." in text
    assert "-> sent #1: 4 bytes" in text
    assert "<- recv #1: 1 byte" in text and "<- recv #2: 3 bytes" in text
    assert "text: hi\\r\\n" in text and "hex:  68 69 0d 0a" in text
