"""A lazy JSON tree: rows are fetched a page at a time, only when a node is expanded or scrolled to.

The model never holds the whole document. It asks a *source* for one page of a node's children and
inserts them when the answer comes: at once for :class:`LocalSource` (small bodies, parsed in this
process), later for :class:`ProcessSource` (big bodies, parsed and kept by the JSON worker process).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QTreeView

from core.rest.jsondoc import PAGE, Documents, JsonProblem, JsonReply, JsonWorker, Node, path_text
from gui.common import style

Reply = Callable[[Any, str], None]  # (value, error)

KIND_COLOURS = {"string": style.GREEN, "number": style.BLUE, "boolean": style.ORANGE, "null": style.GREY}


class LocalSource(QObject):
    """Answers at once from a :class:`Documents` in this process (for small bodies)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.docs = Documents()

    def call(self, op: str, args: tuple[Any, ...], reply: Reply) -> None:
        try:
            value = getattr(self.docs, op)(*args)
        except JsonProblem as exc:
            reply(None, str(exc))
            return
        reply(value, "")

    def close(self) -> None:
        self.docs = Documents()


class ProcessSource(QObject):
    """Answers from the JSON worker process; replies arrive through a queued signal on the GUI thread."""

    #: A reply from the worker thread (carries a JsonReply); connected to on_reply in this thread.
    replied = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[int, Reply] = {}
        self.replied.connect(self.on_reply, Qt.ConnectionType.QueuedConnection)
        self.worker = JsonWorker(self.replied.emit)

    def call(self, op: str, args: tuple[Any, ...], reply: Reply) -> None:
        request_id = self.worker.submit(op, *args)
        self._pending[request_id] = reply

    def on_reply(self, reply: JsonReply) -> None:
        callback = self._pending.pop(reply.request_id, None)
        if callback is not None:
            callback(reply.value, reply.error)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def close(self) -> None:
        self._pending.clear()
        self.worker.kill()


class _Item:
    __slots__ = ("node", "parent", "row", "path", "children", "pending")

    def __init__(self, node: Node, parent: _Item | None, row: int, path: tuple[Any, ...]) -> None:
        self.node = node
        self.parent = parent
        self.row = row
        self.path = path
        self.children: list[_Item] = []
        self.pending = False


class JsonTreeModel(QAbstractItemModel):
    """Key, value and type columns over a document held by a source."""

    #: A page request failed (carries the plain-words message).
    failed = Signal(str)
    #: Rows were added (carries the number of rows now loaded in total); tests and the status line use it.
    loaded = Signal(int)

    COLUMNS = ("Key", "Value", "Type")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source: Any = None
        self.doc_id = 0
        self._root: _Item | None = None
        self._generation = 0
        self.rows_loaded = 0
        self._mono = style.mono_font()

    # --- the document --------------------------------------------------------------------------------

    def set_document(self, source: Any, doc_id: int, root: Node) -> None:
        self.beginResetModel()
        self._generation += 1
        self.source = source
        self.doc_id = doc_id
        self.rows_loaded = 0
        if root.kind in ("object", "array"):
            self._root = _Item(root, None, 0, ())
        else:
            # A bare value: show it as a single "$" row under an invisible root.
            holder = _Item(Node("", "array", "", 1), None, 0, ())
            holder.children = [_Item(root, holder, 0, ())]
            self._root = holder
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def clear(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._root = None
        self.source = None
        self.rows_loaded = 0
        self.endResetModel()

    def path_of(self, index: QModelIndex) -> tuple[Any, ...]:
        item = self._item(index)
        return item.path if item is not None else ()

    def node_of(self, index: QModelIndex) -> Node | None:
        item = self._item(index)
        return item.node if item is not None else None

    # --- Qt model API -------------------------------------------------------------------------------

    def _item(self, index: QModelIndex) -> _Item | None:
        if not index.isValid():
            return self._root
        return index.internalPointer()

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        item = self._item(parent)
        if item is None or not 0 <= row < len(item.children) or not 0 <= column < 3:
            return QModelIndex()
        return self.createIndex(row, column, item.children[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        item: _Item = index.internalPointer()
        parent = item.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        item = self._item(parent)
        return len(item.children) if item is not None else 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 3

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:
        item = self._item(parent)
        if item is None:
            return False
        if item is self._root:
            return bool(item.children) or item.node.count > 0
        return item.node.kind in ("object", "array") and item.node.count > 0

    def canFetchMore(self, parent: QModelIndex) -> bool:
        item = self._item(parent)
        if item is None or item.pending or item.node.kind not in ("object", "array"):
            return False
        return len(item.children) < item.node.count

    def fetchMore(self, parent: QModelIndex) -> None:
        item = self._item(parent)
        if item is None or item.pending or self.source is None:
            return
        item.pending = True
        start = len(item.children)
        generation = self._generation
        persistent = QPersistentModelIndex(parent)

        def done(nodes: Any, error: str) -> None:
            if generation != self._generation:
                return  # a new document replaced this one meanwhile
            item.pending = False
            if error:
                self.failed.emit(error)
                return
            if not nodes:
                return
            where = QModelIndex(persistent) if persistent.isValid() else QModelIndex()
            if item is not self._root and not where.isValid():
                return
            first = len(item.children)
            self.beginInsertRows(where, first, first + len(nodes) - 1)
            for i, child in enumerate(nodes):
                item.children.append(_Item(child, item, first + i, (*item.path, child.step)))
            self.endInsertRows()
            self.rows_loaded += len(nodes)
            self.loaded.emit(self.rows_loaded)

        self.source.call("children", (self.doc_id, item.path, start, PAGE), done)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self._item(index)
        if item is None or not index.isValid():
            return None
        node = item.node
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return node.key if item.path else "$"
            if col == 1:
                return node.preview
            return node.kind
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and node.kind in KIND_COLOURS:
            return QColor(KIND_COLOURS[node.kind])
        if role == Qt.ItemDataRole.ForegroundRole and col == 2:
            return QColor(style.GREY)
        if role == Qt.ItemDataRole.FontRole and col in (0, 1):
            return self._mono
        if role == Qt.ItemDataRole.ToolTipRole:
            return path_text(item.path)
        return None


class JsonTreeView(QTreeView):
    """A tree that also loads the next page of a *nested* node when scrolled to its end."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)  # lets Qt lay out 100k rows without measuring each
        self.setAlternatingRowColors(True)
        self.verticalScrollBar().valueChanged.connect(self.on_scrolled)
        self.expanded.connect(self.on_scrolled)

    def on_scrolled(self, *_: object) -> None:
        """When the last loaded child of any node comes into view, ask for that node's next page."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        step = max(1, self.sizeHintForRow(0))
        y = self.viewport().rect().bottom()
        while y >= 0:
            index = self.indexAt(QPoint(1, y))
            while index.isValid():
                parent = index.parent()
                if index.row() == model.rowCount(parent) - 1 and model.canFetchMore(parent):
                    model.fetchMore(parent)
                    return
                index = parent
            y -= step
