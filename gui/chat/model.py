"""List models behind the chat and raw views: bounded, appended in place, cheap for tens of thousands of rows.

The views are plain ``QListView``s with painting delegates (:mod:`gui.chat.delegates`); no widget per
row and no rich-text document that grows forever.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from core.raw_client import Chunk
from core.text_codec import escape, split_lines, to_hex

#: The item itself (a :class:`ChatEntry` or :class:`TranscriptEntry`), for the delegates.
EntryRole = Qt.ItemDataRole.UserRole + 1

#: Chat rows kept per room; older ones are dropped in batches of :data:`TRIM_BATCH`.
HISTORY_LIMIT = 20_000
TRIM_BATCH = 1_000

#: How long consecutive messages from one person are drawn as one group (no repeated name).
GROUP_SECONDS = 5 * 60

Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class ChatEntry:
    """One row of a room.

    ``kind``: "say", "me" (messages), "join", "leave", "nick", "notice" (server or local), "error",
    "marker" (the unread line), "info" (connection news). ``status`` (own messages only): "queued",
    "sending", "sent" or "delivered".
    """

    kind: str
    text: str
    nick: str = ""
    time: float = field(default_factory=time.time)
    own: bool = False
    status: str = ""
    local_id: int | None = None
    history: bool = False
    size_cache: tuple[int, int, int] | None = None  # (width, grouped, height) for the delegate

    @property
    def is_message(self) -> bool:
        return self.kind in ("say", "me")

    def copy_text(self) -> str:
        stamp = time.strftime("%H:%M", time.localtime(self.time))
        if self.kind == "say":
            return f"[{stamp}] {self.nick}: {self.text}"
        if self.kind == "me":
            return f"[{stamp}] * {self.nick} {self.text}"
        return f"[{stamp}] -- {self.text}"


class ChatModel(QAbstractListModel):
    """The rows of one room, oldest first, at most ``limit`` (plus one trim batch)."""

    def __init__(self, limit: int = HISTORY_LIMIT, parent: Any = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.rows: list[ChatEntry] = []
        self._seen: set[tuple[str, float, str]] = set()  # (nick, server time, text) of shown messages

    # --- Qt model API -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        entry = self.rows[index.row()]
        if role == EntryRole:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.text
        if role == Qt.ItemDataRole.ToolTipRole:
            when = time.strftime("%A %d %B %Y, %H:%M:%S", time.localtime(entry.time))
            extra = {
                "queued": " — waiting: you are offline; it is sent as soon as the connection is back",
                "sending": " — sending…",
                "sent": " — sent, waiting for the server to relay it",
                "delivered": " — delivered to the room",
            }.get(entry.status, "")
            return when + extra
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled
        if self.rows[index.row()].kind != "marker":
            flags |= Qt.ItemFlag.ItemIsSelectable
        return flags

    # --- changes ----------------------------------------------------------------------------------

    def append(self, entry: ChatEntry) -> None:
        self.extend([entry])

    def extend(self, entries: Iterable[ChatEntry]) -> None:
        new = list(entries)
        if not new:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self.rows.extend(new)
        for entry in new:
            if entry.is_message and not entry.own:
                self._seen.add((entry.nick, entry.time, entry.text))
        self.endInsertRows()
        if len(self.rows) > self.limit + TRIM_BATCH:
            self._trim(len(self.rows) - self.limit)

    def _trim(self, count: int) -> None:
        self.beginRemoveRows(QModelIndex(), 0, count - 1)
        dropped = self.rows[:count]
        del self.rows[:count]
        self.endRemoveRows()
        for entry in dropped:
            self._seen.discard((entry.nick, entry.time, entry.text))
        if self.rows:
            self.rows[0].size_cache = None  # its group header may appear now
            self.dataChanged.emit(self.index(0), self.index(0))

    def seen(self, nick: str, when: float, text: str) -> bool:
        """A message with this sender, server time and text is already shown (history replay after a reconnect)."""
        return (nick, when, text) in self._seen

    def remember(self, entry: ChatEntry) -> None:
        self._seen.add((entry.nick, entry.time, entry.text))

    def row_of_local(self, local_id: int) -> int | None:
        for row in range(len(self.rows) - 1, -1, -1):
            if self.rows[row].local_id == local_id:
                return row
        return None

    def changed(self, row: int) -> None:
        self.rows[row].size_cache = None
        self.dataChanged.emit(self.index(row), self.index(row))

    def clear(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self._seen.clear()
        self.endResetModel()

    # --- unread marker ----------------------------------------------------------------------------

    def marker_row(self) -> int | None:
        for row in range(len(self.rows) - 1, -1, -1):
            if self.rows[row].kind == "marker":
                return row
        return None

    def move_marker_to_end(self) -> None:
        """Put the "new messages" line after everything shown so far (there is only ever one)."""
        old = self.marker_row()
        if old is not None:
            if old == len(self.rows) - 1:
                return
            self.beginRemoveRows(QModelIndex(), old, old)
            del self.rows[old]
            self.endRemoveRows()
            if old < len(self.rows):
                self.changed(old)  # the row after the old marker may join its group again
        self.append(ChatEntry("marker", "New messages"))

    def remove_marker(self) -> None:
        old = self.marker_row()
        if old is not None:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self.rows[old]
            self.endRemoveRows()
            if old < len(self.rows):
                self.changed(old)


def grouped_with_previous(rows: list[ChatEntry], row: int) -> bool:
    """Row ``row`` continues the previous row's group: same person, both messages, close in time."""
    if row <= 0 or row >= len(rows):
        return False
    entry, prev = rows[row], rows[row - 1]
    return (entry.kind == "say" and prev.kind == "say" and entry.nick == prev.nick
            and entry.own == prev.own and abs(entry.time - prev.time) < GROUP_SECONDS)


# --- raw mode -------------------------------------------------------------------------------------


@dataclass(eq=False)
class TranscriptEntry:
    """One row of the raw transcript: ``kind`` "in", "out" or "info".

    In the chunks view an "in" row is exactly one ``recv()``; in the lines view it is one line put
    together from however many reads it took (``reads``).
    """

    kind: str
    data: bytes = b""
    time: float = field(default_factory=time.time)
    seq: int = 0
    calls: int = 1
    reads: int = 1
    text: str = ""  # for "info"
    size_cache: tuple[int, str, str, int] | None = None

    @property
    def size(self) -> int:
        return len(self.data)


class TranscriptModel(QAbstractListModel):
    """Raw transcript rows. ``lines=False``: one row per chunk; ``lines=True``: received bytes joined
    into lines (as a terminal running nc shows them)."""

    def __init__(self, *, lines: bool, limit: int = HISTORY_LIMIT, parent: Any = None) -> None:
        super().__init__(parent)
        self.lines = lines
        self.limit = limit
        self.rows: list[TranscriptEntry] = []
        self.encoding = "utf-8"
        self._open_line: TranscriptEntry | None = None  # lines mode: the "in" row still growing

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        entry = self.rows[index.row()]
        if role == EntryRole:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.text if entry.kind == "info" else escape(entry.data, self.encoding)
        return None

    def set_encoding(self, encoding: str) -> None:
        self.encoding = encoding
        for entry in self.rows:
            entry.size_cache = None
        self.layoutChanged.emit()

    def add_chunk(self, chunk: Chunk) -> None:
        if not self.lines or chunk.direction == "out":
            self._open_line = None
            self._append(TranscriptEntry(chunk.direction, chunk.data, chunk.time, chunk.seq, chunk.calls))
            return
        data = chunk.data
        if self._open_line is not None:
            row = len(self.rows) - 1
            line = self._open_line
            take = data[:data.index(b"\n") + 1] if b"\n" in data else data
            line.data += take
            line.reads += 1
            line.size_cache = None
            data = data[len(take):]
            self.dataChanged.emit(self.index(row), self.index(row))
            if line.data.endswith(b"\n"):
                self._open_line = None
        if data:
            done, rest = split_lines(data)
            for part in done:
                self._append(TranscriptEntry("in", part, chunk.time, chunk.seq))
            if rest:
                self._open_line = TranscriptEntry("in", rest, chunk.time, chunk.seq)
                self._append(self._open_line)

    def add_info(self, text: str) -> None:
        self._open_line = None
        self._append(TranscriptEntry("info", text=text))

    def _append(self, entry: TranscriptEntry) -> None:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(entry)
        self.endInsertRows()
        if len(self.rows) > self.limit + TRIM_BATCH:
            count = len(self.rows) - self.limit
            self.beginRemoveRows(QModelIndex(), 0, count - 1)
            del self.rows[:count]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self._open_line = None
        self.endResetModel()

    def hex_of(self, rows: Iterable[int]) -> str:
        """The bytes of these rows as hex, one row a line (info rows left out)."""
        return "\n".join(to_hex(self.rows[r].data) for r in rows if self.rows[r].kind != "info")
