"""The echo service: sends back exactly the bytes it receives, like the seed tutorial's echo server."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

from core.config import EchoConfig
from core.messages import ClientConnected, ClientDisconnected, Listening
from core.net.aio import LoopThread
from core.net.listen import bound_address, open_listener, peer_label

#: Stop reading from a client while this much of its echo is still unsent (it reads slower than it writes).
HIGH_WATER = 1024 * 1024


class _EchoProtocol(asyncio.Protocol):
    def __init__(self, server: EchoServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.client_id = f"echo-{next(server.ids)}"
        self.peer = "?"
        self.last_activity = time.monotonic()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.set_write_buffer_limits(high=HIGH_WATER)
        self.peer = peer_label(transport.get_extra_info("peername"))
        self.server.clients.add(self)
        self.server.emit(ClientConnected(self.server.worker, self.client_id, self.peer))

    def data_received(self, data: bytes) -> None:
        self.last_activity = time.monotonic()
        self.server.bytes_echoed += len(data)
        self.transport.write(data)

    def eof_received(self) -> bool:
        return False  # the client is done sending: finish writing its echo, then close

    def pause_writing(self) -> None:
        self.transport.pause_reading()  # back-pressure instead of buffering without bound

    def resume_writing(self) -> None:
        self.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.clients.discard(self)
        reason = "closed" if exc is None else f"connection lost: {exc}"
        self.server.emit(ClientDisconnected(self.server.worker, self.client_id, self.peer, reason))


class EchoServer:
    def __init__(self, config: EchoConfig, emit: Callable[[Any], None], worker: str = "echo") -> None:
        self.config = config
        self.emit = emit
        self.worker = worker
        self.ids = itertools.count(1)
        self.clients: set[_EchoProtocol] = set()
        self.bytes_echoed = 0
        self.address: tuple[str, int] | None = None
        self._loop = LoopThread(f"{worker}-loop")
        self._server: asyncio.AbstractServer | None = None
        self._reaper: asyncio.TimerHandle | None = None

    def start(self) -> tuple[str, int]:
        sock = open_listener(self.config.host, self.config.port, "echo")
        self.address = bound_address(sock)
        self._loop.start()
        self._server = self._loop.run(self._loop.loop.create_server(lambda: _EchoProtocol(self), sock=sock))
        if self.config.idle_timeout > 0:
            self._loop.call(self._schedule_reaper)
        self.emit(Listening(self.worker, "echo", "tcp", *self.address))
        return self.address

    def _schedule_reaper(self) -> None:
        self._reaper = self._loop.loop.call_later(1.0, self._reap_idle)

    def _reap_idle(self) -> None:
        now = time.monotonic()
        for client in list(self.clients):
            if now - client.last_activity > self.config.idle_timeout and client.transport:
                client.transport.close()
        self._schedule_reaper()

    def close(self) -> None:
        if self._server is not None:
            self._loop.run(self._shutdown())
            self._server = None
        self._loop.stop()

    async def _shutdown(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
        self._server.close()
        for client in list(self.clients):
            if client.transport is not None:
                client.transport.close()
        await self._server.wait_closed()
