"""The left side of the window: the history of requests sent, and the open collection folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.rest.files import HistoryEntry, Item

from gui.common import style
from gui.rest.editor import METHOD_COLOURS


def _ago(when: float) -> str:
    seconds = max(0, time.time() - when)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return time.strftime("%d %b", time.localtime(when))


class HistoryModel(QAbstractListModel):
    """History entries (newest first), filtered by the search words."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[HistoryEntry] = []
        self._shown: list[HistoryEntry] = []
        self._filter = ""

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._all = list(entries)
        self._shown = [e for e in self._all if e.matches(self._filter)]
        self.endResetModel()

    def add(self, entry: HistoryEntry) -> None:
        self._all.insert(0, entry)
        if entry.matches(self._filter):
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._shown.insert(0, entry)
            self.endInsertRows()

    def set_filter(self, text: str) -> None:
        self._filter = text
        self.set_entries(self._all)

    def entry(self, row: int) -> HistoryEntry:
        return self._shown[row]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            url = entry.request.full_url().replace("{{base_url}}", "")
            return f"{entry.request.method:<7} {entry.summary()}\n{url or '/'}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(style.status_colour(entry.status)) if entry.status else QColor(style.RED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{entry.request.method} {entry.request.full_url()}\n{entry.summary()} · "
                    f"{_ago(entry.time)} · {entry.environment or 'no environment'}\nDouble-click to open it again.")
        return None


class HistoryPanel(QWidget):
    #: Open this request in the editor (carries the Request).
    restore = Signal(object)
    #: The person asked to clear the history.
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search history (method, address, status)")
        self.search.setClearButtonEnabled(True)
        self.model = HistoryModel(self)
        self.search.textChanged.connect(self.model.set_filter)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setFont(style.mono_font())
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.activated.connect(lambda index: self.restore.emit(self.model.entry(index.row()).request))
        self.list.doubleClicked.connect(lambda index: self.restore.emit(self.model.entry(index.row()).request))
        clear = QPushButton("Clear history")
        clear.clicked.connect(self.clear_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(clear, 0, Qt.AlignmentFlag.AlignRight)


class CollectionPanel(QWidget):
    """The requests saved in the chosen folder, grouped by sub-folder."""

    #: Open this request (carries the Request and the file's Path).
    open_request = Signal(object, object)
    #: Buttons: save the current request / choose another folder / delete a file (carries the Path).
    save_requested = Signal()
    choose_folder = Signal()
    delete_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setStyleSheet(f"color: {style.GREY};")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.itemActivated.connect(self.on_activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.on_menu)
        save = QPushButton("Save request")
        save.setToolTip("Save the request in this folder, one file per request (Ctrl+S)")
        save.clicked.connect(self.save_requested)
        choose = QPushButton("Folder…")
        choose.setToolTip("Choose the folder of this collection (for example a folder kept in git)")
        choose.clicked.connect(self.choose_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.items: list[Item] = []

    def set_items(self, folder: Path, items: list[Item]) -> None:
        self.items = items
        self.folder_label.setText(f"Folder: {folder}")
        self.folder_label.setToolTip(str(folder))
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for item in items:
            parent: Any = self.tree
            if item.group:
                if item.group not in groups:
                    node = QTreeWidgetItem(self.tree, [item.group])
                    node.setExpanded(True)
                    groups[item.group] = node
                parent = groups[item.group]
            if item.request is not None:
                row = QTreeWidgetItem(parent, [f"{item.request.method:<6} {item.name}"])
                row.setForeground(0, QColor(METHOD_COLOURS.get(item.request.method, style.GREY)))
                row.setToolTip(0, f"{item.request.method} {item.request.full_url()}\n{item.path}")
            else:
                row = QTreeWidgetItem(parent, [f"⚠ {item.path.name}"])
                row.setForeground(0, QColor(style.ORANGE))
                row.setToolTip(0, item.error)
            row.setFont(0, style.mono_font())
            row.setData(0, Qt.ItemDataRole.UserRole, item)
        for node in groups.values():
            node.setExpanded(True)
        if not items:
            empty = QTreeWidgetItem(self.tree, ["No saved requests yet: Save request adds one."])
            empty.setForeground(0, QColor(style.GREY))

    def on_activated(self, row: QTreeWidgetItem) -> None:
        item = row.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(item, Item) and item.request is not None:
            self.open_request.emit(item.request, item.path)

    def on_menu(self, pos: Any) -> None:
        row = self.tree.itemAt(pos)
        item = row.data(0, Qt.ItemDataRole.UserRole) if row is not None else None
        if not isinstance(item, Item):
            return
        menu = QMenu(self)
        open_action = menu.addAction("Open")
        delete_action = menu.addAction("Delete file")
        chosen = menu.exec(self.tree.viewport().mapToGlobal(pos))
        if chosen is open_action and item.request is not None:
            self.open_request.emit(item.request, item.path)
        elif chosen is delete_action:
            self.delete_requested.emit(item.path)



