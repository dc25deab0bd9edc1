"""The echo tutorial's client, unchanged apart from HOST and PORT (given on the command line here)."""

import socket
import sys

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"  # The server's hostname or IP address
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 65432  # The port used by the server

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((HOST, PORT))
    s.sendall(b"Hello, world")
    data = s.recv(1024)

print(f"Received {data!r}")
