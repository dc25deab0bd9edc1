"""The Wirelab protocol as a sans-I/O state machine, in the style of h11.

Bytes go in (:meth:`Connection.receive_data`), events come out (:meth:`Connection.next_event`); events
go in (:meth:`Connection.send`), bytes come out. No socket, no thread, no clock inside: the chat relay,
the file receiver, the core clients and the GUI all drive this one class, so a framing bug is fixed once.

Two frame kinds share the byte stream (docs/PROTOCOL.md has the byte-level description):

* control frame: ``{`` ... ``}`` ``\\n`` - one JSON object on one line (at most :data:`MAX_LINE` bytes);
* data frame: ``0x00``, a 4-byte big-endian length ``L`` (1 <= L <= :data:`MAX_CHUNK`), ``L`` bytes of
  file content. Only allowed from the sender while a file is open.

The receiving side never allocates what a peer *claims*: a data frame's payload is handed out as
:class:`Data` events holding slices of the bytes that actually arrived, and a control line grows only
with bytes received, up to :data:`MAX_LINE`.
"""

from __future__ import annotations

import enum
import json
import re
import struct
from collections import deque
from dataclasses import dataclass
from typing import Any

from core.protocol.errors import LocalProtocolError, RemoteProtocolError
from core.protocol.messages import (
    APP,
    FEATURE_FILE_GROUP,
    MAX_GROUP,
    MAX_PATH_BYTES,
    PROTOCOL_VERSION,
    SERVICES,
    Accept,
    Cancel,
    ChatMessage,
    Decline,
    Done,
    Error,
    FileEnd,
    FileFailed,
    FileGroup,
    FileOk,
    FileStart,
    Hello,
    Join,
    Joined,
    Me,
    Members,
    Message,
    Notice,
    Offer,
    Ping,
    Pong,
    Presence,
    Say,
    SetNick,
    Summary,
    Welcome,
    Who,
    decode,
    encode,
)

MAX_LINE = 8 * 1024 * 1024  # an offer of tens of thousands of files fits; nothing legitimate is bigger
MAX_CHUNK = 4 * 1024 * 1024
MAX_JSON_DEPTH = 32
DATA_MARK = 0x00
_HEADER = struct.Struct(">BI")

# The per-file control lines in the exact form encode() writes them. A receiver gets two per file, so for
# thousands of small files json.loads plus the generic field checks were most of the protocol's cost.
# Anything else (other key order, spaces, unknown keys, escapes) still goes through the full parser.
_INT = rb"(0|[1-9][0-9]{0,18})"
_FAST_FILE_START = re.compile(rb'\{"type":"file","index":' + _INT + rb',"offset":' + _INT + rb"\}")
_FAST_FILE_END = re.compile(rb'\{"type":"file_end","index":' + _INT + rb',"sha256":"([0-9a-f]{0,64})"\}')
_FAST_FILE_OK = re.compile(rb'\{"type":"file_ok","index":' + _INT + rb',"path":"([^"\\\x00-\x1f]*)","sha256":"([0-9a-f]{0,64})"\}')
_INT_LIMIT = 2**63
#: ``Connection._open`` while a :class:`FileGroup`'s data flows (no single file index is open).
_GROUP = -1


class Role(enum.Enum):
    CLIENT = "client"  # connects; says hello; for files: the sender
    SERVER = "server"  # accepts; answers welcome; for files: the receiver


class State(enum.Enum):
    HELLO = "hello"  # nothing said yet: the client must send Hello
    WELCOME = "welcome"  # Hello said: the server must answer Welcome (or a fatal Error)
    CHAT = "chat"  # chat service, after Welcome
    READY = "ready"  # files service, no batch in progress
    OFFERED = "offered"  # an Offer is waiting for Accept or Decline
    SENDING = "sending"  # accepted: file / data / file_end frames flow from the sender
    FINISHING = "finishing"  # Done or Cancel sent: waiting for the receiver's Summary
    PLAIN = "plain"  # server only: the client never said hello, it is a plain-text (nc) client
    CLOSED = "closed"  # a fatal error was sent or received, or the stream ended


@dataclass(frozen=True)
class Data:
    """A piece of file content from a data frame (a zero-copy slice; copy it to keep it)."""

    data: memoryview | bytes


@dataclass(frozen=True)
class PlainText:
    """One line from a plain-text client (decoded as UTF-8, bad bytes replaced, line ending removed)."""

    text: str


@dataclass(frozen=True)
class Unknown:
    """A well-formed control message of a type this version does not know; safe to ignore."""

    type: str


@dataclass(frozen=True)
class ConnectionClosed:
    """The peer closed its sending side and every byte before that has been delivered."""


class _NeedData:
    def __repr__(self) -> str:
        return "NEED_DATA"


#: Returned by :meth:`Connection.next_event` when it needs more bytes to make an event.
NEED_DATA = _NeedData()

Event = Message | Data | PlainText | Unknown | ConnectionClosed

_CHAT_FROM_CLIENT = (Say, Me, SetNick, Join, Who, Ping)
_FILE_FLOW = frozenset((FileStart, FileEnd, FileGroup, FileOk, FileFailed))
_CHAT_FROM_SERVER = (Joined, ChatMessage, Presence, Members, Notice, Pong)


class Connection:
    """One side of one Wirelab connection."""

    def __init__(self, role: Role, *, allow_plain_text: bool = False) -> None:
        self.role = role
        self.allow_plain_text = allow_plain_text and role is Role.SERVER
        self.state = State.HELLO
        self.service: str | None = None
        self.peer_hello: Hello | None = None
        #: Optional features both ends may use: the ones the server listed in its welcome.
        self.features: frozenset[str] = frozenset()
        self._segments: deque[list[Any]] = deque()  # [buffer, start, end]
        self._buffered = 0
        self._eof = False
        self._closed_delivered = False
        self._payload_left = 0  # bytes of the current data frame still to hand out
        # files state shared by both roles
        self._offer: Offer | None = None
        self._resume: dict[int, int] = {}
        self._started: set[int] = set()
        self._open: int | None = None  # the open file's index; _GROUP while a file group's data flows
        self._open_left = 0  # bytes the open file (or group) still has to carry
        self._outgoing_line_sent = False

    # --- incoming ---------------------------------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview, length: int | None = None) -> None:
        """Feed bytes from the network; ``b""`` means the peer closed its side (EOF).

        ``length`` uses only the first ``length`` bytes of ``data`` - the zero-copy way to feed a reused
        ``recv_into`` buffer. The connection keeps a reference, not a copy: the caller must not change
        ``data`` until :meth:`next_event` has returned :data:`NEED_DATA` (or :class:`ConnectionClosed`).
        """
        if isinstance(data, memoryview):
            data = bytes(data[:length] if length is not None else data)
            length = None
        end = len(data) if length is None else length
        if self._eof:
            if end:
                raise RuntimeError("receive_data() after EOF")
            return
        if not end:
            self._eof = True
            return
        self._segments.append([data, 0, end])
        self._buffered += end

    def release_buffers(self) -> None:
        """Copy the few bytes still waiting (a partial line or frame header) into the connection's own memory.

        After this the caller may reuse the buffers it passed to :meth:`receive_data` - the zero-copy
        receive path does, once :meth:`next_event` has returned :data:`NEED_DATA`.
        """
        for seg in self._segments:
            buf, start, end = seg
            if not isinstance(buf, bytes):
                seg[0], seg[1], seg[2] = bytes(memoryview(buf)[start:end]), 0, end - start

    def payload_wanted(self) -> int:
        """How many bytes of the current data frame are still to come when none is buffered, else 0.

        The I/O layer may read exactly that many in one blocking call (``MSG_WAITALL``): they can only
        be file content, so the reading loop turns once per chunk instead of once per TCP segment.
        """
        return self._payload_left if not self._buffered else 0

    @property
    def trailing_data(self) -> bytes:
        """Bytes received but not yet turned into events (e.g. to hand a non-Wirelab client elsewhere)."""
        return b"".join(bytes(memoryview(buf)[start:end]) for buf, start, end in self._segments)

    def next_event(self) -> Event | _NeedData:
        """Parse the next event, or return :data:`NEED_DATA`. Raises :class:`RemoteProtocolError`."""
        if self.state is State.CLOSED and not self._eof:
            raise RemoteProtocolError("closed", "the connection is already closed")
        try:
            return self._next_event()
        except RemoteProtocolError:
            self.state = State.CLOSED
            raise

    def _next_event(self) -> Event | _NeedData:
        if self._payload_left:
            return self._next_payload()
        if not self._buffered:
            return self._at_eof_or_need_data()
        first = self._peek_byte()
        if self.state is State.PLAIN:
            return self._next_plain_line()
        if first == DATA_MARK:
            return self._next_data_header()
        if first != 0x7B:  # "{"
            if self.role is Role.SERVER and self.state is State.HELLO and self.allow_plain_text:
                self.state = State.PLAIN
                return self._next_plain_line()
            if self.state in (State.HELLO, State.WELCOME):
                raise RemoteProtocolError("not_wirelab", "the peer does not speak the Wirelab protocol")
            raise RemoteProtocolError("bad_frame", f"a frame cannot start with byte 0x{first:02x}")
        line = self._take_line(MAX_LINE)
        if line is None:
            return self._at_eof_or_need_data(partial=True)
        return self._parse_control(line)

    def _at_eof_or_need_data(self, partial: bool = False) -> Event | _NeedData:
        if not self._eof:
            return NEED_DATA
        if partial or self._payload_left:
            raise RemoteProtocolError("truncated", "the connection ended in the middle of a frame")
        if self._open is not None:
            raise RemoteProtocolError("truncated", "the connection ended in the middle of a file")
        if self._closed_delivered:
            return NEED_DATA
        self._closed_delivered = True
        self.state = State.CLOSED
        return ConnectionClosed()

    def _peek_byte(self) -> int:
        buf, start, _ = self._segments[0]
        return buf[start]

    def _consume(self, n: int) -> bytes:
        """Take exactly ``n`` buffered bytes (only used for small pieces: headers and lines)."""
        out = bytearray()
        while n:
            seg = self._segments[0]
            buf, start, end = seg
            take = min(n, end - start)
            out += memoryview(buf)[start:start + take]
            seg[1] += take
            n -= take
            self._buffered -= take
            if seg[1] == end:
                self._segments.popleft()
        return bytes(out)

    def _take_line(self, limit: int) -> bytes | None:
        """A whole LF-terminated line (without the LF), or None when it has not fully arrived yet.

        ``limit`` counts the LF; a line that cannot fit raises ``line_too_long`` as soon as that is
        certain, so a peer cannot make us buffer without bound.
        """
        seg = self._segments[0]
        buf, start, end = seg
        idx = buf.find(b"\n", start, min(end, start + limit))
        if idx >= 0:  # the usual case: the whole line is in the first buffer
            line = bytes(memoryview(buf)[start:idx]) if type(buf) is not bytes else buf[start:idx]
            taken = idx + 1 - start
            seg[1] = idx + 1
            self._buffered -= taken
            if idx + 1 == end:
                self._segments.popleft()
            return line
        scanned = 0
        for buf, start, end in self._segments:
            idx = buf.find(b"\n", start, min(end, start + limit - scanned))
            if idx >= 0:
                return self._consume(scanned + idx - start + 1)[:-1]
            scanned += end - start
            if scanned >= limit:
                raise RemoteProtocolError("line_too_long", f"a control line is longer than {limit} bytes")
        return None

    def _parse_control(self, line: bytes) -> Event:
        if self.state is State.SENDING or self.state is State.FINISHING:
            message = self._parse_fast(line)
            if message is not None:
                self._files_transition(message, self.role is Role.SERVER, RemoteProtocolError)
                return message
        try:
            obj = json.loads(line)
        except RecursionError:
            raise RemoteProtocolError("bad_json", "the JSON is nested too deeply") from None
        except (UnicodeDecodeError, ValueError) as exc:
            if self.role is Role.SERVER and self.state is State.HELLO and self.allow_plain_text:
                self.state = State.PLAIN
                return PlainText(_decode_text(line))
            raise RemoteProtocolError("bad_json", f"a control line is not valid JSON: {exc}") from None
        if line.count(b"{") + line.count(b"[") > MAX_JSON_DEPTH and _depth(obj) > MAX_JSON_DEPTH:
            raise RemoteProtocolError("bad_json", "the JSON is nested too deeply")
        try:
            message = decode(obj)
        except RemoteProtocolError:
            if self.role is Role.SERVER and self.state is State.HELLO and self.allow_plain_text:
                self.state = State.PLAIN
                return PlainText(_decode_text(line))
            raise
        if self.state is State.HELLO and not isinstance(message, Hello):
            if self.role is Role.SERVER and self.allow_plain_text:
                self.state = State.PLAIN  # JSON, but not ours: a person typing braces into nc
                return PlainText(_decode_text(line))
            raise RemoteProtocolError("expected_hello", "the first message must be a hello")
        if message is None:
            return Unknown(obj["type"])
        self._on_message(message, incoming=True)
        return message

    def _parse_fast(self, line: bytes) -> Message | None:
        """FileStart / FileEnd / FileOk in encode()'s own form, without json; None: use the full parser.

        Only what the full parser would accept as exactly the same message matches here.
        """
        if line.startswith(b'{"type":"file",'):
            m = _FAST_FILE_START.fullmatch(line)
            if m is not None:
                index, offset = int(m[1]), int(m[2])
                if index < _INT_LIMIT and offset < _INT_LIMIT:
                    return FileStart(index, offset)
        elif line.startswith(b'{"type":"file_end",'):
            m = _FAST_FILE_END.fullmatch(line)
            if m is not None:
                index = int(m[1])
                if index < _INT_LIMIT:
                    return FileEnd(index, m[2].decode("ascii"))
        elif line.startswith(b'{"type":"file_ok",'):
            m = _FAST_FILE_OK.fullmatch(line)
            if m is not None:
                index = int(m[1])
                try:
                    path = m[2].decode("utf-8")
                except UnicodeDecodeError:
                    return None
                if index < _INT_LIMIT and len(path) <= MAX_PATH_BYTES:
                    return FileOk(index, path, m[3].decode("ascii"))
        return None

    def _next_data_header(self) -> Event | _NeedData:
        if self._buffered < _HEADER.size:
            return self._at_eof_or_need_data(partial=True)
        _, length = _HEADER.unpack(self._consume(_HEADER.size))
        if not 1 <= length <= MAX_CHUNK:
            raise RemoteProtocolError("bad_length", f"a data frame must carry 1 to {MAX_CHUNK} bytes, not {length}")
        if self.role is not Role.SERVER or self.state is not State.SENDING or self._open is None:
            raise RemoteProtocolError("unexpected_data", "file data arrived while no file was open")
        if length > self._open_left:
            raise RemoteProtocolError("too_much_data", "more file data arrived than the file's announced size")
        self._open_left -= length
        if not self._open_left and self._open == _GROUP:
            self._open = None  # a group is over with its last byte
        self._payload_left = length
        return self._next_payload()

    def _next_payload(self) -> Event | _NeedData:
        if not self._buffered:
            return self._at_eof_or_need_data(partial=True)
        seg = self._segments[0]
        buf, start, end = seg
        take = min(self._payload_left, end - start)
        view = memoryview(buf)[start:start + take]
        seg[1] += take
        self._buffered -= take
        self._payload_left -= take
        if seg[1] == end:
            self._segments.popleft()
        return Data(view)

    def _next_plain_line(self) -> Event | _NeedData:
        from core.protocol.messages import MAX_TEXT

        line = self._take_line_plain(MAX_TEXT * 4)
        if line is None:
            if self._eof and self._buffered:
                return PlainText(_decode_text(self._consume(self._buffered)))
            return self._at_eof_or_need_data()
        return PlainText(_decode_text(line))

    def _take_line_plain(self, limit: int) -> bytes | None:
        """Like :meth:`_take_line`, but an over-long plain line is cut, not an error (people paste)."""
        try:
            return self._take_line(limit)
        except RemoteProtocolError:
            return self._consume(limit)

    # --- outgoing ---------------------------------------------------------------------------------

    def send(self, event: Message | Data | PlainText) -> bytes:
        """The bytes to write for ``event``. Raises :class:`LocalProtocolError` if it is not allowed now."""
        if self.state is State.CLOSED and not isinstance(event, Error):
            raise LocalProtocolError("closed", "the connection is closed")
        if isinstance(event, Data):
            return self.data_header(len(event.data)) + bytes(event.data)
        if isinstance(event, PlainText):
            if self.state is not State.PLAIN:
                raise LocalProtocolError("not_plain", "plain text can only go to a plain-text client")
            return event.text.encode("utf-8", "replace")
        self._on_message(event, incoming=False)
        return encode(event)

    def data_header(self, length: int) -> bytes:
        """The 5-byte header for a data frame of ``length`` bytes; the caller then writes the bytes itself.

        This is how the sender can use ``os.sendfile`` for the payload: the state machine checks and
        counts the frame, the kernel copies the content.
        """
        if self.role is not Role.CLIENT or self.state is not State.SENDING or self._open is None:
            raise LocalProtocolError("unexpected_data", "no file is open for sending")
        if not 1 <= length <= MAX_CHUNK:
            raise LocalProtocolError("bad_length", f"a data frame must carry 1 to {MAX_CHUNK} bytes")
        if length > self._open_left:
            raise LocalProtocolError("too_much_data", "more data than the file's announced size")
        self._open_left -= length
        if not self._open_left and self._open == _GROUP:
            self._open = None
        return _HEADER.pack(DATA_MARK, length)

    def assume_plain_text(self) -> None:
        """Server: the client said nothing for a while after connecting; treat it as a plain-text client."""
        if self.role is Role.SERVER and self.state is State.HELLO and self.allow_plain_text and not self._buffered:
            self.state = State.PLAIN

    # --- the state machine ------------------------------------------------------------------------

    def _on_message(self, msg: Message, *, incoming: bool) -> None:
        """Check that ``msg`` may travel in this direction now, and move to the next state."""
        error = RemoteProtocolError if incoming else LocalProtocolError
        from_client = incoming == (self.role is Role.SERVER)
        state = self.state
        if state is State.SENDING and type(msg) in _FILE_FLOW:  # the per-file messages: straight to the files rules
            self._files_transition(msg, from_client, error)
            return

        if isinstance(msg, Error):
            if msg.fatal:
                self.state = State.CLOSED
            return

        if state is State.HELLO:
            if not isinstance(msg, Hello) or not from_client:
                raise error("expected_hello", "the first message must be a hello from the client")
            if msg.app != APP:
                raise error("not_wirelab", f"the hello is from {msg.app!r}, not {APP!r}")
            if msg.service not in SERVICES:
                raise error("unknown_service", f"unknown service {msg.service!r}")
            if incoming:
                self.peer_hello = msg
            self.service = msg.service
            self.state = State.WELCOME
            return

        if state is State.WELCOME:
            if not isinstance(msg, Welcome) or from_client:
                raise error("expected_welcome", "the server must answer the hello with a welcome")
            if msg.service != self.service:
                raise error("wrong_service", f"this is a {msg.service} service, not {self.service}")
            self.features = frozenset(msg.features)
            self.state = State.CHAT if self.service == "chat" else State.READY
            return

        if isinstance(msg, (Ping, Pong)) and state not in (State.PLAIN,):
            return

        if state is State.CHAT:
            allowed = _CHAT_FROM_CLIENT if from_client else _CHAT_FROM_SERVER
            if not isinstance(msg, allowed):
                who = "client" if from_client else "server"
                raise error("unexpected_message", f"a chat {who} cannot send {msg.TYPE!r}")
            return

        if state is State.PLAIN:
            raise error("unexpected_message", "a plain-text connection carries no control messages")

        self._files_transition(msg, from_client, error)

    def _files_transition(self, msg: Message, from_sender: bool, error: type) -> None:
        state = self.state
        if isinstance(msg, Offer) and from_sender and state is State.READY:
            if len({f.path for f in msg.files}) != len(msg.files):
                raise error("duplicate_path", "an offer lists the same path twice")
            if any(f.size < 0 for f in msg.files):
                raise error("bad_message", "file sizes cannot be negative")
            self._offer = msg
            self._resume = {}
            self._started = set()
            self._open = None
            self.state = State.OFFERED
            return
        if isinstance(msg, Accept) and not from_sender and state in (State.OFFERED, State.FINISHING):
            self._check_batch(msg.batch, error)
            for r in msg.resume:
                if not 0 <= r.index < len(self._offer.files) or r.offset > self._offer.files[r.index].size:
                    raise error("bad_resume", f"resume point {r.index}@{r.offset} is not inside the offer")
                self._resume[r.index] = r.offset
            for index in msg.skip:
                if not 0 <= index < len(self._offer.files):
                    raise error("bad_index", f"file {index} is not in the offer")
                self._started.add(index)  # never to be sent
            if state is State.OFFERED:
                self.state = State.SENDING
            return
        if isinstance(msg, Decline) and not from_sender and state in (State.OFFERED, State.FINISHING):
            self._check_batch(msg.batch, error)
            self.state = State.READY
            self._offer = None
            return
        if isinstance(msg, FileStart) and from_sender and state is State.SENDING:
            if self._open is not None:
                raise error("file_open", "a file is still open: end it before starting another")
            if not 0 <= msg.index < len(self._offer.files):
                raise error("bad_index", f"file {msg.index} is not in the offer")
            if msg.index in self._started:
                raise error("bad_index", f"file {msg.index} was already sent, or the receiver skipped it")
            if msg.offset not in (0, self._resume.get(msg.index, 0)):
                raise error("bad_offset", f"file {msg.index} cannot start at byte {msg.offset}")
            self._started.add(msg.index)
            self._open = msg.index
            self._open_left = self._offer.files[msg.index].size - msg.offset
            return
        if isinstance(msg, FileGroup) and from_sender and state is State.SENDING:
            self._start_group(msg, error)
            return
        if isinstance(msg, FileEnd) and from_sender and state is State.SENDING:
            if self._open != msg.index:
                raise error("bad_index", f"file {msg.index} is not the open file")
            if self._open_left:
                raise error("size_mismatch", f"file {msg.index} ended {self._open_left} bytes short of its size")
            self._open = None
            return
        if isinstance(msg, (FileOk, FileFailed)) and not from_sender and state in (State.SENDING, State.FINISHING):
            if self._offer is None or not 0 <= msg.index < len(self._offer.files):
                raise error("bad_index", f"file {msg.index} is not in the offer")
            return
        if isinstance(msg, Done) and from_sender and state is State.SENDING:
            if self._open is not None:
                raise error("file_open", "the batch cannot be done while a file is open")
            self._check_batch(msg.batch, error)
            self.state = State.FINISHING
            return
        if isinstance(msg, Cancel) and from_sender and state in (State.OFFERED, State.SENDING):
            self._check_batch(msg.batch, error)
            self._open = None  # a cancelled file stays partial on the receiver's side: resumable
            self._open_left = 0
            self.state = State.FINISHING
            return
        if isinstance(msg, Cancel) and from_sender and state is State.READY:
            return  # crossed the receiver's Decline on the wire: nothing left to cancel
        if isinstance(msg, Summary) and not from_sender and state is State.FINISHING:
            self._check_batch(msg.batch, error)
            self.state = State.READY
            self._offer = None
            return
        who = "sender" if from_sender else "receiver"
        raise error("unexpected_message", f"a file {who} cannot send {msg.TYPE!r} in state {state.value!r}")

    def _start_group(self, msg: FileGroup, error: type) -> None:
        if FEATURE_FILE_GROUP not in self.features:
            raise error("unsupported", "the receiver did not offer file groups in its welcome")
        if self._open is not None:
            raise error("file_open", "a file is still open: end it before starting a group")
        count = len(msg.indexes)
        if not 1 <= count <= MAX_GROUP or len(msg.sha256) != count:
            raise error("bad_message", f"a file group names 1 to {MAX_GROUP} files, with one sha256 each")
        files, started = self._offer.files, self._started
        if len(set(msg.indexes)) != count:
            raise error("bad_index", "a file group names the same file twice")
        total = 0
        for index in msg.indexes:
            if not 0 <= index < len(files):
                raise error("bad_index", f"file {index} is not in the offer")
            if index in started:
                raise error("bad_index", f"file {index} was already sent, or the receiver skipped it")
            total += files[index].size
        started.update(msg.indexes)
        if total:
            self._open, self._open_left = _GROUP, total
        # else: only empty files, the group is already complete

    def _check_batch(self, batch: str, error: type) -> None:
        if self._offer is None or batch != self._offer.batch:
            raise error("bad_batch", f"batch {batch!r} is not the current offer")

    @property
    def offer(self) -> Offer | None:
        """The offer being handled (files service), with its files numbered by index."""
        return self._offer

    @property
    def resume_offsets(self) -> dict[int, int]:
        return dict(self._resume)

    @property
    def open_file(self) -> int | None:
        """Index of the file whose data frames are flowing, if any (-1 for a file group's data)."""
        return self._open


def _decode_text(line: bytes) -> str:
    text = line.decode("utf-8", "replace")
    return text[:-1] if text.endswith("\r") else text


def _depth(obj: Any, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(obj, dict):
        return max((_depth(v, level + 1) for v in obj.values()), default=level + 1)
    if isinstance(obj, list):
        return max((_depth(v, level + 1) for v in obj), default=level + 1)
    return level


def make_hello(service: str, nick: str = "", machine: str = "", room: str = "") -> Hello:
    return Hello(service=service, nick=nick, machine=machine, room=room, app=APP, protocol=PROTOCOL_VERSION)
