"""A sender that behaves exactly like the socket tutorial's file sender (see tests/seeds/README.md)."""

import argparse
import os
import socket

SEPARATOR = "<SEPARATOR>"
BUFFER_SIZE = 1024 * 4


def send_file(filename, host, port):
    filesize = os.path.getsize(filename)
    s = socket.socket()
    print(f"[+] Connecting to {host}:{port}")
    s.connect((host, port))
    print("[+] Connected.")
    # The header goes out in one send(), with no end marker: the receiver must guess where it stops.
    s.send(f"{filename}{SEPARATOR}{filesize}".encode())
    with open(filename, "rb") as f:
        while True:
            bytes_read = f.read(BUFFER_SIZE)
            if not bytes_read:
                break
            s.sendall(bytes_read)
    s.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Simple File Sender")
    parser.add_argument("file")
    parser.add_argument("host")
    parser.add_argument("-p", "--port", type=int, default=5001)
    args = parser.parse_args()
    send_file(args.file, args.host, args.port)
