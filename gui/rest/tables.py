"""Editable name/value tables (query, headers, form, multipart) with an on/off box per row."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.rest.model import Pair, Part


class PairTable(QWidget):
    """Rows of (on, name, value). An empty row at the end is always there to type into."""

    #: The rows changed because the person edited them (not when set_pairs is called).
    edited = Signal()

    def __init__(self, name_title: str = "Name", value_title: str = "Value", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["", name_title, value_title])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 170)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.itemChanged.connect(self.on_item_changed)
        self.remove_button = QPushButton("Remove row")
        self.remove_button.clicked.connect(self.on_remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self._updating = False
        self._append_empty()

    def _make_row(self, row: int, pair: Pair) -> None:
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        check.setCheckState(Qt.CheckState.Checked if pair.enabled else Qt.CheckState.Unchecked)
        check.setToolTip("Send this row (untick to keep it without sending it)")
        self.table.setItem(row, 0, check)
        self.table.setItem(row, 1, QTableWidgetItem(pair.name))
        self.table.setItem(row, 2, QTableWidgetItem(pair.value))

    def _append_empty(self) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._make_row(row, Pair("", "", True))

    def set_pairs(self, pairs: tuple[Pair, ...] | list[Pair]) -> None:
        self._updating = True
        try:
            self.table.setRowCount(0)
            for pair in pairs:
                row = self.table.rowCount()
                self.table.insertRow(row)
                self._make_row(row, pair)
            self._append_empty()
        finally:
            self._updating = False

    def pairs(self) -> tuple[Pair, ...]:
        out = []
        for row in range(self.table.rowCount()):
            name = self.table.item(row, 1).text() if self.table.item(row, 1) else ""
            value = self.table.item(row, 2).text() if self.table.item(row, 2) else ""
            if not name and not value:
                continue
            enabled = self.table.item(row, 0).checkState() == Qt.CheckState.Checked
            out.append(Pair(name, value, enabled))
        return tuple(out)

    def enabled_count(self) -> int:
        return sum(1 for p in self.pairs() if p.enabled and p.name)

    def on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._updating:
            return
        last = self.table.rowCount() - 1
        if item.row() == last and item.column() > 0 and item.text():
            self._updating = True
            try:
                self._append_empty()
            finally:
                self._updating = False
        self.edited.emit()

    def on_remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        self._updating = True
        try:
            for row in rows:
                self.table.removeRow(row)
            if self.table.rowCount() == 0 or self.table.item(self.table.rowCount() - 1, 1).text():
                self._append_empty()
        finally:
            self._updating = False
        self.edited.emit()


class PartTable(QWidget):
    """Multipart fields: text fields and files (the value of a file row is its path)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["", "Field", "Value or file", "Kind"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 140)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(lambda *_: None if self._updating else self.edited.emit())
        add_text = QPushButton("Add text field")
        add_text.clicked.connect(lambda: self.add(Part("field")))
        add_file = QPushButton("Add file…")
        add_file.clicked.connect(self.on_add_file)
        remove = QPushButton("Remove row")
        remove.clicked.connect(self.on_remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(add_text)
        buttons.addWidget(add_file)
        buttons.addStretch(1)
        buttons.addWidget(remove)
        layout.addLayout(buttons)
        self._updating = False
        self._parts: list[Part] = []

    def add(self, part: Part) -> None:
        self._updating = True
        try:
            row = self.table.rowCount()
            self.table.insertRow(row)
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if part.enabled else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, check)
            self.table.setItem(row, 1, QTableWidgetItem(part.name))
            self.table.setItem(row, 2, QTableWidgetItem(part.value))
            kind = QTableWidgetItem("file" if part.is_file else "text")
            kind.setFlags(Qt.ItemFlag.ItemIsEnabled)
            kind.setData(Qt.ItemDataRole.UserRole, part.content_type)
            self.table.setItem(row, 3, kind)
        finally:
            self._updating = False
        self.edited.emit()

    def on_add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a file to send")
        if path:
            import os

            self.add(Part(os.path.splitext(os.path.basename(path))[0] or "file", path, True))

    def on_remove(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
        self.edited.emit()

    def set_parts(self, parts: tuple[Part, ...]) -> None:
        self._updating = True
        try:
            self.table.setRowCount(0)
        finally:
            self._updating = False
        for part in parts:
            self.add(part)

    def parts(self) -> tuple[Part, ...]:
        out = []
        for row in range(self.table.rowCount()):
            name = self.table.item(row, 1).text()
            value = self.table.item(row, 2).text()
            kind = self.table.item(row, 3)
            out.append(Part(name, value, kind.text() == "file", kind.data(Qt.ItemDataRole.UserRole) or "",
                            self.table.item(row, 0).checkState() == Qt.CheckState.Checked))
        return tuple(out)
