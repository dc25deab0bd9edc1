"""The core file sender: files and folders to a Wirelab receiver, pipelined, verified, resumable.

One :class:`FileSender` sends one set of files to one receiver (the GUI runs several at once to send
to a whole room). The files of a batch flow back to back without waiting for each other - the
receiver's per-file answers come back on the same connection while later files are already on their way
(so 3,000 small files cost no 3,000 round trips). Big files go out with ``socket.sendfile`` (the kernel
copies them), while a second thread computes their SHA-256 for the final check.

If the connection drops, :meth:`FileSender.run` connects again (``retries`` times) and offers what is
not verified yet; the receiver still holds the partial ``.part`` files, so each file resumes where it
stopped once the SHA-256 of what it holds matches the start of ours.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.config import machine_name
from core.net.connect import ConnectFailure, connect, no_delay
from core.protocol import (
    MAX_CHUNK,
    NEED_DATA,
    Connection,
    ConnectionClosed,
    LocalProtocolError,
    ProtocolError,
    Role,
)
from core.protocol.messages import (
    Accept,
    Cancel,
    Decline,
    Done,
    Error,
    FEATURE_FILE_GROUP,
    FileEnd,
    FileEntry,
    FileFailed,
    FileGroup,
    FileOk,
    FileStart,
    Hello,
    Offer,
    Summary,
    Welcome,
)

SMALL_FILE = 256 * 1024  # read, hash and send in one go; bigger files use sendfile + a hashing thread
WRITE_BATCH = 256 * 1024  # small files are coalesced into writes of about this size
#: Files up to this size travel in file groups (one control line per group, not two per file) when the
#: receiver offers them; a group closes at GROUP_FILES files or GROUP_BYTES bytes.
GROUP_FILE = 64 * 1024
GROUP_FILES = 256
GROUP_BYTES = 1024 * 1024
HASH_BLOCK = 1024 * 1024
ANSWER_TIMEOUT = 330.0  # the receiver waits up to 300 s for its person; leave it room
#: After a cancel sent while the receiver's person has not answered yet, wait this long for the
#: receiver to confirm: it reads the cancel only once its person answers.
CANCEL_GRACE = 2.0
_O_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class LocalFile:
    path: str  # where it is on this machine (a plain string: thousands of Path objects cost ~30 ms)
    rel: str  # the name the receiver sees: "folder/sub/file.txt"
    size: int


@dataclass(frozen=True)
class SendProgress:
    """Sent at most every ``progress_interval`` seconds, and once at the end."""

    done_bytes: int
    total_bytes: int
    files_done: int
    files_total: int
    current: str
    current_done: int
    current_size: int
    bytes_per_second: float
    eta_seconds: float | None


@dataclass(frozen=True)
class FileResult:
    """``status``: "verified", "failed", "declined", "cancelled" or "skipped"."""

    rel: str
    status: str
    detail: str = ""
    stored_as: str = ""


@dataclass
class SendOutcome:
    ok: bool
    message: str
    results: list[FileResult] = field(default_factory=list)
    declined: bool = False
    cancelled: bool = False
    bytes_sent: int = 0
    seconds: float = 0.0
    layer: str = ""  # for a connection failure: which layer failed (see core.net.connect)


def collect(paths: Iterable[Path]) -> tuple[list[LocalFile], list[str]]:
    """Files to send from dropped/picked paths: folders keep their structure. Also returns problems."""
    files: list[LocalFile] = []
    problems: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(files, problems, seen, str(path), "" if path.name in ("", "..") else path.name)
        elif path.is_file():
            _add(files, problems, seen, str(path), path.name, path.is_symlink())
        else:
            problems.append(f"“{path}” does not exist or is not a file or folder.")
    return files, problems


def _walk(files: list[LocalFile], problems: list[str], seen: set[str], folder: str, rel: str) -> None:
    """One folder, as os.walk(followlinks=False) would go through it: its files by name, then its
    sub-folders by name; links to folders and unreadable folders are left out. Strings and scandir,
    not pathlib: a folder of thousands of small files spent most of its start-up here."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return
    subfolders = []
    names = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                subfolders.append(entry.name)
        else:
            names.append((entry.name, entry))
    names.sort(key=lambda item: item[0])
    for name, entry in names:
        _add(files, problems, seen, entry.path, f"{rel}/{name}" if rel else name, entry.is_symlink())
    for name in sorted(subfolders):
        _walk(files, problems, seen, os.path.join(folder, name), f"{rel}/{name}" if rel else name)


def _add(files: list[LocalFile], problems: list[str], seen: set[str], path: str, rel: str, is_link: bool) -> None:
    try:
        st = os.stat(path)
    except OSError as exc:
        if is_link:
            problems.append(f"“{rel}” is a broken link and was left out.")
        else:
            problems.append(f"“{rel}” cannot be read ({exc.strerror}) and was left out.")
        return
    if is_link and not stat.S_ISREG(st.st_mode):
        problems.append(f"“{rel}” is a broken link and was left out.")
        return
    if rel in seen:
        problems.append(f"“{rel}” was added twice; it is sent once.")
        return
    seen.add(rel)
    files.append(LocalFile(path, rel, st.st_size))


def sha256_prefix(path: str | Path, length: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        remaining = length
        while remaining:
            block = f.read(min(HASH_BLOCK, remaining))
            if not block:
                break
            h.update(block)
            remaining -= len(block)
    return h.hexdigest()


class _Hasher(threading.Thread):
    """Hashes a whole file in the background while sendfile pushes it to the network."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(name="send-hasher", daemon=True)
        self.path = path
        self.digest = ""
        self.error: OSError | None = None
        self.start()

    def run(self) -> None:
        h = hashlib.sha256()
        try:
            with open(self.path, "rb", buffering=0) as f:
                buf = bytearray(HASH_BLOCK)
                view = memoryview(buf)
                while n := f.readinto(buf):
                    h.update(view[:n])
        except OSError as exc:
            self.error = exc
        self.digest = h.hexdigest()


class _Abort(Exception):
    def __init__(self, message: str, *, fatal: bool = False, layer: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fatal = fatal
        self.layer = layer


class FileSender:
    """Send ``files`` to ``host:port``. :meth:`run` blocks (call it on a worker thread); thread-safe cancel."""

    def __init__(
        self,
        host: str,
        port: int,
        files: list[LocalFile],
        *,
        nick: str = "",
        machine: str | None = None,
        on_progress: Callable[[SendProgress], None] | None = None,
        on_result: Callable[[FileResult], None] | None = None,
        progress_interval: float = 0.2,
        retries: int = 3,
        retry_delay: float = 1.0,
        connect_timeout: float = 5.0,
        chunk: int = MAX_CHUNK,
    ) -> None:
        self.host, self.port = host, port
        self.files = files
        self.nick = nick
        self.machine = machine or machine_name()
        self.on_progress = on_progress
        self.on_result = on_result
        self.progress_interval = progress_interval
        self.retries = retries
        self.retry_delay = retry_delay
        self.connect_timeout = connect_timeout
        self.chunk = chunk
        self._cancel = threading.Event()
        self._sock: socket.socket | None = None
        self._results: dict[str, FileResult] = {}
        self._sent_bytes = 0
        self._done_bytes = 0  # bytes of verified/accounted files plus the current file's progress
        self._total = sum(f.size for f in files)
        self._started = 0.0
        self._last_progress = 0.0
        self._connected = False  # has any connection of this job been made?

    def cancel(self) -> None:
        """Stop as soon as possible; what the receiver already holds stays there as resumable parts."""
        self._cancel.set()

    # --- the whole job, with reconnects ------------------------------------------------------------

    def run(self) -> SendOutcome:
        self._started = time.monotonic()
        attempt = 0
        outcome: SendOutcome | None = None
        while True:
            pending = [f for f in self.files if self._results.get(f.rel, FileResult("", "")).status != "verified"]
            try:
                outcome = self._attempt(pending)
                break
            except _Abort as exc:
                if exc.fatal or self._cancel.is_set() or attempt >= self.retries:
                    outcome = self._finish(False, exc.message, layer=exc.layer)
                    break
                attempt += 1
                self._emit_progress(force=True, current=f"Connection lost; trying again ({attempt}/{self.retries})…")
                if self._cancel.wait(self.retry_delay * attempt):
                    outcome = self._finish(False, "Cancelled.", cancelled=True)
                    break
        return outcome

    def _finish(self, ok: bool, message: str, **kwargs: object) -> SendOutcome:
        results = []
        for f in self.files:
            result = self._results.get(f.rel)
            if result is None:
                status = "cancelled" if kwargs.get("cancelled") else "declined" if kwargs.get("declined") else "failed"
                result = FileResult(f.rel, status, message)
            results.append(result)
        self._emit_progress(force=True)
        return SendOutcome(ok=ok and all(r.status == "verified" for r in results), message=message, results=results,
                           bytes_sent=self._sent_bytes, seconds=time.monotonic() - self._started, **kwargs)

    def _record(self, result: FileResult) -> None:
        self._results[result.rel] = result
        if self.on_result is not None:
            self.on_result(result)

    # --- one connection ----------------------------------------------------------------------------

    def _attempt(self, files: list[LocalFile]) -> SendOutcome:
        verified = {r.rel for r in self._results.values() if r.status == "verified"}
        self._done_bytes = sum(f.size for f in self.files if f.rel in verified)
        reader: _Reader | None = None
        try:
            sock = connect(self.host, self.port, timeout=self.connect_timeout)
            no_delay(sock)
        except ConnectFailure as exc:
            # Reconnecting is for a connection that worked and dropped. If the very first one fails
            # (nothing listening, no answer, no route), trying again only delays what it has to say.
            fatal = exc.layer in ("name", "address") or not self._connected
            raise _Abort(exc.message, fatal=fatal, layer=exc.layer) from exc
        self._sock = sock
        self._connected = True
        conn = Connection(Role.CLIENT)
        lock = threading.Lock()
        try:
            sock.settimeout(ANSWER_TIMEOUT)
            reader = _Reader(sock, conn, lock)
            sock.sendall(conn.send(Hello(service="files", nick=self.nick, machine=self.machine)))
            welcome = reader.expect((Welcome,), self._cancel)
            if isinstance(welcome, Error):
                raise _Abort(welcome.message, fatal=True, layer="service")
            if not files:
                return self._finish(True, "Nothing to send.")
            batch = os.urandom(6).hex()  # 12 hex digits (uuid would cost its import at every start)
            with lock:
                data = conn.send(Offer(batch=batch, files=tuple(FileEntry(f.rel, f.size) for f in files)))
            sock.sendall(data)
            answer = reader.expect((Accept, Decline), self._cancel, on_cancel=lambda: self._send_cancel(sock, conn, lock, batch))
            if isinstance(answer, Decline):
                return self._finish(False, answer.message or "The receiver declined the files.", declined=True)
            if isinstance(answer, Error):
                raise _Abort(answer.message, fatal=True)
            reader.on_result = lambda msg: self._on_answer(files, msg)
            reader.start()
            skipped = set(answer.skip)
            resume = {r.index: r for r in answer.resume}
            grouping = FEATURE_FILE_GROUP in welcome.features
            self._stream(sock, conn, lock, files, skipped, resume, batch, reader, grouping)
            summary = reader.wait_summary(self._cancel)
            if self._cancel.is_set():
                return self._finish(False, "Cancelled: the receiver keeps what arrived, to resume later.", cancelled=True)
            verified = sum(1 for f in self.files if self._results.get(f.rel, FileResult("", "")).status == "verified")
            failed = [r for r in self._results.values() if r.status == "failed"]
            if failed:
                return self._finish(False, f"{verified} of {len(self.files)} file(s) verified; "
                                           f"{len(failed)} failed: {failed[0].detail}")
            assert isinstance(summary, Summary)
            return self._finish(True, f"All {len(self.files)} file(s) arrived and were verified by SHA-256.")
        except LocalProtocolError as exc:
            if exc.code != "closed":
                raise
            # The receiver hung up while we were still sending: the reader saw the end of the stream.
            if reader is not None and isinstance(reader.failed, str):
                raise _Abort(reader.failed, fatal=True) from exc  # it said why first
            raise _Abort("The connection was lost: the receiver closed it before the files were through.") from exc
        except ProtocolError as exc:
            raise _Abort(f"The program at {self.host}:{self.port} is not a Wirelab file receiver ({exc.message}).",
                         fatal=True, layer="wrong_program") from exc
        except TimeoutError as exc:
            raise _Abort("The receiver stopped answering.") from exc
        except OSError as exc:
            if self._cancel.is_set():
                return self._finish(False, "Cancelled: the receiver keeps what arrived, to resume later.",
                                    cancelled=True)
            if reader is not None and isinstance(reader.failed, str):
                raise _Abort(reader.failed, fatal=True) from exc  # the receiver said why it stopped
            raise _Abort(f"The connection was lost ({exc.strerror or exc}).") from exc
        finally:
            self._sock = None
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _send_cancel(self, sock: socket.socket, conn: Connection, lock: threading.Lock, batch: str) -> None:
        with lock:
            data = conn.send(Cancel(batch))
        sock.sendall(data)

    def _on_answer(self, files: list[LocalFile], msg: FileOk | FileFailed) -> None:
        local = files[msg.index]
        if isinstance(msg, FileOk):
            self._record(FileResult(local.rel, "verified", "SHA-256 matched", msg.path))
        else:
            self._record(FileResult(local.rel, "failed", msg.message or msg.code))

    def _stream(self, sock: socket.socket, conn: Connection, lock: threading.Lock, files: list[LocalFile],
                skipped: set[int], resume: dict, batch: str, reader: _Reader, grouping: bool) -> None:
        outbox = bytearray()
        group: list[int] = []  # small files waiting to travel together
        group_bytes = 0
        try:
            for index, local in enumerate(files):
                if self._cancel.is_set() or reader.failed is not None:
                    break
                if index in skipped:
                    continue
                offset = 0
                point = resume.get(index)
                if point is not None and point.offset <= local.size:
                    if sha256_prefix(local.path, point.offset) == point.prefix_sha256:
                        offset = point.offset
                if grouping and offset == 0 and local.size <= GROUP_FILE:
                    group.append(index)
                    group_bytes += local.size
                    if len(group) < GROUP_FILES and group_bytes < GROUP_BYTES:
                        continue
                    outbox += self._file_group(conn, lock, files, group)
                    group, group_bytes = [], 0
                else:
                    if group:
                        outbox += self._file_group(conn, lock, files, group)
                        group, group_bytes = [], 0
                    if local.size - offset <= SMALL_FILE:
                        outbox += self._small_file(conn, lock, index, local, offset)
                    else:
                        if outbox:
                            sock.sendall(outbox)
                            outbox.clear()
                        self._big_file(sock, conn, lock, index, local, offset)
                    self._done_bytes += offset
                if len(outbox) >= WRITE_BATCH:
                    sock.sendall(outbox)
                    outbox.clear()
                self._emit_progress(current=local.rel)
            if group and not self._cancel.is_set() and reader.failed is None:
                outbox += self._file_group(conn, lock, files, group)
        except _LocalFileError as exc:
            if outbox:
                sock.sendall(outbox)
                outbox.clear()
            self._record(FileResult(exc.rel, "failed", str(exc)))
            raise _Abort(str(exc), fatal=True) from exc
        if isinstance(reader.failed, str):
            raise _Abort(reader.failed, fatal=True)  # the receiver stopped the batch (e.g. its disk is full)
        with lock:
            outbox += conn.send(Cancel(batch) if self._cancel.is_set() else Done(batch))
        sock.sendall(outbox)

    def _read_whole(self, local: LocalFile) -> bytes:
        """A small file's content, checked against the size that was offered."""
        try:
            fd = os.open(local.path, os.O_RDONLY | _O_BINARY)  # no buffered file object: a read or two per file
            try:
                content = os.read(fd, local.size + 1)
                while len(content) <= local.size and (more := os.read(fd, local.size + 1 - len(content))):
                    content += more
            finally:
                os.close(fd)
        except OSError as exc:
            raise _LocalFileError(f"“{local.rel}” could not be read ({exc.strerror}).", local.rel) from exc
        if len(content) != local.size:
            raise _LocalFileError(f"“{local.rel}” changed while it was being sent; send it again.", local.rel)
        return content

    def _small_file(self, conn: Connection, lock: threading.Lock, index: int, local: LocalFile, offset: int) -> bytes:
        content = self._read_whole(local)
        digest = hashlib.sha256(content).hexdigest()
        body = memoryview(content)[offset:]
        with lock:
            out = [conn.send(FileStart(index, offset)), *self._frames(conn, body), conn.send(FileEnd(index, digest))]
        self._sent_bytes += len(body)
        self._done_bytes += len(body)
        return b"".join(out)

    def _file_group(self, conn: Connection, lock: threading.Lock, files: list[LocalFile], indexes: list[int]) -> bytes:
        """Whole small files as one file group: one line naming them, then their bytes back to back."""
        contents = [self._read_whole(files[i]) for i in indexes]
        digests = tuple(hashlib.sha256(c).hexdigest() for c in contents)
        body = memoryview(b"".join(contents))
        with lock:
            out = [conn.send(FileGroup(tuple(indexes), digests)), *self._frames(conn, body)]
        self._sent_bytes += len(body)
        self._done_bytes += len(body)
        return b"".join(out)

    def _frames(self, conn: Connection, body: memoryview) -> list:
        """``body`` as data frames (none for no bytes); the caller holds the lock."""
        if len(body) <= self.chunk:  # the usual case: one frame
            return [conn.data_header(len(body)), body] if body else []
        out = []
        for start in range(0, len(body), self.chunk):
            piece = body[start:start + self.chunk]
            out += (conn.data_header(len(piece)), piece)
        return out

    def _big_file(self, sock: socket.socket, conn: Connection, lock: threading.Lock, index: int,
                  local: LocalFile, offset: int) -> None:
        try:
            f = open(local.path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _LocalFileError(f"“{local.rel}” could not be read ({exc.strerror}).", local.rel) from exc
        hasher = _Hasher(local.path)
        try:
            with lock:
                start = conn.send(FileStart(index, offset))
            sock.sendall(start)
            position = offset
            while position < local.size:
                if self._cancel.is_set():
                    return  # the batch ends with Cancel: the receiver keeps this file as a .part
                n = min(self.chunk, local.size - position)
                with lock:
                    header = conn.data_header(n)
                sock.sendall(header)
                sent = sock.sendfile(f, position, n)
                if sent != n:
                    raise _LocalFileError(f"“{local.rel}” got shorter while it was being sent; send it again.",
                                          local.rel)
                position += n
                self._sent_bytes += n
                self._done_bytes += n
                self._emit_progress(current=local.rel, current_done=position, current_size=local.size)
            hasher.join()
            if hasher.error is not None:
                raise _LocalFileError(f"“{local.rel}” could not be read ({hasher.error.strerror}).", local.rel)
            with lock:
                end = conn.send(FileEnd(index, hasher.digest))
            sock.sendall(end)
        finally:
            f.close()

    def _emit_progress(self, *, force: bool = False, current: str = "", current_done: int = 0,
                       current_size: int = 0) -> None:
        if self.on_progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < self.progress_interval:
            return
        self._last_progress = now
        elapsed = max(now - self._started, 1e-6)
        rate = self._sent_bytes / elapsed
        left = max(self._total - self._done_bytes, 0)
        eta = left / rate if rate > 0 else None
        verified = sum(1 for r in self._results.values() if r.status == "verified")
        self.on_progress(SendProgress(min(self._done_bytes, self._total), self._total, verified, len(self.files),
                                      current, current_done, current_size, rate, eta))


class _LocalFileError(Exception):
    """A file on this machine could not be read as offered; ``rel`` names it."""

    def __init__(self, message: str, rel: str) -> None:
        super().__init__(message)
        self.rel = rel


class _Reader(threading.Thread):
    """Reads the receiver's answers while the sender keeps streaming."""

    def __init__(self, sock: socket.socket, conn: Connection, lock: threading.Lock) -> None:
        super().__init__(name="send-reader", daemon=True)
        self.sock, self.conn, self.lock = sock, conn, lock
        self.on_result: Callable[[FileOk | FileFailed], None] | None = None
        self.summary: Summary | None = None
        self.failed: BaseException | str | None = None  # a string: the receiver's own words (an Error)
        self._done = threading.Event()

    def _events(self) -> Iterable[object]:
        while True:
            with self.lock:
                event = self.conn.next_event()
            if event is not NEED_DATA:
                yield event
                continue
            data = self.sock.recv(65536)
            with self.lock:
                self.conn.receive_data(data)

    def expect(self, kinds: tuple[type, ...], cancel: threading.Event, on_cancel: Callable[[], None] | None = None):
        """Before streaming: wait (in the caller's thread) for one of ``kinds`` or a fatal Error."""
        self.sock.settimeout(0.2)
        deadline = time.monotonic() + ANSWER_TIMEOUT
        cancelled = False
        try:
            while time.monotonic() < deadline:
                if cancel.is_set() and not cancelled and on_cancel is not None:
                    on_cancel()
                    cancelled = True
                    # Do not wait minutes for a person who may never answer: the batch is over for us.
                    deadline = min(deadline, time.monotonic() + CANCEL_GRACE)
                try:
                    for event in self._events():
                        if isinstance(event, Error) and event.fatal:
                            return event
                        if isinstance(event, ConnectionClosed):
                            raise OSError("the receiver closed the connection")
                        if cancelled:
                            if isinstance(event, (Decline, Summary)):
                                raise OSError("cancelled")
                            continue  # an Accept that crossed our cancel: the receiver's Summary follows
                        if isinstance(event, kinds):
                            return event
                except TimeoutError:
                    continue
            if cancelled:
                raise OSError("cancelled")
            raise TimeoutError()
        finally:
            self.sock.settimeout(None)

    def run(self) -> None:
        try:
            for event in self._events():
                if isinstance(event, (FileOk, FileFailed)) and self.on_result is not None:
                    self.on_result(event)
                elif isinstance(event, Summary):
                    self.summary = event
                    return
                elif isinstance(event, Error):
                    self.failed = event.message
                    if event.fatal:
                        return
                elif isinstance(event, ConnectionClosed):
                    # Not a reason the receiver gave (those are strings): a lost connection, worth a retry.
                    self.failed = ConnectionResetError("the receiver closed the connection")
                    return
        except (OSError, ProtocolError) as exc:
            self.failed = exc
        finally:
            self._done.set()

    def wait_summary(self, cancel: threading.Event) -> Summary | None:
        while not self._done.wait(0.2):
            pass
        if self.summary is not None:
            return self.summary
        if cancel.is_set():
            return None
        failed = self.failed
        if isinstance(failed, ProtocolError):
            raise failed
        raise OSError(str(failed) if failed else "the connection ended before the receiver's summary")


def check_reachable(host: str, port: int, timeout: float = 5.0) -> str:
    """Connect and say hello to a file receiver; its name, or :class:`ConnectFailure` naming the layer."""
    sock = connect(host, port, timeout=timeout)
    try:
        sock.settimeout(timeout)
        conn = Connection(Role.CLIENT)
        sock.sendall(conn.send(Hello(service="files", machine=machine_name())))
        while True:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                raise ConnectFailure("wrong_program", f"The program at {host}:{port} accepted the connection but "
                                                      "did not answer like a Wirelab file receiver.") from None
            conn.receive_data(data)
            try:
                while (event := conn.next_event()) is not NEED_DATA:
                    if isinstance(event, Welcome):
                        return event.server or f"{host}:{port}"
                    if isinstance(event, Error):
                        raise ConnectFailure("service", event.message)
                    if isinstance(event, ConnectionClosed):
                        raise ProtocolError("closed", "closed without a welcome")
            except ProtocolError:
                raise ConnectFailure("wrong_program", f"The program at {host}:{port} is not a Wirelab file receiver. "
                                                      "Check the port number (Wirelab uses 5051 by default).") from None
    finally:
        sock.close()


def probe_send(host: str, port: int, workdir: Path) -> str:
    """Send one small file and check it was verified (used by ``wirelab selftest``)."""
    probe = workdir / "selftest-probe.txt"
    probe.write_text("Wirelab selftest\n" * 64)
    files, _ = collect([probe])
    outcome = FileSender(host, port, files, nick="selftest", retries=0).run()
    if not outcome.ok:
        raise AssertionError(outcome.message)
    return f"sent {files[0].size} bytes, SHA-256 verified"
