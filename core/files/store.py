"""The receive folder: where incoming files are written, resumed, verified and put into place.

Rules that protect what is already there:

* a file is written to ``<name>.part`` and only renamed to its real name after its SHA-256 matched;
* an existing file is never overwritten: the new one becomes "name (1).ext", "name (2).ext"...;
* a ``.part`` left by an interrupted transfer is resumed when a later offer of the same file matches
  its first bytes (the sender compares the SHA-256 of that prefix); a ``.part`` that belongs to a
  different file, or that another transfer is writing right now, is left alone and a fresh one is used.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.files.paths import UnsafePath, safe_relative

PART_SUFFIX = ".part"
HASH_BLOCK = 1024 * 1024
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class StoreError(Exception):
    """``code`` for the protocol (disk_full, io_error...), ``str()`` in plain words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Slot:
    """One accepted file on its way in. Paths are plain strings: thousands of small files per batch
    made pathlib's object churn a large part of the receiver's time."""

    index: int
    rel: str  # checked, "/"-separated, relative to the receive folder
    size: int
    target_path: str  # where it should land (the real name may get a " (1)" when that is taken)
    part_path: str
    resume_offset: int = 0
    prefix_sha256: str = ""

    @property
    def target(self) -> Path:
        return Path(self.target_path)

    @property
    def part(self) -> Path:
        return Path(self.part_path)


def sha256_of(path: Path, length: int | None = None) -> str:
    """SHA-256 of the first ``length`` bytes of ``path`` (all of it when None)."""
    h = hashlib.sha256()
    remaining = length
    with open(path, "rb") as f:
        while remaining is None or remaining > 0:
            block = f.read(HASH_BLOCK if remaining is None else min(HASH_BLOCK, remaining))
            if not block:
                break
            h.update(block)
            if remaining is not None:
                remaining -= len(block)
    return h.hexdigest()


def numbered(path: Path, n: int) -> Path:
    """``report.pdf`` -> ``report (n).pdf``; ``archive.tar.gz`` -> ``archive (n).tar.gz``."""
    return Path(_numbered(str(path), n))


def _numbered(path: str, n: int) -> str:
    folder, sep, name = path.rpartition(os.sep)
    stem, dot, ext = name.partition(".") if not name.startswith(".") else (name, "", "")
    return f"{folder}{sep}{stem} ({n}){dot}{ext}"


class ReceiveFolder:
    """One receive folder, shared by all connections of a file receiver (thread-safe)."""

    def __init__(self, root: Path, min_free_bytes: int = 0) -> None:
        self.root = Path(root)
        self.min_free_bytes = min_free_bytes
        self._lock = threading.Lock()
        self._active: set[str] = set()  # .part files being written right now
        self._real_root: str | None = None
        self._dirs_ok: set[str] = {""}  # sub-folders (relative, "/") already checked to be real folders
        self._dirty_dirs: set[str] = set()  # folders with new names, to fsync once per batch

    def ensure(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError("io_error", f"The receive folder {self.root} cannot be created: {exc.strerror}.") from exc
        if not os.access(self.root, os.W_OK):
            raise StoreError("io_error", f"Wirelab is not allowed to write into the receive folder {self.root}.")

    def check_path(self, path: str) -> str:
        """The sender's path, checked (:func:`core.files.paths.safe_relative`), or :class:`UnsafePath`."""
        return safe_relative(path)

    def target_for(self, rel: PurePosixPath | str) -> Path:
        """Where ``rel`` would land, refusing any symbolic link on the way (folders checked once, cached)."""
        return Path(self._target(str(rel))[0])

    def _target(self, rel: str, missing: set[str] | None = None) -> tuple[str, bool]:
        """:meth:`target_for` as a string, and whether its folder exists yet.

        The same guarantee as :func:`core.files.paths.resolve_inside`, at a fraction of the cost: a batch
        of 3,000 files in 30 folders checks 30 folders, not 3,000 paths. ``missing`` remembers, for one
        offer, the folders found not to exist (they are checked again, and made, when a file is opened).
        """
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        folder = rel.rpartition("/")[0]
        exists = True
        if folder not in self._dirs_ok:
            if missing is not None and folder in missing:
                exists = False
            elif not self._check_folders(folder, create=False):
                exists = False
                if missing is not None:
                    missing.add(folder)
        # The name itself may even be a link: the file is placed with link(), which never follows or
        # replaces what is there (it takes the next free "name (n)" instead).
        target = os.path.join(self._real_root, *rel.split("/")) if os.sep != "/" else f"{self._real_root}/{rel}"
        return target, exists

    def _check_folders(self, rel_dir: str, *, create: bool) -> bool:
        """``rel_dir`` ("/"-separated, "" for the root) is made of real folders, not links (``create``: make
        them). False when a folder is missing (and not ``create``)."""
        if rel_dir in self._dirs_ok:
            return True
        parts = rel_dir.split("/")
        current = self._real_root
        for i, part in enumerate(parts):
            current = os.path.join(current, part)
            prefix = "/".join(parts[: i + 1])
            if prefix in self._dirs_ok:
                continue
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                if not create:
                    return False  # nothing below a missing folder can be a link
                try:
                    os.mkdir(current)
                except FileExistsError:
                    pass  # another transfer made it a moment ago
                st = os.lstat(current)
            if stat.S_ISLNK(st.st_mode):
                raise UnsafePath(f"“{part}” in the receive folder is a link to somewhere else")
            if not stat.S_ISDIR(st.st_mode):
                raise UnsafePath(f"“{prefix}” is a file in the receive folder, not a folder")
            self._dirs_ok.add(prefix)
        return True

    def plan(self, index: int, rel: PurePosixPath | str, size: int, missing: set[str] | None = None) -> Slot:
        """Reserve a ``.part`` for one file, picking up a resumable one when there is one.

        ``missing``: a set kept for the files of one offer (see :meth:`_target`).
        """
        rel = rel if type(rel) is str else PurePosixPath(rel).as_posix()
        target, exists = self._target(rel, missing)
        part, held = self._reserve(target, size, fresh_only=False, look=exists)
        slot = Slot(index, rel, size, target, part, resume_offset=held)
        if held:
            slot.prefix_sha256 = sha256_of(part, held)
        return slot

    def restart_fresh(self, slot: Slot) -> None:
        """The sender's file does not match the old ``.part``: leave that one alone, write a new one."""
        self.release(slot)
        slot.part_path, _ = self._reserve(slot.target_path, slot.size, fresh_only=True)
        slot.resume_offset = 0
        slot.prefix_sha256 = ""

    def _reserve(self, target: str, size: int, *, fresh_only: bool, look: bool = True) -> tuple[str, int]:
        """A free ``.part`` name for ``target`` and how many bytes it holds (``look``: False when its folder
        does not exist, so there is nothing on disk to look at)."""
        with self._lock:
            n = 0
            while True:
                candidate = target if n == 0 else _numbered(target, n)
                n += 1
                part = candidate + PART_SUFFIX
                if part in self._active:
                    continue  # another transfer is writing it
                if not look:
                    self._active.add(part)
                    return part, 0
                try:
                    st = os.lstat(part)
                except FileNotFoundError:
                    self._active.add(part)
                    return part, 0
                if fresh_only or not stat.S_ISREG(st.st_mode) or st.st_size > size:
                    continue  # a link, or somebody else's partial file: not ours to touch
                self._active.add(part)
                return part, st.st_size

    def release(self, slot: Slot) -> None:
        self.release_part(slot.part_path)

    def release_part(self, part: Path | str) -> None:
        with self._lock:
            self._active.discard(str(part))

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.root).free

    def space_problem(self, needed: int) -> str | None:
        """Plain words when ``needed`` more bytes would leave less than the safety margin free."""
        free = self.free_bytes()
        if free - needed < self.min_free_bytes:
            from core.text import human_size

            return (f"The receiving computer does not have enough free disk space: these files need "
                    f"{human_size(needed)}, and {human_size(free)} is free (Wirelab keeps "
                    f"{human_size(self.min_free_bytes)} spare). Free some space, or send fewer files.")
        return None

    def open_part(self, slot: Slot, offset: int) -> int:
        """Open the slot's ``.part`` for writing at ``offset`` (creating folders as needed)."""
        flags = os.O_RDWR | os.O_CREAT | _O_BINARY | _O_NOFOLLOW
        fresh = offset == 0 and slot.resume_offset == 0
        if fresh:
            flags |= os.O_EXCL  # a part reserved as new must really be new (its folder may not have existed)
        try:
            folder = slot.rel.rpartition("/")[0]
            if folder not in self._dirs_ok:
                self._check_folders(folder, create=True)
            try:
                fd = self._open_new(slot, flags) if fresh else os.open(slot.part_path, flags, 0o644)
            except FileNotFoundError:
                # Somebody removed a folder while Wirelab was running: forget what was checked, redo it.
                self._dirs_ok = {""}
                self._check_folders(folder, create=True)
                fd = self._open_new(slot, flags) if fresh else os.open(slot.part_path, flags, 0o644)
        except UnsafePath:
            raise
        except OSError as exc:
            raise io_error(exc, slot) from exc
        if fresh:
            return fd  # a new, empty part: already at byte 0
        try:
            os.ftruncate(fd, offset)
            os.lseek(fd, offset, os.SEEK_SET)
        except OSError as exc:
            os.close(fd)
            raise io_error(exc, slot) from exc
        return fd

    def _open_new(self, slot: Slot, flags: int) -> int:
        """Create the slot's part; if that name appeared meanwhile (not ours), take the next free one."""
        while True:
            try:
                return os.open(slot.part_path, flags, 0o644)
            except FileExistsError:
                self.release(slot)
                slot.part_path, _ = self._reserve(slot.target_path, slot.size, fresh_only=True)

    def finish(self, slot: Slot, fd: int) -> Path:
        """fsync, close, and move the verified ``.part`` to a name that is free. Returns the final path."""
        return Path(self.finish_str(slot, fd))

    def finish_str(self, slot: Slot, fd: int) -> str:
        """:meth:`finish`, with the final path as a string (the receiver's per-file hot path)."""
        try:
            _fdatasync(fd)
        except OSError as exc:
            os.close(fd)
            raise io_error(exc, slot) from exc
        os.close(fd)
        final = self._place(slot)
        self.release(slot)
        return final

    def _place(self, slot: Slot) -> str:
        n = 0
        while True:
            final = slot.target_path if n == 0 else _numbered(slot.target_path, n)
            n += 1
            try:
                os.link(slot.part_path, final)  # fails if `final` exists: never overwrites, even in a race
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                                     getattr(errno, "ENOSYS", -1)):
                    raise io_error(exc, slot) from exc
                # A filesystem without hard links (FAT, some network drives): rename, checking first.
                if os.path.lexists(final):
                    continue
                os.rename(slot.part_path, final)
                return final
            os.unlink(slot.part_path)
            folder = os.path.dirname(final)
            if folder not in self._dirty_dirs:
                with self._lock:
                    self._dirty_dirs.add(folder)
            return final

    def sync_names(self) -> None:
        """Make the new names durable: one fsync per folder that got files (at the end of a batch)."""
        with self._lock:
            dirs, self._dirty_dirs = self._dirty_dirs, set()
        for folder in dirs:
            _fsync_dir(folder)

    def discard(self, slot: Slot, fd: int | None = None) -> None:
        """Throw away a ``.part`` whose content is wrong (its hash did not match)."""
        if fd is not None:
            os.close(fd)
        try:
            os.unlink(slot.part_path)
        except OSError:
            pass
        self.release(slot)

    def keep_partial(self, slot: Slot, fd: int | None = None) -> None:
        """The transfer stopped midway: keep the ``.part`` for a later resume."""
        if fd is not None:
            try:
                os.fsync(fd)
            except OSError:
                pass
            os.close(fd)
        self.release(slot)


def io_error(exc: OSError, slot: Slot) -> StoreError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return StoreError("disk_full", f"The receiving computer's disk is full, so “{slot.rel}” could not be "
                                       "saved. What arrived so far is kept and the transfer can resume later.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError("io_error", f"Wirelab is not allowed to write “{slot.rel}” into the receive folder.")
    return StoreError("io_error", f"“{slot.rel}” could not be written: {exc.strerror or exc}.")


_fdatasync = getattr(os, "fdatasync", os.fsync)  # data and size, without the timestamps' extra write


def _fsync_dir(path: Path | str) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
