"""Bounded, filterable activity logs for the dashboard (model/view: thousands of rows stay cheap)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor

from core.messages import ChatActivity, ClientConnected, ClientDisconnected
from core.text import human_size
from gui.common.style import status_colour

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], str]
    colour: Callable[[Any], str | None] | None = None
    align_right: bool = False
    sample: str = ""  # a typical value, to size the column once


def clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts))


class EventLogModel(QAbstractTableModel):
    """The newest ``limit`` events of some kinds, newest first, shown through ``columns``."""

    #: How often queued rows (:meth:`queue`) reach the view: a person cannot read 40 updates a second, and
    #: each update repaints the visible rows, which a busy lab's logs would otherwise do on every tick.
    FLUSH_MS = 200

    def __init__(self, columns: Sequence[Column], limit: int = 5000, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.limit = limit
        self._rows: deque[Any] = deque()
        self._pending: list[Any] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(self.FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_later)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def add(self, event: Any) -> None:
        """Insert at the top; drop the oldest beyond ``limit`` (so a busy lab cannot fill the memory)."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.appendleft(event)
        self.endInsertRows()
        if len(self._rows) > self.limit:
            last = len(self._rows) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            self._rows.pop()
            self.endRemoveRows()

    def queue(self, events: list[Any]) -> None:
        """Add rows at most every ``FLUSH_MS`` (the first right away), in one model update each time."""
        if not events:
            return
        self._pending.extend(events)
        if not self._flush_timer.isActive():
            self.flush()
            self._flush_timer.start()  # rows arriving meanwhile wait for it

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        self.add_many(pending)

    def _flush_later(self) -> None:
        if self._pending:
            self.flush()
            self._flush_timer.start()

    def add_many(self, events: list[Any]) -> None:
        """Insert a batch (newest last in ``events``) with one model update, then trim to ``limit``."""
        if not events:
            return
        events = events[-self.limit:]
        self.beginInsertRows(QModelIndex(), 0, len(events) - 1)
        self._rows.extendleft(events)
        self.endInsertRows()
        extra = len(self._rows) - self.limit
        if extra > 0:
            self.beginRemoveRows(QModelIndex(), self.limit, len(self._rows) - 1)
            for _ in range(extra):
                self._rows.pop()
            self.endRemoveRows()

    def clear(self) -> None:
        self._pending.clear()
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)


class FilterProxy(QSortFilterProxyModel):
    """Case-insensitive "contains" over every column."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


WORKER_WORDS = {"chat": "Chat", "echo": "Echo", "files": "Files", "api": "REST API"}


@dataclass(frozen=True)
class ConnectionRow:
    """A connect or disconnect, with the time the app saw it (the events carry none)."""

    time: float
    event: ClientConnected | ClientDisconnected
    label: str  # who it was (for a disconnect: the label its connect had)


def connections_model(parent: Any = None) -> EventLogModel:
    def what(row: ConnectionRow) -> str:
        if isinstance(row.event, ClientConnected):
            return "connected"
        reason = row.event.reason
        return f"left ({reason})" if reason and reason != "closed" else "left"

    return EventLogModel([
        Column("Time", lambda r: clock(r.time), sample="00:00:00"),
        Column("Server", lambda r: WORKER_WORDS.get(r.event.worker, r.event.worker), sample="REST API"),
        Column("Who", lambda r: r.label or "—", sample="someone / lab-pc-07"),
        Column("Address", lambda r: r.event.peer, sample="192.168.100.100:55555"),
        Column("What", what, lambda r: "#2e9d4f" if isinstance(r.event, ClientConnected) else None),
    ], parent=parent)


def chat_model(parent: Any = None) -> EventLogModel:
    def text(e: ChatActivity) -> str:
        if e.kind == "me":
            return f"* {e.nick} {e.text}"
        return e.text

    return EventLogModel([
        Column("Time", lambda e: clock(e.time), sample="00:00:00"),
        Column("Room", lambda e: e.room, sample="lobby-lab"),
        Column("Who", lambda e: e.nick if e.kind in ("say", "me") else "", sample="someone-long"),
        Column("Message", text, lambda e: None if e.kind in ("say", "me") else "#8a8f98"),
    ], parent=parent)


def api_model(parent: Any = None) -> EventLogModel:
    return EventLogModel([
        Column("Time", lambda e: clock(e.time), sample="00:00:00"),
        Column("Method", lambda e: e.method, sample="OPTIONS"),
        Column("Path", lambda e: e.path, sample="/people/v1/users?name=John"),
        Column("Status", lambda e: str(e.status), lambda e: status_colour(e.status), align_right=True, sample="Status"),
        Column("Took", lambda e: f"{e.millis:.0f} ms" if e.millis >= 1 else f"{e.millis:.1f} ms", align_right=True,
               sample="1000 ms"),
        Column("Size", lambda e: human_size(e.size), align_right=True, sample="1000 bytes"),
        Column("From", lambda e: e.client),
    ], parent=parent)


