"""core.net.connect helpers, on real loopback sockets."""

from __future__ import annotations

import socket

from core.net.connect import no_delay


def test_no_delay_turns_nagle_off_on_a_real_tcp_connection() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
        with client, server:
            assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
            no_delay(client)
            no_delay(server)
            assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            assert server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            client.sendall(b"x")
            assert server.recv(1) == b"x"


def test_no_delay_leaves_sockets_that_are_not_tcp_alone() -> None:
    a, b = socket.socketpair()
    with a, b:
        no_delay(a)  # no error: tests drive sessions over socketpairs too
        a.sendall(b"ok")
        assert b.recv(2) == b"ok"
