"""The echo worker: the seed's echo client unchanged, exact bytes back, many clients, back-pressure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from core.messages import ClientConnected, ClientDisconnected
from tests.conftest import need_tool

ECHO_CLIENT = Path(__file__).resolve().parents[2] / "seeds" / "echo_client.py"


def test_the_seed_echo_client_works_unchanged(echo_worker) -> None:
    result = subprocess.run([sys.executable, str(ECHO_CLIENT), echo_worker.host, str(echo_worker.port)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Received b'Hello, world'"
    connected = echo_worker.wait(lambda e: isinstance(e, ClientConnected))
    gone = echo_worker.wait(lambda e: isinstance(e, ClientDisconnected))
    assert connected.client_id == gone.client_id


def test_every_byte_comes_back_exactly_even_when_the_client_reads_late(echo_worker) -> None:
    payload = os.urandom(8 * 1024 * 1024)  # far more than the socket buffers: back-pressure must hold it
    with socket.create_connection((echo_worker.host, echo_worker.port), timeout=30) as s:
        writer = threading.Thread(target=lambda: (s.sendall(payload), s.shutdown(socket.SHUT_WR)))
        writer.start()
        received = bytearray()
        while chunk := s.recv(1 << 20):
            received += chunk
        writer.join()
    assert bytes(received) == payload


def test_many_clients_at_once(echo_worker) -> None:
    results: dict[int, bytes] = {}

    def client(i: int) -> None:
        with socket.create_connection((echo_worker.host, echo_worker.port), timeout=10) as s:
            message = f"client {i} ".encode() * 100
            s.sendall(message)
            s.shutdown(socket.SHUT_WR)
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            results[i] = data if data == message else b"MISMATCH"

    threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 50 and b"MISMATCH" not in results.values()


def test_real_nc_gets_its_line_back(echo_worker) -> None:
    nc = need_tool("nc.openbsd")
    result = subprocess.run([nc, "-N", echo_worker.host, str(echo_worker.port)], input=b"hello nc\r\n\x00binary\n",
                            capture_output=True, timeout=10)
    assert result.stdout == b"hello nc\r\n\x00binary\n"
