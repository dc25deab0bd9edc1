"""SHA-256 off the copy path.

Copying a file from the network to disk and hashing it in the same thread makes each byte wait for
both. The receiver hashes in a second thread instead (hashlib releases the GIL, so the two run on two
cores): :class:`StreamHasher` hashes the receive buffers themselves, which go back to a
:class:`BufferPool` once hashed. :class:`TrailingHasher` is the simpler variant that reads back what
was written; it costs one more copy of every byte (measured: see docs/PERFORMANCE.md).
"""

from __future__ import annotations

import hashlib
import queue
import threading

BLOCK = 1024 * 1024


class TrailingHasher:
    """Hashes ``path`` from byte 0 up to whatever :meth:`advance` says has been written."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the thread
        self._hash = hashlib.sha256()
        self._written = 0
        self._hashed = 0
        self._final: int | None = None
        self._error: BaseException | None = None
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="hasher", daemon=True)
        self._thread.start()

    def advance(self, written: int) -> None:
        """The file now holds at least ``written`` bytes."""
        with self._cond:
            self._written = written
            self._cond.notify()

    def result(self, total: int) -> str:
        """Hash up to ``total`` bytes and return the hex digest (waits for the thread to catch up)."""
        with self._cond:
            self._final = total
            self._written = max(self._written, total)
            self._cond.notify()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._hash.hexdigest()

    def abandon(self) -> None:
        with self._cond:
            self._final = -1
            self._cond.notify()
        self._thread.join()

    def _run(self) -> None:
        buf = bytearray(BLOCK)
        view = memoryview(buf)
        try:
            while True:
                with self._cond:
                    while self._written <= self._hashed and self._final is None:
                        self._cond.wait()
                    final = self._final
                    upto = self._written if final is None else min(self._written, max(final, 0))
                if final is not None and (final < 0 or self._hashed >= final):
                    return
                self._file.seek(self._hashed)
                while self._hashed < upto:
                    n = self._file.readinto(view[: min(BLOCK, upto - self._hashed)])
                    if not n:
                        raise OSError("the file is shorter than what was written to it")
                    self._hash.update(view[:n])
                    self._hashed += n
        except BaseException as exc:  # noqa: BLE001 - re-raised in result()
            self._error = exc
        finally:
            self._file.close()


class SpareBuffers:
    """Receive buffers a finished connection left behind, for the next one (at most ``keep``).

    A fresh 2 MiB buffer is not free: zeroing it faults in 512 new pages, measured at 1.5–4 ms per
    buffer on these VMs. Reused, the next transfer's handshake does not wait for that.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._buffers: list[bytearray] = []
        self._lock = threading.Lock()

    def take(self, size: int) -> bytearray | None:
        with self._lock:
            if self._buffers and len(self._buffers[-1]) == size:
                return self._buffers.pop()
        return None

    def give(self, buf: bytearray) -> None:
        with self._lock:
            if len(self._buffers) < self.keep:
                self._buffers.append(buf)

    def __len__(self) -> int:
        return len(self._buffers)


class BufferPool:
    """Up to ``count`` receive buffers, made when first needed; :meth:`take` waits while all of them
    are still being hashed (back-pressure). One thread takes; any thread gives back.

    A connection that only talks (a handshake, a declined offer, small files) uses one buffer, not
    ``count``. :meth:`close` hands the buffers that are back to ``spares`` for the next connection.
    """

    def __init__(self, count: int, size: int, spares: SpareBuffers | None = None) -> None:
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        self._count = count
        self._size = size
        self._made = 0
        self._spares = spares

    @property
    def made(self) -> int:
        """How many buffers this pool has handed out so far (made or taken from the spares)."""
        return self._made

    def take(self) -> bytearray:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        if self._made < self._count:
            self._made += 1
            spare = self._spares.take(self._size) if self._spares is not None else None
            return spare if spare is not None else bytearray(self._size)
        return self._free.get()

    def give(self, buf: bytearray) -> None:
        self._free.put(buf)

    def close(self) -> None:
        """The connection is over: buffers that came back go to the spares (ones still out are dropped)."""
        if self._spares is None:
            return
        while True:
            try:
                self._spares.give(self._free.get_nowait())
            except queue.Empty:
                return


class StreamHasher:
    """Hashes slices of receive buffers in its own thread, straight from memory (no read-back).

    The receiving thread :meth:`feed`\\ s views of a pooled buffer and then :meth:`release`\\ s the
    buffer: it goes back to the pool only after the hasher is done with every view before it. With a
    ``prefix`` file (a resumed ``.part``), the first ``prefix_len`` bytes are read from disk first.
    """

    def __init__(self, pool: BufferPool, prefix: str | None = None, prefix_len: int = 0) -> None:
        self._pool = pool
        self._hash = hashlib.sha256()
        self._items: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._prefix, self._prefix_len = prefix, prefix_len
        self.active = True
        self._thread = threading.Thread(target=self._run, name="hasher", daemon=True)
        self._thread.start()

    def feed(self, view: memoryview) -> None:
        self._items.put(view)

    def release(self, buf: bytearray) -> None:
        self._items.put(("release", buf))

    def result(self) -> str:
        self._items.put(None)
        self._thread.join()
        self.active = False
        if self._error is not None:
            raise self._error
        return self._hash.hexdigest()

    abandon = result

    def _run(self) -> None:
        try:
            if self._prefix_len:
                with open(self._prefix, "rb", buffering=0) as f:
                    remaining = self._prefix_len
                    while remaining and (block := f.read(min(BLOCK, remaining))):
                        self._hash.update(block)
                        remaining -= len(block)
        except BaseException as exc:  # noqa: BLE001 - re-raised in result()
            self._error = exc
        while True:
            item = self._items.get()
            if item is None:
                return
            if isinstance(item, tuple):
                self._pool.give(item[1])
            elif self._error is None:
                self._hash.update(item)
