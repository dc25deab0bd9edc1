"""The file receiver: Wirelab senders (and the seed tutorial's sender script) deliver files here.

A thread per connection with blocking sockets: a transfer is one long stream, and a thread that does
nothing but ``recv_into`` -> ``write`` (with SHA-256 in a second thread, see
:mod:`core.files.hashing`) is the fastest way to move it in Python. Each connection asks the person at
this machine for consent first: a :class:`core.messages.FileOffer` event goes to the app, and the
session waits for the :class:`core.messages.OfferAnswer` that :meth:`FileServer.answer` delivers.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.config import FileConfig
from core.errors import WorkerFatal
from core.files.hashing import BufferPool, SpareBuffers, StreamHasher
from core.files.paths import UnsafePath, check_name
from core.files.store import ReceiveFolder, Slot, StoreError
from core.messages import (
    ClientConnected,
    ClientDisconnected,
    FileOffer,
    FileReceived,
    Listening,
    Log,
    OfferAnswer,
    OfferedFile,
    TransferFinished,
    TransferProgress,
)
from core.net.announce import advertise
from core.net.connect import no_delay, set_io_timeout
from core.net.listen import bound_address, open_listener, peer_label
from core.protocol import (
    NEED_DATA,
    Connection,
    ConnectionClosed,
    Data,
    ProtocolError,
    RemoteProtocolError,
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
    FileFailed,
    FileGroup,
    FileOk,
    FileStart,
    Hello,
    Offer,
    Ping,
    Pong,
    Resume,
    Summary,
    Welcome,
)
from core.text import human_size

RECV_BUFFER = 1024 * 1024
#: Receive buffers per connection: one being filled, the others waiting to be hashed.
POOL_BUFFERS = 4
POOL_BUFFER_SIZE = 2 * 1024 * 1024
#: Files smaller than this are hashed inline; bigger ones by a StreamHasher thread.
INLINE_HASH_LIMIT = 8 * 1024 * 1024
PROGRESS_INTERVAL = 0.25
SEED_SEPARATOR = b"<SEPARATOR>"
MAX_SESSIONS = 64
#: What this receiver's welcome offers senders beyond the basic protocol (docs/PROTOCOL.md).
FEATURES: tuple[str, ...] = (FEATURE_FILE_GROUP,)


@dataclass
class _Pending:
    """An offer waiting for the person's answer."""

    event: threading.Event = field(default_factory=threading.Event)
    accept: bool = False
    remember: bool = False


class FileServer:
    def __init__(self, config: FileConfig, emit: Callable[[Any], None], worker: str = "files") -> None:
        self.config = config
        self.emit = emit
        self.worker = worker
        self.folder = ReceiveFolder(config.receive_dir, config.min_free_bytes)
        self.trusted: set[str] = set(config.trusted_senders)
        self.address: tuple[str, int] | None = None
        self.ids = itertools.count(1)
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._sessions: set[_Session] = set()
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._advertiser: Any = None
        #: Buffers of finished connections, so the next one starts with warm memory.
        self.spare_buffers = SpareBuffers(keep=POOL_BUFFERS)

    def start(self) -> tuple[str, int]:
        try:
            self.folder.ensure()
        except StoreError as exc:
            raise WorkerFatal(exc.message) from exc
        self._listener = open_listener(self.config.host, self.config.port, "files")
        self.address = bound_address(self._listener)
        self._accept_thread = threading.Thread(target=self._accept_loop, name=f"{self.worker}-accept", daemon=True)
        self._accept_thread.start()
        self.emit(Listening(self.worker, "files", "tcp", *self.address))
        if self.config.advertise:
            self._advertiser = advertise(self.config.server_name, self.config.nick, self.address[1], "files",
                                         self.emit, self.worker)
        return self.address

    def close(self) -> None:
        self._closing.set()
        if self._advertiser is not None:
            self._advertiser.close()
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
        with self._lock:
            for pending in self._pending.values():
                pending.event.set()
            sessions = list(self._sessions)
        for session in sessions:
            session.abort()
        for session in sessions:
            session.thread.join(5)
        if self._accept_thread is not None:
            self._accept_thread.join(5)

    def answer(self, command: OfferAnswer) -> None:
        """Deliver the person's answer to the session waiting on that offer."""
        with self._lock:
            pending = self._pending.get(command.offer_id)
        if pending is not None:
            pending.accept, pending.remember = command.accept, command.remember
            pending.event.set()

    def ask(self, offer: FileOffer, machine: str) -> tuple[bool, str]:
        """Ask the app whether to accept ``offer``; (accepted, reason code when not)."""
        if self.config.auto_accept or (machine and machine in self.trusted):
            self.emit(Log(self.worker, "info", f"Accepting {len(offer.files)} file(s) from {offer.sender} "
                                               "without asking (automatic acceptance is on)."))
            return True, ""
        pending = _Pending()
        with self._lock:
            self._pending[offer.offer_id] = pending
        try:
            self.emit(offer)
            answered = pending.event.wait(self.config.answer_timeout)
        finally:
            with self._lock:
                self._pending.pop(offer.offer_id, None)
        if self._closing.is_set():
            return False, "closing"
        if not answered:
            return False, "timeout"
        if pending.accept and pending.remember and machine:
            self.trusted.add(machine)
        return pending.accept, "" if pending.accept else "declined"

    def _accept_loop(self) -> None:
        while not self._closing.is_set():
            try:
                sock, addr = self._listener.accept()
            except OSError:
                return
            session = _Session(self, sock, peer_label(addr))
            with self._lock:
                busy = len(self._sessions) >= MAX_SESSIONS
                if not busy:
                    self._sessions.add(session)
            if busy:
                session.refuse_busy()
                continue
            session.thread.start()

    def forget(self, session: _Session) -> None:
        with self._lock:
            self._sessions.discard(session)


class _Session:
    """One sender connection, on its own thread."""

    def __init__(self, server: FileServer, sock: socket.socket, peer: str) -> None:
        self.server = server
        self.sock = sock
        self.peer = peer
        self.client_id = f"files-{next(server.ids)}"
        self.conn = Connection(Role.SERVER)
        self.thread = threading.Thread(target=self._run, name=self.client_id, daemon=True)
        self.sender = peer
        self.machine = ""
        self.announced = False
        # the batch in progress
        self.offer_id = ""
        self.slots: dict[int, Slot] = {}
        self.results: dict[int, bool] = {}
        self.current: Slot | None = None
        self.group: list[tuple[int, str]] | None = None  # a file group's (index, sha256), in order
        self.group_next = 0  # the position in ``group`` of the next file to open
        self.fd: int | None = None
        self.written = 0
        self.inline: Any = None
        self.hasher: StreamHasher | None = None
        self.pool = BufferPool(POOL_BUFFERS, POOL_BUFFER_SIZE, server.spare_buffers)
        self.fed: StreamHasher | None = None  # the hasher holding views of the buffer being processed
        self.outbox = bytearray()
        self.batch_total = 0
        self.batch_done = 0
        self.files_done = 0
        self.started_at = 0.0
        self.last_progress = 0.0

    # --- plumbing ---------------------------------------------------------------------------------

    def refuse_busy(self) -> None:
        try:
            self.sock.sendall(Connection(Role.SERVER).send(Error(
                code="busy", message="This computer is receiving from too many senders right now. Try again soon.",
                fatal=True)))
        except OSError:
            pass
        self.sock.close()

    def abort(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def send(self, message: Any) -> None:
        """Queue a reply; :meth:`flush` writes them together before the next blocking read.

        Thousands of small files would otherwise cost thousands of tiny writes, one per file_ok.
        """
        self.outbox += self.conn.send(message)

    def flush(self) -> None:
        if self.outbox:
            data, self.outbox = bytes(self.outbox), bytearray()
            self.sock.sendall(data)

    def emit(self, event: Any) -> None:
        self.server.emit(event)

    def _run(self) -> None:
        reason = "closed"
        try:
            set_io_timeout(self.sock, self.server.config.idle_timeout)
            no_delay(self.sock)
            self._serve()
        except (TimeoutError, BlockingIOError):
            reason = "the sender went silent"
            self._interrupted("The sender stopped sending for too long.")
        except RemoteProtocolError as exc:
            reason = f"protocol error: {exc.code}"
            if exc.code == "not_wirelab" and not self.announced:
                try:
                    self._serve_seed(self.conn.trailing_data)
                except (OSError, StoreError) as seed_exc:
                    reason = f"tutorial sender: {seed_exc}"
                    self.emit(Log(self.server.worker, "warning", f"A file from {self.peer} could not be "
                                                                 f"received: {seed_exc}"))
            else:
                self._tell_error(exc.code, f"The receiver could not understand the sender ({exc.message}).")
                self._interrupted(f"The sender broke the protocol ({exc.message}).")
        except _Fatal as exc:
            reason = exc.code
            self._tell_error(exc.code, exc.message)
            self._interrupted(exc.message)
        except OSError as exc:
            reason = f"connection lost: {exc.strerror or exc}"
            self._interrupted("The sender disconnected in the middle of the transfer.")
        finally:
            self._release_all()
            self.server.folder.sync_names()
            self.sock.close()
            self.pool.close()
            self.server.forget(self)
            if self.announced:
                self.emit(ClientDisconnected(self.server.worker, self.client_id, self.peer, reason))

    def _tell_error(self, code: str, message: str) -> None:
        try:
            self.flush()
            self.sock.sendall(self.conn.send(Error(code=code, message=message, fatal=True)))
        except (OSError, ProtocolError):
            pass

    def _serve(self) -> None:
        """Receive into pooled buffers and hand file content out without copying it.

        Inside a data frame, one blocking ``recv_into(..., MSG_WAITALL)`` asks for the rest of the chunk,
        so the loop turns once per 2 MiB rather than once per TCP segment.
        """
        while True:
            self.flush()
            buf = self.pool.take()
            view = memoryview(buf)
            want = self.conn.payload_wanted()
            try:
                if want:
                    n = self.sock.recv_into(view, min(want, len(buf)), socket.MSG_WAITALL)
                else:
                    n = self.sock.recv_into(view, RECV_BUFFER)
                self.conn.receive_data(buf, n)
                self.fed = None
                while True:
                    event = self.conn.next_event()
                    if event is NEED_DATA:
                        break
                    if isinstance(event, ConnectionClosed):
                        if self.slots:
                            self._interrupted("The sender closed the connection before the transfer was finished.")
                        self.flush()
                        return
                    self._on_event(event)
                self.conn.release_buffers()
            finally:
                view.release()
                if self.fed is not None and self.fed.active:
                    self.fed.release(buf)  # back to the pool once the hasher is through with it
                else:
                    self.pool.give(buf)

    # --- the Wirelab protocol ---------------------------------------------------------------------

    def _on_event(self, event: Any) -> None:
        if isinstance(event, Data):
            if self.group is None:
                self._write(event.data)
            else:
                self._group_data(event.data)
        elif isinstance(event, FileStart):
            self._start_file(event.index, event.offset)
        elif isinstance(event, FileEnd):
            self._end_file(event.sha256)
        elif isinstance(event, FileGroup):
            self.group, self.group_next = list(zip(event.indexes, event.sha256)), 0
            self._open_next_in_group()
        elif isinstance(event, Hello):
            self._hello(event)
        elif isinstance(event, Offer):
            self._offer(event)
        elif isinstance(event, Done):
            self._finish_batch(cancelled=False)
        elif isinstance(event, Cancel):
            if self.conn.offer is not None:  # else it crossed our Decline: nothing left to cancel
                self._finish_batch(cancelled=True)
        elif isinstance(event, Ping):
            self.send(Pong(event.token))

    def _hello(self, hello: Hello) -> None:
        if hello.service != "files":
            raise _Fatal("wrong_service", f"This port is Wirelab's file receiver, not its {hello.service} service.")
        self.machine = hello.machine
        self.sender = " / ".join(x for x in (hello.nick, hello.machine) if x) or self.peer
        self.send(Welcome(service="files", server=self.server.config.server_name, nick=self.server.config.nick,
                          features=FEATURES))
        self.announced = True
        self.emit(ClientConnected(self.server.worker, self.client_id, self.peer, self.sender))

    def _offer(self, offer: Offer) -> None:
        server = self.server
        self.offer_id = uuid.uuid4().hex[:12]
        self.slots, self.results = {}, {}
        skip: list[int] = []
        refusals: list[FileFailed] = []
        folder = server.folder
        missing: set[str] = set()  # folders not there yet: nothing in them to look at
        for index, entry in enumerate(offer.files):
            try:
                rel = folder.check_path(entry.path)
                self.slots[index] = folder.plan(index, rel, entry.size, missing)
            except UnsafePath as exc:
                skip.append(index)
                refusals.append(FileFailed(index, "unsafe_path", f"“{entry.path}” was refused: {exc}."))
        files = tuple(OfferedFile(s.rel, s.size) for s in self.slots.values())
        needed = sum(s.size - s.resume_offset for s in self.slots.values())
        if not self.slots:
            words = refusals[0].message if len(refusals) == 1 else f"none of the {len(refusals)} files has a safe name."
            self._decline(offer, "unsafe_path", f"The receiver refused the files: {words}")
            return
        if problem := server.folder.space_problem(needed):
            self._decline(offer, "no_space", problem)
            return
        question = FileOffer(server.worker, self.offer_id, self.sender, self.peer, files,
                             sum(f.size for f in files), str(server.folder.root), machine=self.machine)
        accepted, why = server.ask(question, self.machine)
        if not accepted:
            who = server.config.server_name
            words = {
                "timeout": f"Nobody answered at {who} within {server.config.answer_timeout / 60:.0f} minutes.",
                "closing": f"The receiver at {who} is shutting down.",
            }.get(why, f"The person at {who} declined the files.")
            self._decline(offer, why or "declined", words)
            return
        self.batch_total = needed
        self.batch_done = 0
        self.files_done = 0
        self.started_at = self.last_progress = time.monotonic()
        resume = tuple(Resume(s.index, s.resume_offset, s.prefix_sha256) for s in self.slots.values() if s.resume_offset)
        self.send(Accept(batch=offer.batch, resume=resume, skip=tuple(skip)))
        for refusal in refusals:
            self.results[refusal.index] = False
            self.send(refusal)

    def _decline(self, offer: Offer, reason: str, message: str) -> None:
        self._release_all()
        self.send(Decline(batch=offer.batch, reason=reason, message=message))
        self.emit(TransferFinished(self.server.worker, self.offer_id, 0, tuple(f.path for f in offer.files),
                                   declined=True, message=message))

    def _start_file(self, index: int, offset: int) -> None:
        slot = self.slots[index]
        if offset == 0 and slot.resume_offset:
            self.server.folder.restart_fresh(slot)  # the old .part belongs to another file: keep it
        try:
            self.fd = self.server.folder.open_part(slot, offset)
        except (StoreError, UnsafePath) as exc:
            code = exc.code if isinstance(exc, StoreError) else "unsafe_path"
            raise _Fatal(code, str(exc)) from exc
        self.current = slot
        self.written = offset
        if offset == 0 and slot.size <= INLINE_HASH_LIMIT:
            self.inline, self.hasher = hashlib.sha256(), None
        else:
            self.inline = None
            self.hasher = StreamHasher(self.pool, slot.part_path if offset else None, offset)

    def _open_next_in_group(self) -> None:
        """Open the group's next file; empty ones are complete at once. The group ends after its last."""
        group = self.group
        while self.group_next < len(group):
            index, _ = group[self.group_next]
            self._start_file(index, 0)
            if self.current.size:
                return
            self._end_group_file()
        self.group = None

    def _end_group_file(self) -> None:
        _, digest = self.group[self.group_next]
        self.group_next += 1
        self._end_file(digest)

    def _group_data(self, data: memoryview) -> None:
        """A group's bytes: the files one after another, each cut where the offer's size says."""
        while data:
            left = self.current.size - self.written
            self._write(data[:left])
            if len(data) < left:
                return
            data = data[left:]
            self._end_group_file()
            self._open_next_in_group()

    def _write(self, data: memoryview) -> None:
        view = data
        try:
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        except OSError as exc:
            from core.files.store import io_error

            error = io_error(exc, self.current)
            self.send(FileFailed(self.current.index, error.code, error.message))
            raise _Fatal(error.code, error.message) from exc
        self.written += len(data)
        if self.inline is not None:
            self.inline.update(data)
        else:
            self.hasher.feed(data)
            self.fed = self.hasher
        self.batch_done += len(data)
        now = time.monotonic()
        if now - self.last_progress >= PROGRESS_INTERVAL:
            self.last_progress = now
            self._progress(now)

    def _progress(self, now: float) -> None:
        elapsed = max(now - self.started_at, 1e-6)
        self.emit(TransferProgress(self.server.worker, self.offer_id, self.batch_done, self.batch_total,
                                   self.files_done, len(self.slots), self.batch_done / elapsed))

    def _end_file(self, sha256: str) -> None:
        slot, fd = self.current, self.fd
        self.current, self.fd = None, None
        digest = self.inline.hexdigest() if self.inline is not None else self.hasher.result()
        self.inline = self.hasher = None
        folder = self.server.folder
        offered = self.conn.offer.files[slot.index].sha256
        if digest != sha256 or (offered and offered != digest):
            folder.discard(slot, fd)
            del self.slots[slot.index]
            self.results[slot.index] = False
            self.send(FileFailed(slot.index, "hash_mismatch",
                                 f"“{slot.rel}” arrived damaged (its SHA-256 fingerprint did not match), so it was "
                                 "not saved. Send it again."))
            return
        try:
            final = folder.finish_str(slot, fd)
        except StoreError as exc:
            folder.release(slot)
            del self.slots[slot.index]
            self.send(FileFailed(slot.index, exc.code, exc.message))
            raise _Fatal(exc.code, exc.message) from exc
        del self.slots[slot.index]
        self.results[slot.index] = True
        self.files_done += 1
        stored = slot.rel
        if final != slot.target_path:  # renamed: "a (1).txt"
            parent = slot.rel.rpartition("/")[0]
            stored = f"{parent}/{os.path.basename(final)}" if parent else os.path.basename(final)
        self.send(FileOk(slot.index, stored, digest))
        self.emit(FileReceived(self.server.worker, self.offer_id, final, slot.size, digest, self.peer))

    def _finish_batch(self, *, cancelled: bool) -> None:
        offer = self.conn.offer
        self.group = None  # a cancel may stop a group midway: its open file stays as a .part
        if self.current is not None:
            self._keep_current()
        self._release_all()
        self.server.folder.sync_names()
        received = sum(1 for ok in self.results.values() if ok)
        failed = tuple(i for i in range(len(offer.files)) if not self.results.get(i))
        self.send(Summary(batch=offer.batch, received=received, failed=failed))
        self._progress(time.monotonic())
        if cancelled:
            message = f"{self.sender} cancelled the transfer after {received} of {len(offer.files)} file(s)."
        elif failed:
            message = f"{received} of {len(offer.files)} file(s) arrived from {self.sender}; {len(failed)} did not."
        else:
            message = f"All {received} file(s) from {self.sender} arrived and were verified."
        self.emit(TransferFinished(self.server.worker, self.offer_id, received,
                                   tuple(offer.files[i].path for i in failed), message=message))
        self.results = {}

    def _keep_current(self) -> None:
        slot, fd = self.current, self.fd
        self.current, self.fd = None, None
        if self.hasher is not None:
            self.hasher.abandon()
        self.inline = self.hasher = None
        self.server.folder.keep_partial(slot, fd)
        self.slots.pop(slot.index, None)

    def _interrupted(self, why: str) -> None:
        """The connection ended mid-batch: keep partial data, tell the app what happened."""
        if not self.slots and self.current is None:
            return
        offer = self.conn.offer
        if self.current is not None:
            self._keep_current()
        received = sum(1 for ok in self.results.values() if ok)
        total = len(offer.files) if offer is not None else received
        failed = tuple(offer.files[i].path for i in range(total) if not self.results.get(i)) if offer else ()
        self.emit(TransferFinished(self.server.worker, self.offer_id, received, failed,
                                   message=f"{why} {received} of {total} file(s) arrived; partial files are kept "
                                           "and the transfer resumes when it is sent again."))
        self._release_all()

    def _release_all(self) -> None:
        if self.current is not None:
            self._keep_current()
        for slot in self.slots.values():
            self.server.folder.release(slot)
        self.slots = {}

    # --- the seed tutorial's format ---------------------------------------------------------------

    def _serve_seed(self, first: bytes) -> None:
        """``name<SEPARATOR>size`` then raw bytes, as the socket tutorial's sender script sends them.

        That format has no end-of-header marker: the size's digits run straight into the file's bytes
        when both arrive in one segment. The header is taken as the leading digits after the separator;
        if the file itself starts with digits, the byte count at the end tells where the header really
        ended (docs/PROTOCOL.md explains this, and why Wirelab frames its own data with lengths).
        """
        header = bytearray(first)
        while SEED_SEPARATOR not in header:
            if len(header) > 4096 + len(SEED_SEPARATOR):
                return self._seed_reject("it did not start with a Wirelab hello or a file name")
            chunk = self.sock.recv(4096)
            if not chunk:
                return
            header += chunk
        name_bytes, _, after = bytes(header).partition(SEED_SEPARATOR)
        digits = after[: len(after) - len(after.lstrip(b"0123456789"))]
        if not digits:
            return self._seed_reject("the file size after <SEPARATOR> is missing")
        try:
            name = os.path.basename(name_bytes.decode("utf-8").replace("\\", "/"))  # as the tutorial's receiver does
            check_name(name)
        except (UnicodeDecodeError, UnsafePath) as exc:
            return self._seed_reject(f"the file name is not safe ({exc})")
        size = int(digits)
        self.announced = True
        self.sender = f"tutorial sender at {self.peer}"
        self.emit(ClientConnected(self.server.worker, self.client_id, self.peer, self.sender))
        folder = self.server.folder
        slot = folder.plan(0, name, size)
        if slot.resume_offset:
            folder.restart_fresh(slot)  # this format cannot resume: there is no hash to compare
        self.slots = {0: slot}
        self.offer_id = uuid.uuid4().hex[:12]
        question = FileOffer(self.server.worker, self.offer_id, self.sender, self.peer,
                             (OfferedFile(name, size),), size, str(folder.root))
        if problem := folder.space_problem(size):
            self.emit(Log(self.server.worker, "warning", problem))
            return
        accepted, _ = self.server.ask(question, "")
        if not accepted:
            self.emit(TransferFinished(self.server.worker, self.offer_id, 0, (name,), declined=True,
                                       message=f"Declined {name} from {self.peer}."))
            return
        fd = folder.open_part(slot, 0)
        data_after_digits = after[len(digits):]
        received = 0
        h = hashlib.sha256()
        try:
            for piece in self._seed_stream(data_after_digits):
                os.write(fd, piece)
                h.update(piece)
                received += len(piece)
        except OSError:
            folder.keep_partial(slot, fd)
            self.slots = {}
            raise
        if received != size:
            fixed = _reconcile(digits, received)
            if fixed is None:
                folder.keep_partial(slot, fd)
                self.slots = {}
                self.emit(TransferFinished(self.server.worker, self.offer_id, 0, (name,),
                                           message=f"{name} from {self.peer} stopped after {human_size(received)} "
                                                   f"of {human_size(size)}; the partial file is kept as {slot.part.name}."))
                return
            k = fixed
            size = int(digits[:k])
            h = _prepend(fd, digits[k:])
        final = folder.finish(slot, fd)
        self.slots = {}
        self.emit(FileReceived(self.server.worker, self.offer_id, str(final), size, h.hexdigest(), self.peer))
        self.emit(TransferFinished(self.server.worker, self.offer_id, 1,
                                   message=f"{final.name} arrived from {self.peer} ({human_size(size)})."))

    def _seed_stream(self, first: bytes):
        if first:
            yield first
        buf = bytearray(RECV_BUFFER)
        set_io_timeout(self.sock, self.server.config.idle_timeout)
        while True:
            n = self.sock.recv_into(buf)
            if not n:
                return
            yield memoryview(buf)[:n]

    def _seed_reject(self, why: str) -> None:
        self.emit(Log(self.server.worker, "warning",
                      f"A program at {self.peer} connected to the file receiver, but {why}; it was disconnected."))


def _reconcile(digits: bytes, received: int) -> int | None:
    """How many of ``digits`` were the size header, given ``received`` bytes after them (None: none fits)."""
    total = len(digits) + received
    for k in range(len(digits) - 1, 0, -1):
        if int(digits[:k]) == total - k:
            return k
    return None


def _prepend(fd: int, prefix: bytes) -> Any:
    """Put ``prefix`` in front of what ``fd`` holds, in place, block by block from the end.

    Rare: only for a tutorial header that was split in the wrong place. Returns the new content's hash.
    """
    size = os.fstat(fd).st_size
    pos = size
    while pos > 0:
        start = max(0, pos - RECV_BUFFER)
        os.lseek(fd, start, os.SEEK_SET)
        block = os.read(fd, pos - start)
        os.lseek(fd, start + len(prefix), os.SEEK_SET)
        os.write(fd, block)
        pos = start
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, prefix)
    os.lseek(fd, 0, os.SEEK_SET)
    h = hashlib.sha256()
    while block := os.read(fd, RECV_BUFFER):
        h.update(block)
    return h


class _Fatal(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
