"""The ``wirelab`` command line: ``serve``, ``chat``, ``send``, ``selftest`` and ``--version``.

``wirelab`` with no subcommand opens the GUI; that part lives in ``gui.launcher``, which hands this module
an ``open_gui`` callable, so nothing here imports Qt (tests/core/test_no_qt.py checks it).
"""

from __future__ import annotations

import argparse
import queue
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from typing import TYPE_CHECKING

from core import __version__
from core import config as cfg
from core.text import human_size

if TYPE_CHECKING:
    from core.lab import LabSettings
    from core.messages import FileOffer
    from core.supervisor import Supervisor

# The server side (supervisor, multiprocessing, messages) is imported only by the commands that use it:
# `wirelab send` and `wirelab chat` start in a fraction of the time.
SERVICES = cfg.SERVICES

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a port number (use 0 to 65535)") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (use 0 to 65535; 0 = any free port)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirelab",
        description="Wirelab, a network lab on one screen. With no command, opens the Wirelab window.",
    )
    parser.add_argument("--version", action="version", version=f"Wirelab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the chat, echo, file and REST servers without a window")
    serve.add_argument("--host", default=cfg.LOCALHOST,
                       help="address to listen on (default 127.0.0.1, this computer only; 0.0.0.0 serves the lab network)")
    serve.add_argument("--chat-port", type=_port, default=cfg.DEFAULT_CHAT_PORT, help="chat server port (default %(default)s)")
    serve.add_argument("--echo-port", type=_port, default=cfg.DEFAULT_ECHO_PORT, help="echo server port (default %(default)s)")
    serve.add_argument("--file-port", type=_port, default=cfg.DEFAULT_FILE_PORT, help="file receiver port (default %(default)s)")
    serve.add_argument("--api-port", type=_port, default=cfg.DEFAULT_API_PORT, help="REST API port (default %(default)s)")
    serve.add_argument("--only", default=",".join(SERVICES),
                       help="comma-separated servers to run (default: all of %(default)s)")
    serve.add_argument("--data-dir", type=Path, default=None, help="folder for the API's database (default: per-user data folder)")
    serve.add_argument("--receive-dir", type=Path, default=None, help="folder received files go to (default: Downloads/Wirelab)")
    serve.add_argument("--auto-accept", action="store_true", help="accept every file offer without asking")
    serve.add_argument("--nick", default=None, help="who sits at this computer, as other machines see it")
    serve.add_argument("--machine", default=None, help="this computer's name as other machines see it")

    selftest = sub.add_parser("selftest", help="start every server on free ports, check each answers, stop them")
    selftest.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each server (default %(default)s)")

    _add_client_commands(sub)
    return parser


def _add_client_commands(sub: argparse._SubParsersAction) -> None:
    from core import client_cli

    client_cli.add_commands(sub)


def main(argv: Sequence[str] | None = None, open_gui: Callable[[list[str]], int] | None = None) -> int:
    """Run the command line. ``open_gui`` is called when no subcommand is given."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        if open_gui is not None:
            return open_gui(argv)  # before building the parser: the window comes up sooner
        build_parser().print_help()
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "selftest":
        from core.selftest import run_selftest

        return run_selftest(timeout=args.timeout)
    if hasattr(args, "run"):
        return args.run(args)
    parser.print_help()
    return EXIT_USAGE


# --- serve ----------------------------------------------------------------------------------------


class _Terminated(Exception):
    pass


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated()


def settings_from_args(args: argparse.Namespace) -> LabSettings:
    from core.lab import LabSettings

    kwargs = dict(
        host=args.host,
        chat_port=args.chat_port,
        echo_port=args.echo_port,
        file_port=args.file_port,
        api_port=args.api_port,
        auto_accept=args.auto_accept,
    )
    if args.data_dir is not None:
        kwargs["data_dir"] = str(args.data_dir.expanduser().resolve())
    if args.receive_dir is not None:
        kwargs["receive_dir"] = str(args.receive_dir.expanduser().resolve())
    if args.nick:
        kwargs["nick"] = args.nick
    if args.machine:
        kwargs["server_name"] = args.machine
    return LabSettings(**kwargs)


def _parse_only(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in SERVICES]
    if unknown or not names:
        raise SystemExit(f"wirelab serve: unknown server {', '.join(unknown) or '(none)'}; choose from {', '.join(SERVICES)}")
    return names


def serve(args: argparse.Namespace) -> int:
    from core.lab import worker_specs
    from core.supervisor import Supervisor

    settings = settings_from_args(args)
    services = _parse_only(args.only)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    supervisor = Supervisor()
    events = supervisor.subscribe()
    failed: set[str] = set()
    try:
        for spec in worker_specs(settings, services):
            supervisor.add(spec)
            supervisor.start(spec.name)
        _report_startup(events, services, failed)
        if len(failed) == len(services):
            return EXIT_FAILED
        if settings.serves_network:
            print("Serving the lab network: other machines can reach these servers at this computer's addresses.")
        print("Press Ctrl-C to stop.", flush=True)
        prompter = _OfferPrompter(supervisor, interactive=sys.stdin.isatty() and not settings.auto_accept)
        log = _ServeLog(prompter)
        while True:
            try:
                event = events.get(timeout=0.5)
            except queue.Empty:
                continue
            log.show(event)
            while True:  # a burst (3,000 small files received) is printed with one flush at its end
                try:
                    log.show(events.get_nowait())
                except queue.Empty:
                    break
            sys.stdout.flush()
    except (KeyboardInterrupt, _Terminated):
        print("\nStopping…", flush=True)
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not interrupt the clean stop
        supervisor.close()
        signal.signal(signal.SIGTERM, previous)


def _report_startup(events: queue.Queue, services: tuple[str, ...], failed: set[str], timeout: float = 30.0) -> None:
    """Print one line per listening service (its real address), or the plain-words error of each failure."""
    from core.messages import Listening, WorkerError, WorkerExited

    pending = set(services)
    while pending:
        try:
            event = events.get(timeout=timeout)
        except queue.Empty:
            for name in sorted(pending):
                print(f"{name:<6} did not start within {timeout:.0f} seconds", file=sys.stderr, flush=True)
                failed.add(name)
            return
        if isinstance(event, Listening):
            print(f"{event.service:<6} {event.url}", flush=True)
            pending.discard(event.worker)
        elif isinstance(event, WorkerError) and event.fatal:
            print(f"{event.worker:<6} could not start: {event.message}", file=sys.stderr, flush=True)
        elif isinstance(event, WorkerExited):
            if event.worker in pending:
                if not event.error:
                    print(f"{event.worker:<6} stopped before it was ready", file=sys.stderr, flush=True)
                elif "could not start" not in event.error:
                    print(f"{event.worker:<6} {event.error}", file=sys.stderr, flush=True)
                failed.add(event.worker)
                pending.discard(event.worker)


class _OfferPrompter:
    """Answers file offers in ``serve``: asks on the terminal when there is one, else declines."""

    def __init__(self, supervisor: Supervisor, interactive: bool) -> None:
        self.supervisor = supervisor
        self.interactive = interactive
        self._lock = threading.Lock()

    def handle(self, offer: FileOffer) -> None:
        from core.messages import OfferAnswer

        size = human_size(offer.total_bytes)
        print(f"{offer.sender} ({offer.peer}) offers {len(offer.files)} file(s), {size}, into {offer.destination}", flush=True)
        for f in offer.files[:20]:
            print(f"    {f.path}  ({human_size(f.size)})")
        if len(offer.files) > 20:
            print(f"    … and {len(offer.files) - 20} more")
        accept = False
        if self.interactive:
            with self._lock:
                try:
                    accept = input("Accept these files? [y/N] ").strip().lower() in ("y", "yes")
                except EOFError:
                    accept = False
        else:
            print("Declined: start `wirelab serve --auto-accept` to receive files without being asked.", flush=True)
        self.supervisor.send(offer.worker, OfferAnswer(offer.offer_id, accept))


class _ServeLog:
    """What ``serve`` prints for the worker events: one line per file for the first few files of a
    transfer, then a summary when it ends (a folder of 3,000 files is one screenful, not 3,000 lines)."""

    #: Files of one transfer listed one by one; the rest are counted in the summary line.
    EACH = 10

    def __init__(self, prompter: _OfferPrompter) -> None:
        self.prompter = prompter
        self._tally: dict[str, list[int]] = {}  # offer id -> [files, bytes]

    def show(self, event: object) -> None:
        from core.messages import FileOffer, FileReceived, Log, TransferFinished, WorkerError, WorkerExited

        if isinstance(event, FileReceived):
            tally = self._tally.setdefault(event.offer_id, [0, 0])
            tally[0] += 1
            tally[1] += event.size
            if tally[0] <= self.EACH:
                print(f"received {event.path} ({human_size(event.size)}, SHA-256 verified) from {event.peer}")
            elif tally[0] == self.EACH + 1:
                print(f"    … more files are arriving from {event.peer}; the total follows when they are all in")
        elif isinstance(event, TransferFinished):
            files, size = self._tally.pop(event.offer_id, (0, 0))
            message = event.message
            if message and files > 1:
                message = f"{message.removesuffix('.')} ({human_size(size)} in all)."
            if message:
                print(f"transfer: {message}", flush=True)
        elif isinstance(event, FileOffer):
            threading.Thread(target=self.prompter.handle, args=(event,), daemon=True).start()
        elif isinstance(event, Log) and event.level in ("warning", "error"):
            print(f"{event.worker:<6} {event.text}", file=sys.stderr, flush=True)
        elif isinstance(event, WorkerError):
            print(f"{event.worker:<6} {event.message}", file=sys.stderr, flush=True)
        elif isinstance(event, WorkerExited) and not event.requested:
            print(f"{event.worker:<6} {event.error or 'stopped'}", file=sys.stderr, flush=True)


def console_main() -> int:  # pragma: no cover - thin wrapper for ``python -m core``
    return main()
