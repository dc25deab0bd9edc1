"""``wirelab chat`` and ``wirelab send``: the core clients in a terminal."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from core.config import DEFAULT_CHAT_PORT, DEFAULT_FILE_PORT, default_nick
from core.net.connect import ConnectFailure, parse_address
from core.text import human_duration, human_rate, human_size


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the client subcommands on the ``wirelab`` parser."""
    chat = sub.add_parser("chat", help="chat in a Wirelab chat room from this terminal")
    chat.add_argument("address", help=f"the chat server, HOST:PORT (port {DEFAULT_CHAT_PORT} when left out)")
    chat.add_argument("--nick", default=None, help="your nickname (default: your login name)")
    chat.add_argument("--room", default="lobby", help="the room to join (default %(default)s)")
    chat.set_defaults(run=run_chat)

    send = sub.add_parser("send", help="send files or folders to a Wirelab file receiver")
    send.add_argument("address", help=f"the receiver, HOST:PORT (port {DEFAULT_FILE_PORT} when left out)")
    send.add_argument("paths", nargs="+", type=Path, help="files and folders to send")
    send.add_argument("--nick", default=None, help="the name the receiver sees (default: your login name)")
    send.add_argument("--retries", type=int, default=3, help="reconnect this many times if the connection drops")
    send.set_defaults(run=run_send)


def _address(text: str, default_port: int) -> tuple[str, int]:
    try:
        return parse_address(text, default_port)
    except ConnectFailure as exc:
        raise SystemExit(f"wirelab: {exc.message}") from None


# --- chat -----------------------------------------------------------------------------------------


def run_chat(args: argparse.Namespace) -> int:
    from core.chat_client import ChatClient, Delivered, LocalNotice, Queued, Received, Sent, StateChanged
    from core.servers.chat import render_plain

    host, port = _address(args.address, DEFAULT_CHAT_PORT)
    finished = threading.Event()
    status = {"code": 0}

    def on_event(event: object) -> None:
        if isinstance(event, Received):
            text = render_plain(event.message)
            if text:
                print(text, end="", flush=True)
        elif isinstance(event, StateChanged):
            if event.state in ("reconnecting", "failed") and event.detail:
                print(f"-- {event.detail}", flush=True)
            if event.state == "failed":
                status["code"] = 1
                finished.set()
            elif event.state == "disconnected":
                finished.set()
        elif isinstance(event, Queued):
            print(f"-- (offline) kept for later: {event.text}", flush=True)
        elif isinstance(event, LocalNotice):
            print(f"-- {event.text}", flush=True)
        elif isinstance(event, (Sent, Delivered)):
            pass

    client = ChatClient(host, port, args.nick or default_nick(), args.room, on_event=on_event)
    client.start()
    reader = threading.Thread(target=_read_lines, args=(client, finished), daemon=True)
    reader.start()
    try:
        finished.wait()
    except KeyboardInterrupt:
        pass
    client.close()
    return status["code"]


def _read_lines(client: object, finished: threading.Event) -> None:
    for line in sys.stdin:
        if line.strip():
            client.say(line.rstrip("\n"))
    client.close()  # end of input (Ctrl-D, or a pipe that ran dry)
    finished.set()


# --- send -----------------------------------------------------------------------------------------


def run_send(args: argparse.Namespace) -> int:
    from core.file_sender import FileSender, collect

    host, port = _address(args.address, DEFAULT_FILE_PORT)
    files, problems = collect(args.paths)
    for problem in problems:
        print(f"wirelab: {problem}", file=sys.stderr)
    if not files:
        print("wirelab: nothing to send.", file=sys.stderr)
        return 1
    total = sum(f.size for f in files)
    print(f"Sending {len(files)} file(s), {human_size(total)}, to {host}:{port}…", flush=True)
    tty = sys.stderr.isatty()

    def on_progress(p: object) -> None:
        line = (f"{p.done_bytes * 100 // max(p.total_bytes, 1):3d}%  {human_size(p.done_bytes)} of "
                f"{human_size(p.total_bytes)}  {human_rate(p.bytes_per_second)}"
                + (f"  {human_duration(p.eta_seconds)} left" if p.eta_seconds else ""))
        if tty:
            print(f"\r{line:<72}", end="", file=sys.stderr, flush=True)

    def on_result(r: object) -> None:
        if r.status != "verified":
            print(f"\n{r.rel}: {r.status} - {r.detail}" if tty else f"{r.rel}: {r.status} - {r.detail}",
                  file=sys.stderr, flush=True)

    sender = FileSender(host, port, files, nick=args.nick or default_nick(), on_progress=on_progress,
                        on_result=on_result, retries=args.retries)
    try:
        outcome = sender.run()
    except KeyboardInterrupt:
        sender.cancel()
        print("\nCancelled.", file=sys.stderr)
        return 130
    if tty:
        print(file=sys.stderr)
    rate = outcome.bytes_sent / outcome.seconds if outcome.seconds else 0
    print(f"{outcome.message} ({human_size(outcome.bytes_sent)} in {outcome.seconds:.1f} s, {human_rate(rate)})",
          file=sys.stdout if outcome.ok else sys.stderr, flush=True)
    return 0 if outcome.ok else 1
