"""SHA-256 off the copy path.

Copying a file from the network to disk and hashing it in the same thread makes each byte wait for
both. :class:`TrailingHasher` hashes in its own thread instead, reading back what the receiving thread
has already written (from the page cache, so nearly free) - hashlib releases the GIL, so the two run on
two cores. It also means the digest checks the bytes that really are on disk.
"""

from __future__ import annotations

import hashlib
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
