"""The Wirelab protocol's messages: one small frozen dataclass per message type.

Every control message travels as one line of JSON, ``{"type": "<TYPE>", ...fields}``; :func:`encode`
and :func:`decode` turn the dataclasses into that and back, checking every field's type and limits.
Unknown keys are ignored (newer peers may add fields); missing optional fields take their defaults.
docs/PROTOCOL.md is the reference for people writing other clients: keep it in step with this file.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import MISSING, dataclass, fields
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
        Offer, Accept, Decline, FileStart, FileEnd, FileOk, FileFailed, Cancel, Done, Summary,
    )
}

# --- (de)serialisation ----------------------------------------------------------------------------

_HINTS: dict[type, dict[str, Any]] = {}

_LIMITS = {
    "nick": MAX_NICK, "room": MAX_ROOM, "text": MAX_TEXT, "path": MAX_PATH_BYTES,
    "message": MAX_REASON * 4, "reason": MAX_REASON, "machine": 64, "server": 64,
    "batch": 64, "code": 64, "sha256": 64, "prefix_sha256": 64, "token": 64, "service": 16,
    "app": 32, "kind": 16, "old": MAX_NICK,
}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def to_plain(value: Any) -> Any:
    """Dataclass -> JSON-able value (tuples become lists, nested dataclasses dicts)."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    return value


def encode(message: Message) -> bytes:
    """One control line: compact UTF-8 JSON and a final LF."""
    body = {"type": message.TYPE, **to_plain(message)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


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


def _build(cls: type, obj: dict[str, Any], where: str) -> Any:
    kwargs = {}
    hints = _hints(cls)
    for f in fields(cls):
        if f.name in obj:
            kwargs[f.name] = _convert(obj[f.name], hints[f.name], f"{where}.{f.name}", f.name)
        elif f.default is MISSING and f.default_factory is MISSING:
            raise RemoteProtocolError("bad_message", f"{where}: missing field {f.name!r}")
    return cls(**kwargs)


def _convert(value: Any, hint: Any, where: str, name: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(hint):
            return None
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list):
            raise RemoteProtocolError("bad_message", f"{where} must be a list")
        if name == "files" and len(value) > MAX_FILES:
            raise RemoteProtocolError("too_many_files", f"an offer may list at most {MAX_FILES} files")
        if len(value) > MAX_FILES:
            raise RemoteProtocolError("bad_message", f"{where} is too long")
        item = typing.get_args(hint)[0]
        return tuple(_convert(v, item, f"{where}[]", name) for v in value)
    if hasattr(hint, "__dataclass_fields__"):
        if not isinstance(value, dict):
            raise RemoteProtocolError("bad_message", f"{where} must be an object")
        return _build(hint, value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise RemoteProtocolError("bad_message", f"{where} must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RemoteProtocolError("bad_message", f"{where} must be a whole number")
        if not 0 <= value < 2**63:
            raise RemoteProtocolError("bad_message", f"{where} is out of range")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RemoteProtocolError("bad_message", f"{where} must be a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise RemoteProtocolError("bad_message", f"{where} must be a string")
        limit = _LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise RemoteProtocolError("too_long", f"{where} is longer than {limit} characters")
        return value
    raise TypeError(f"unsupported field type {hint!r}")  # a bug in this module, not bad input
