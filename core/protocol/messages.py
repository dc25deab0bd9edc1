"""The Wirelab protocol's messages: one small frozen dataclass per message type.

Every control message travels as one line of JSON, ``{"type": "<TYPE>", ...fields}``; :func:`encode`
and :func:`decode` turn the dataclasses into that and back, checking every field's type and limits.
Unknown keys are ignored (newer peers may add fields); missing optional fields take their defaults.
docs/PROTOCOL.md is the reference for people writing other clients: keep it in step with this file.
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import MISSING, dataclass, fields
from collections.abc import Callable
from typing import Any, ClassVar

from core.protocol.errors import RemoteProtocolError

APP = "wirelab"
PROTOCOL_VERSION = 1

MAX_NICK = 32
MAX_ROOM = 32
MAX_TEXT = 8000
MAX_FILES = 65536
MAX_PATH_BYTES = 4096
MAX_REASON = 500
MAX_GROUP = 1024  # files in one file_group

#: Optional protocol features a receiver may list in its welcome (``Welcome.features``).
FEATURE_FILE_GROUP = "file_group"

SERVICES = ("chat", "files")


class Message:
    """Base of every control message. ``TYPE`` is the value of the JSON ``type`` key."""

    TYPE: ClassVar[str] = ""


# --- handshake (both services) --------------------------------------------------------------------


@dataclass(frozen=True)
class Hello(Message):
    """Client -> server, first message. ``service`` says which Wirelab service the client expects."""

    TYPE: ClassVar[str] = "hello"
    service: str
    nick: str = ""
    machine: str = ""
    room: str = ""
    app: str = APP
    protocol: int = PROTOCOL_VERSION


@dataclass(frozen=True)
class Welcome(Message):
    """Server -> client, answer to :class:`Hello`. For chat, ``nick``/``room`` are what the server assigned."""

    TYPE: ClassVar[str] = "welcome"
    service: str
    server: str = ""
    nick: str = ""
    room: str = ""
    app: str = APP
    protocol: int = PROTOCOL_VERSION
    features: tuple[str, ...] = ()  # optional messages this server understands, e.g. "file_group"


@dataclass(frozen=True)
class Error(Message):
    """Either direction. ``code`` is for programs (see docs/PROTOCOL.md), ``message`` for people."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str = ""
    fatal: bool = False


@dataclass(frozen=True)
class Ping(Message):
    TYPE: ClassVar[str] = "ping"
    token: str = ""


@dataclass(frozen=True)
class Pong(Message):
    TYPE: ClassVar[str] = "pong"
    token: str = ""


# --- chat: client -> server -----------------------------------------------------------------------


@dataclass(frozen=True)
class Say(Message):
    TYPE: ClassVar[str] = "say"
    text: str


@dataclass(frozen=True)
class Me(Message):
    """An action: ``/me waves`` is shown as "* ana waves"."""

    TYPE: ClassVar[str] = "me"
    text: str


@dataclass(frozen=True)
class SetNick(Message):
    TYPE: ClassVar[str] = "nick"
    nick: str


@dataclass(frozen=True)
class Join(Message):
    TYPE: ClassVar[str] = "join"
    room: str


@dataclass(frozen=True)
class Who(Message):
    TYPE: ClassVar[str] = "who"


# --- chat: server -> client -----------------------------------------------------------------------


@dataclass(frozen=True)
class Joined(Message):
    """You are now in ``room`` as ``nick``; ``members`` are everybody there, you included."""

    TYPE: ClassVar[str] = "joined"
    room: str
    nick: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatMessage(Message):
    """A message in a room. ``kind`` is "say" or "me"; ``history`` marks replayed older messages."""

    TYPE: ClassVar[str] = "message"
    room: str
    nick: str
    text: str
    time: float
    kind: str = "say"
    history: bool = False


@dataclass(frozen=True)
class Presence(Message):
    """Somebody else joined, left, or changed nick (``old`` is the previous nick for "nick")."""

    TYPE: ClassVar[str] = "presence"
    room: str
    kind: str  # "join" | "leave" | "nick"
    nick: str
    time: float
    old: str = ""


@dataclass(frozen=True)
class Members(Message):
    """Answer to :class:`Who`."""

    TYPE: ClassVar[str] = "members"
    room: str
    nicks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notice(Message):
    """A line from the server itself ("Server is shutting down", "Unknown command /foo")."""

    TYPE: ClassVar[str] = "notice"
    text: str
    time: float = 0.0


# --- files ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    """One file in an offer: relative "/"-separated ``path``, ``size`` in bytes, ``sha256`` if known."""

    path: str
    size: int
    sha256: str = ""


@dataclass(frozen=True)
class Offer(Message):
    """Sender -> receiver: "may I send you these files?" Files are numbered by their index here."""

    TYPE: ClassVar[str] = "offer"
    batch: str
    files: tuple[FileEntry, ...]


@dataclass(frozen=True)
class Resume:
    """The receiver already holds the first ``offset`` bytes of file ``index``; their SHA-256."""

    index: int
    offset: int
    prefix_sha256: str


@dataclass(frozen=True)
class Accept(Message):
    """Receiver -> sender: yes. ``resume`` lists files the receiver has partly (a ``.part`` from before);
    ``skip`` lists files it will not take (each gets a :class:`FileFailed` saying why): don't send them."""

    TYPE: ClassVar[str] = "accept"
    batch: str
    resume: tuple[Resume, ...] = ()
    skip: tuple[int, ...] = ()


@dataclass(frozen=True)
class Decline(Message):
    """Receiver -> sender: no. ``reason`` is a code (declined, no_space, busy, timeout), ``message`` words."""

    TYPE: ClassVar[str] = "decline"
    batch: str
    reason: str = "declined"
    message: str = ""


@dataclass(frozen=True)
class FileStart(Message):
    """Sender -> receiver: data frames for file ``index`` follow, starting at byte ``offset``."""

    TYPE: ClassVar[str] = "file"
    index: int
    offset: int = 0


@dataclass(frozen=True)
class FileEnd(Message):
    """Sender -> receiver: that was all of file ``index``; ``sha256`` is the digest of the whole file."""

    TYPE: ClassVar[str] = "file_end"
    index: int
    sha256: str


@dataclass(frozen=True)
class FileGroup(Message):
    """Sender -> receiver: several whole files back to back, each from byte 0. Data frames carrying file
    ``indexes[0]``, then ``indexes[1]``... follow (their sizes are the offer's); ``sha256[i]`` is the
    digest of file ``indexes[i]``. The group is over with its last byte. Only to a receiver whose
    welcome lists the "file_group" feature: one line per group instead of two per file."""

    TYPE: ClassVar[str] = "file_group"
    indexes: tuple[int, ...]
    sha256: tuple[str, ...]


@dataclass(frozen=True)
class FileOk(Message):
    """Receiver -> sender: file ``index`` verified and stored as ``path`` (may be renamed: "a (1).txt")."""

    TYPE: ClassVar[str] = "file_ok"
    index: int
    path: str
    sha256: str


@dataclass(frozen=True)
class FileFailed(Message):
    """Receiver -> sender: file ``index`` was not stored (``code``: hash_mismatch, disk_full, unsafe_path...)."""

    TYPE: ClassVar[str] = "file_failed"
    index: int
    code: str
    message: str = ""


@dataclass(frozen=True)
class Cancel(Message):
    """Sender -> receiver: stop this batch; partial files stay as resumable ``.part`` files."""

    TYPE: ClassVar[str] = "cancel"
    batch: str


@dataclass(frozen=True)
class Done(Message):
    """Sender -> receiver: every file of the batch has been sent."""

    TYPE: ClassVar[str] = "done"
    batch: str


@dataclass(frozen=True)
class Summary(Message):
    """Receiver -> sender, last word on a batch: how many files landed, and the failed indexes."""

    TYPE: ClassVar[str] = "summary"
    batch: str
    received: int
    failed: tuple[int, ...] = ()


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        Hello, Welcome, Error, Ping, Pong,
        Say, Me, SetNick, Join, Who, Joined, ChatMessage, Presence, Members, Notice,
        Offer, Accept, Decline, FileStart, FileEnd, FileGroup, FileOk, FileFailed, Cancel, Done, Summary,
    )
}

# --- (de)serialisation ----------------------------------------------------------------------------

_LIMITS = {
    "nick": MAX_NICK, "room": MAX_ROOM, "text": MAX_TEXT, "path": MAX_PATH_BYTES,
    "message": MAX_REASON * 4, "reason": MAX_REASON, "machine": 64, "server": 64,
    "batch": 64, "code": 64, "sha256": 64, "prefix_sha256": 64, "token": 64, "service": 16,
    "app": 32, "kind": 16, "old": MAX_NICK, "features": 32,
}

_LIST_LIMITS = {"features": 64, "indexes": MAX_GROUP, "sha256": MAX_GROUP}  # other lists: MAX_FILES

Converter = Callable[[Any, str], Any]
_PLANS: dict[type, list[tuple[str, Converter, bool, bool]]] = {}  # name, convert, required, nested


def _plan(cls: type) -> list[tuple[str, Converter, bool, bool]]:
    """Per message class, once: how to check and convert each field (decoding is on the hot path)."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = []
        for f in fields(cls):
            hint = hints[f.name]
            required = f.default is MISSING and f.default_factory is MISSING
            plan.append((f.name, _converter(hint, f.name), required, _has_dataclass(hint)))
        _PLANS[cls] = plan
    return plan


def _has_dataclass(hint: Any) -> bool:
    if hasattr(hint, "__dataclass_fields__"):
        return True
    return any(_has_dataclass(arg) for arg in typing.get_args(hint))


def _converter(hint: Any, name: str) -> Converter:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(hint) if a is not type(None)), name)
        return lambda value, where: None if value is None else inner(value, where)
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0], name)
        most = _LIST_LIMITS.get(name, MAX_FILES)

        def convert_list(value: Any, where: str) -> tuple:
            if not isinstance(value, list):
                raise RemoteProtocolError("bad_message", f"{where} must be a list")
            if len(value) > most:
                code = "too_many_files" if name == "files" else "bad_message"
                raise RemoteProtocolError(code, f"{where} may hold at most {most} entries")
            return tuple(item(v, where) for v in value)

        return convert_list
    if hasattr(hint, "__dataclass_fields__"):
        return lambda value, where: _build(hint, value, where)
    if hint is bool:
        def convert_bool(value: Any, where: str) -> bool:
            if value is True or value is False:
                return value
            raise RemoteProtocolError("bad_message", f"{where} must be true or false")

        return convert_bool
    if hint is int:
        def convert_int(value: Any, where: str) -> int:
            if type(value) is not int or not 0 <= value < 2**63:
                raise RemoteProtocolError("bad_message", f"{where} must be a whole number from 0 to 2^63-1")
            return value

        return convert_int
    if hint is float:
        def convert_float(value: Any, where: str) -> float:
            if type(value) not in (int, float):
                raise RemoteProtocolError("bad_message", f"{where} must be a number")
            return float(value)

        return convert_float
    if hint is str:
        limit = _LIMITS.get(name)

        def convert_str(value: Any, where: str) -> str:
            if type(value) is not str:
                raise RemoteProtocolError("bad_message", f"{where} must be a string")
            if limit is not None and len(value) > limit:
                raise RemoteProtocolError("too_long", f"{where} is longer than {limit} characters")
            return value

        return convert_str
    raise TypeError(f"unsupported field type {hint!r}")  # a bug in this module, not bad input


def to_plain(value: Any) -> Any:
    """Dataclass -> JSON-able value (tuples become lists, nested dataclasses dicts)."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    return value


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_HEX = re.compile("[0-9a-f]{0,64}")


def encode(message: Message) -> bytes:
    """One control line: compact UTF-8 JSON and a final LF."""
    cls = type(message)
    if cls in _FAST_ENCODE:  # the per-file messages, sent thousands of times a batch: byte-identical output
        fast = _FAST_ENCODE[cls](message)
        if fast is not None:
            return fast
    body: dict[str, Any] = {"type": message.TYPE}
    for name, _, _, nested in _plan(type(message)):
        value = getattr(message, name)
        body[name] = to_plain(value) if nested else value  # tuples of plain values are JSON lists as they are
    return _dumps(body).encode("utf-8") + b"\n"


def _encode_file_start(m: FileStart) -> bytes | None:
    if type(m.index) is int and type(m.offset) is int:
        return b'{"type":"file","index":%d,"offset":%d}\n' % (m.index, m.offset)
    return None


def _encode_file_end(m: FileEnd) -> bytes | None:
    if type(m.index) is int and type(m.sha256) is str and _HEX.fullmatch(m.sha256):
        return b'{"type":"file_end","index":%d,"sha256":"%s"}\n' % (m.index, m.sha256.encode("ascii"))
    return None


def _encode_file_ok(m: FileOk) -> bytes | None:
    if type(m.index) is int and type(m.path) is str and type(m.sha256) is str and _HEX.fullmatch(m.sha256):
        path = _dumps(m.path).encode("utf-8")
        return b'{"type":"file_ok","index":%d,"path":%s,"sha256":"%s"}\n' % (m.index, path, m.sha256.encode("ascii"))
    return None


_FAST_ENCODE: dict[type, Callable[[Any], bytes | None]] = {
    FileStart: _encode_file_start, FileEnd: _encode_file_end, FileOk: _encode_file_ok,
}


def decode(obj: Any) -> Message | None:
    """A parsed JSON object -> its message dataclass; None for a type this version does not know."""
    if not isinstance(obj, dict):
        raise RemoteProtocolError("bad_message", "a control message must be a JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise RemoteProtocolError("bad_message", 'a control message needs a string "type"')
    cls = MESSAGE_TYPES.get(kind)
    if cls is None:
        return None
    return _build(cls, obj, kind)


def _build(cls: type, obj: Any, where: str) -> Any:
    if not isinstance(obj, dict):
        raise RemoteProtocolError("bad_message", f"{where} must be an object")
    kwargs = {}
    for name, convert, required, _ in _plan(cls):
        if name in obj:
            kwargs[name] = convert(obj[name], f"{where}.{name}")
        elif required:
            raise RemoteProtocolError("bad_message", f"{where}: missing field {name!r}")
    return cls(**kwargs)
