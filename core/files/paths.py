"""Checking the paths a sender asks us to write, so a file can only ever land inside the receive folder.

A path in an offer is relative and "/"-separated ("photos/2024/cat.jpg"). Anything that could escape the
receive folder, or that some operating system in the lab would treat specially, is refused with a reason
in plain words: absolute paths, drive letters, ``..``, backslashes, NUL and control characters, Windows
reserved names (CON, NUL, COM1...) and characters, names longer than 255 bytes. On top of that,
:func:`resolve_inside` refuses to follow a symbolic link that is already in the receive folder.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path, PurePosixPath

MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
MAX_DEPTH = 64

_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{base}{n}" for base in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")
}
_WINDOWS_BAD = set('<>:"|?*\\')
# Every character check_name refuses, so one regex search finds the first one: the control characters
# (Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F), Windows' forbidden characters, and
# lone surrogates (not valid Unicode).
_BAD_CHAR = re.compile('[\x00-\x1f\x7f-\x9f<>:"|?*\\\\\ud800-\udfff]')


class UnsafePath(ValueError):
    """``str(error)`` says, in plain words, why the path was refused."""


def check_name(name: str) -> None:
    """Refuse one path component that is not a safe, portable file or folder name."""
    if name in ("", ".", ".."):
        raise UnsafePath("it tries to leave the receive folder (“..”)" if name == ".." else "it has an empty folder name")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise UnsafePath(f"the name “{name[:40]}…” is longer than {MAX_NAME_BYTES} bytes")
    bad = _BAD_CHAR.search(name)
    if bad is not None:
        ch = bad.group()
        if ch in _WINDOWS_BAD:
            raise UnsafePath(f"the name “{name}” contains “{ch}”, which Windows does not allow in file names")
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise UnsafePath("it contains text that is not valid Unicode")
        raise UnsafePath("it contains an invisible control character")
    if name[-1] in ". ":
        raise UnsafePath(f"the name “{name}” ends with a dot or a space, which Windows silently removes")
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED:
        raise UnsafePath(f"“{name}” is a reserved device name on Windows")


def safe_relative_path(path: str) -> PurePosixPath:
    """The checked relative path, or :class:`UnsafePath` saying why not."""
    return PurePosixPath(safe_relative(path))


def safe_relative(path: str) -> str:
    """Like :func:`safe_relative_path`, as the checked "/"-separated string itself (the receiver's hot path).

    An accepted path has no empty or "." segment, so the string is already in its one normal form.
    """
    if not isinstance(path, str) or not path:
        raise UnsafePath("it has no name")
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise UnsafePath(f"the path is longer than {MAX_PATH_BYTES} bytes")
    if path.startswith(("/", "\\")) or path.startswith("//"):
        raise UnsafePath("it is an absolute path (it starts with /)")
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        raise UnsafePath(f"it starts with a drive letter ({path[:2]})")
    if path.count("/") >= MAX_DEPTH:
        raise UnsafePath(f"it is nested more than {MAX_DEPTH} folders deep")
    folder, _, name = path.rpartition("/")
    if folder:
        _check_folder(folder)  # thousands of files share a few folders: each is checked once
    check_name(name)
    return path


@functools.lru_cache(maxsize=1024)
def _check_folder(folder: str) -> None:
    """check_name for each segment of ``folder``; a refusal raises, so only safe folders are cached."""
    for part in folder.split("/"):
        check_name(part)


def resolve_inside(root: Path, rel: PurePosixPath) -> Path:
    """``root / rel`` as a real path, refusing symbolic links on the way (so nothing escapes ``root``)."""
    root_real = Path(os.path.realpath(root))
    current = root_real
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(f"“{part}” in the receive folder is a link to somewhere else")
    real_parent = Path(os.path.realpath(current.parent))
    if real_parent != root_real and root_real not in real_parent.parents:
        raise UnsafePath("it would land outside the receive folder")
    return current


def sender_path(path: Path, base: Path) -> str:
    """How a local file is named in an offer: relative to ``base``, "/"-separated."""
    return PurePosixPath(*path.relative_to(base).parts).as_posix()
