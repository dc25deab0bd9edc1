"""The files this computer received: newest first, filterable, with Open and Show in folder.

Fed with :class:`core.messages.FileReceived` events (``view.add(event)``) by the dashboard. Bounded:
after :data:`MAX_ROWS` files the oldest rows leave the list (never the files themselves).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.messages import FileReceived
from core.text import human_size
from gui.common.tables import ColumnsModel

MAX_ROWS = 5000


@dataclass(frozen=True)
class ReceivedRow:
    path: str
    size: int
    peer: str
    sha256: str
    when: float

    @property
    def name(self) -> str:
        return Path(self.path).name


class ReceivedModel(ColumnsModel):
    """Newest first; at most ``limit`` rows."""

    COLUMNS = ("Name", "Size", "From", "Time")

    def __init__(self, parent: Any = None, limit: int = MAX_ROWS) -> None:
        super().__init__(parent)
        self.limit = limit
        self.rows: list[ReceivedRow] = []

    def add(self, event: FileReceived, when: float | None = None) -> None:
        row = ReceivedRow(event.path, event.size, event.peer, event.sha256, time.time() if when is None else when)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, row)
        self.endInsertRows()
        if len(self.rows) > self.limit:
            self.beginRemoveRows(QModelIndex(), self.limit, len(self.rows) - 1)
            del self.rows[self.limit:]
            self.endRemoveRows()

    def items(self) -> list[Any]:
        return self.rows

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.name, human_size(row.size), row.peer, time.strftime("%H:%M:%S", time.localtime(row.when)))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.path}\nSHA-256 {row.sha256}"
        if role == Qt.ItemDataRole.UserRole:
            return row.path  # what the filter also matches: folder names count
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _Filter(QSortFilterProxyModel):
    """Every word typed must appear in the file's whole path or its sender (any case)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.words = text.casefold().split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.words = text.casefold().split()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self.words:
            return True
        row = self.sourceModel().rows[source_row]
        haystack = f"{row.path} {row.peer}".casefold()
        return all(word in haystack for word in self.words)


class ReceivedFilesView(QWidget):
    """The received files, with a filter box and Open / Show in folder (the system's own programs)."""

    #: A file was handed to the system to open (carries its path).
    opened = Signal(str)
    #: A file's folder was handed to the system to show (carries the folder).
    shown_in_folder = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, limit: int = MAX_ROWS) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name, folder or sender")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.on_filter)
        top.addWidget(self.filter, 1)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the selected file with its usual program (or double-click it)")
        self.open_button.clicked.connect(self.open_selected)
        top.addWidget(self.open_button)
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.setToolTip("Open the folder the selected file is in")
        self.folder_button.clicked.connect(self.show_selected_in_folder)
        top.addWidget(self.folder_button)
        layout.addLayout(top)

        self.model = ReceivedModel(self, limit)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.view, 1)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.empty = QLabel("Files other machines send you appear here.")
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.empty)
        self._update_buttons()

    def add(self, event: FileReceived) -> None:
        """Show a received file (newest first)."""
        self.model.add(event)
        self.empty.hide()

    def selected_path(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.data(rows[0], Qt.ItemDataRole.UserRole)

    def select_row(self, row: int) -> None:
        self.view.selectRow(row)

    def open_selected(self) -> bool:
        path = self.selected_path()
        if path is None or not self._exists(path):
            return False
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        self.opened.emit(path)
        return True

    def show_selected_in_folder(self) -> bool:
        path = self.selected_path()
        if path is None or not self._exists(path):
            return False
        folder = str(Path(path).parent)
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
        self.shown_in_folder.emit(folder)
        return True

    def _exists(self, path: str) -> bool:
        if Path(path).exists():
            self.problem.hide()
            return True
        self.problem.setText(f"“{Path(path).name}” is no longer there: it was moved or deleted.")
        self.problem.show()
        return False

    def on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.view.selectionModel().hasSelection()
        self.open_button.setEnabled(selected)
        self.folder_button.setEnabled(selected)
