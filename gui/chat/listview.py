"""A list view for long conversations whose rows differ in height: appending a row costs one measurement.

``QListView`` lays out every row again whenever one is added (10,000 ``sizeHint`` calls per new chat
message once a room is long). This view keeps each row's height and top, measures only the rows that
were added or changed, and paints only the rows in sight. When every row must be measured again (a new
model, another width), the rows in sight are measured at once and the others keep an estimate until
they are measured in small batches between events, so the GUI never stalls on a long history.
Selection, keyboard moves and delegates are Qt's own.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QPainter, QRegion
from PySide6.QtWidgets import QAbstractItemView, QFrame, QStyle, QStyleOptionViewItem


#: Seconds of measuring per idle step after a relayout (then the event loop runs), and the height
#: assumed for a row not measured yet.
STEP_SECONDS = 0.025
ESTIMATE = 44


class MessageListView(QAbstractItemView):
    """One column of variable-height rows, newest usually at the bottom."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._heights: list[int] = []
        self._tops: list[int] = []
        self._fresh: list[bool] = []  # measured at the current width
        self._cursor = -1  # the idle measuring walks up from here
        self._width = -1
        self._stick_after_relayout = False
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.verticalScrollBar().setSingleStep(24)
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(40)
        self._relayout_timer.timeout.connect(self._on_width_settled)
        self._idle = QTimer(self)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._measure_some)

    # --- bookkeeping ------------------------------------------------------------------------------

    def _option(self) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = QRect(0, 0, self.viewport().width(), 0)
        return option

    def _measure(self, first: int, last: int) -> list[int]:
        model, delegate, option, root = self.model(), self.itemDelegate(), self._option(), self.rootIndex()
        return [max(1, delegate.sizeHint(option, model.index(row, 0, root)).height()) for row in range(first, last + 1)]

    def _retop(self, start: int) -> None:
        """Recompute the tops from row ``start`` on (appending touches only the new rows)."""
        del self._tops[start:]
        y = self._tops[-1] + self._heights[start - 1] if start > 0 else 0
        tops = self._tops
        for height in self._heights[start:]:
            tops.append(y)
            y += height

    def relayout(self) -> None:
        """Measure every row again (the width, the font or how rows are drawn changed).

        The rows in sight are measured now; the others keep their old height (or an estimate) until the
        idle measuring gets to them.
        """
        model = self.model()
        count = model.rowCount(self.rootIndex()) if model is not None else 0
        self._width = self.viewport().width()
        # the same rows at another width: their old heights are the best estimate
        self._heights = list(self._heights) if len(self._heights) == count else [ESTIMATE] * count
        self._fresh = [False] * count
        self._tops = []
        self._retop(0)
        self.updateGeometries()
        self._measure_visible()
        self._cursor = count - 1
        if count:
            self._idle.start()
        self.viewport().update()

    def _visible_rows(self) -> range:
        if not self._heights:
            return range(0)
        offset = self.verticalOffset()
        first = self.row_at_y(offset)
        last = self.row_at_y(offset + self.viewport().height())
        return range(first, last + 1)

    def _measure_visible(self) -> None:
        """Measure the rows in sight (twice at most: measuring may bring other rows into sight)."""
        for _ in range(2):
            rows = [r for r in self._visible_rows() if not self._fresh[r]]
            if not rows:
                return
            self._update_rows(rows)

    def _update_rows(self, rows: list[int]) -> None:
        lo, hi = min(rows), max(rows)
        heights = self._measure(lo, hi)
        self._apply({row: heights[row - lo] for row in rows})

    def _measure_some(self) -> None:
        """One idle step: measure rows not measured yet, from the newest up, for :data:`STEP_SECONDS`."""
        deadline = time.perf_counter() + STEP_SECONDS
        model, delegate, option, root = self.model(), self.itemDelegate(), self._option(), self.rootIndex()
        done: dict[int, int] = {}
        row = min(self._cursor, len(self._fresh) - 1)
        while row >= 0 and time.perf_counter() < deadline:
            if not self._fresh[row]:
                done[row] = max(1, delegate.sizeHint(option, model.index(row, 0, root)).height())
            row -= 1
        self._cursor = row
        if done:
            self._apply(done)
            self.viewport().update()
        if row < 0:
            self._idle.stop()

    def _apply(self, heights: dict[int, int]) -> None:
        """Take measured heights and keep what the person is looking at in place."""
        stick = self.at_bottom()
        offset = self.verticalOffset()
        anchor = self.row_at_y(offset)
        delta = offset - self._tops[anchor] if anchor >= 0 else 0
        for row, height in heights.items():
            self._heights[row] = height
            self._fresh[row] = True
        self._retop(min(heights))
        self.updateGeometries()
        if stick:
            self.scrollToBottom()
        elif anchor >= 0:
            self.verticalScrollBar().setValue(self._tops[anchor] + delta)

    @property
    def measuring(self) -> bool:
        """Some rows still carry an estimated height."""
        return self._idle.isActive()

    @property
    def total_height(self) -> int:
        return self._tops[-1] + self._heights[-1] if self._heights else 0

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 8

    # --- model changes ----------------------------------------------------------------------------

    def setModel(self, model: Any) -> None:
        old = self.model()
        if old is not None:
            try:
                old.layoutChanged.disconnect(self.relayout)
            except (RuntimeError, TypeError):
                pass
        super().setModel(model)
        if model is not None:
            model.layoutChanged.connect(self.relayout)
        self.relayout()

    def rowsInserted(self, parent: QModelIndex, start: int, end: int) -> None:
        super().rowsInserted(parent, start, end)
        if parent.isValid():
            return
        self._heights[start:start] = self._measure(start, end)
        self._fresh[start:start] = [True] * (end - start + 1)
        if self._cursor >= start:
            self._cursor += end - start + 1
        self._retop(start)
        self.updateGeometries()
        self.viewport().update()

    def rowsAboutToBeRemoved(self, parent: QModelIndex, start: int, end: int) -> None:
        super().rowsAboutToBeRemoved(parent, start, end)
        if parent.isValid():
            return
        del self._heights[start:end + 1]
        del self._fresh[start:end + 1]
        if self._cursor >= start:
            self._cursor = max(start - 1, self._cursor - (end - start + 1))
        self._retop(start)
        self.updateGeometries()
        self.viewport().update()

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()) -> None:
        super().dataChanged(top_left, bottom_right, roles)
        first, last = top_left.row(), bottom_right.row()
        if first < 0 or last >= len(self._heights):
            return
        heights = self._measure(first, last)
        self._fresh[first:last + 1] = [True] * len(heights)
        if heights != self._heights[first:last + 1]:
            self._heights[first:last + 1] = heights
            self._retop(first)
            self.updateGeometries()
        self.viewport().update()

    def reset(self) -> None:
        super().reset()
        self.relayout()

    # --- geometry ---------------------------------------------------------------------------------

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setPageStep(max(1, page))
        bar.setRange(0, max(0, self.total_height - page))
        super().updateGeometries()

    def resizeEvent(self, event: Any) -> None:
        stick = self.at_bottom()
        super().resizeEvent(event)
        if self.viewport().width() != self._width:
            self._stick_after_relayout = stick
            self._relayout_timer.start()
        self.updateGeometries()
        if stick:
            self.scrollToBottom()

    def _on_width_settled(self) -> None:
        self.relayout()
        if self._stick_after_relayout:
            self.scrollToBottom()

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def horizontalOffset(self) -> int:
        return 0

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def row_at_y(self, y: int) -> int:
        """The row at content height ``y`` (clamped to the rows there are), or -1 when there are none."""
        if not self._tops:
            return -1
        return max(0, min(len(self._tops) - 1, bisect_right(self._tops, y) - 1))

    def visualRect(self, index: QModelIndex) -> QRect:
        row = index.row() if index.isValid() else -1
        if not 0 <= row < len(self._heights):
            return QRect()
        return QRect(0, self._tops[row] - self.verticalOffset(), self.viewport().width(), self._heights[row])

    def indexAt(self, point: QPoint) -> QModelIndex:
        y = point.y() + self.verticalOffset()
        row = self.row_at_y(y)
        if row < 0 or not self._tops[row] <= y < self._tops[row] + self._heights[row]:
            return QModelIndex()
        return self.model().index(row, 0, self.rootIndex())

    def scrollTo(self, index: QModelIndex, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        row = index.row() if index.isValid() else -1
        if not 0 <= row < len(self._heights):
            return
        bar, page = self.verticalScrollBar(), self.viewport().height()
        top, bottom = self._tops[row], self._tops[row] + self._heights[row]
        Hint = QAbstractItemView.ScrollHint
        if hint == Hint.PositionAtTop:
            bar.setValue(top)
        elif hint == Hint.PositionAtBottom:
            bar.setValue(bottom - page)
        elif hint == Hint.PositionAtCenter:
            bar.setValue((top + bottom - page) // 2)
        elif top < bar.value():
            bar.setValue(top)
        elif bottom > bar.value() + page:
            bar.setValue(bottom - page)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Any) -> QModelIndex:
        count = len(self._heights)
        if not count:
            return QModelIndex()
        current = self.currentIndex().row() if self.currentIndex().isValid() else count - 1
        Move = QAbstractItemView.CursorAction
        page = self.viewport().height()
        if action in (Move.MoveUp, Move.MovePrevious):
            row = current - 1
        elif action in (Move.MoveDown, Move.MoveNext):
            row = current + 1
        elif action == Move.MovePageUp:
            row = self.row_at_y(self._tops[current] - page)
        elif action == Move.MovePageDown:
            row = self.row_at_y(self._tops[current] + page)
        elif action == Move.MoveHome:
            row = 0
        elif action == Move.MoveEnd:
            row = count - 1
        else:
            row = current
        return self.model().index(max(0, min(count - 1, row)), 0, self.rootIndex())

    def isIndexHidden(self, index: QModelIndex) -> bool:
        return False

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        if not self._heights:
            return
        offset = self.verticalOffset()
        first = self.row_at_y(min(rect.top(), rect.bottom()) + offset)
        last = self.row_at_y(max(rect.top(), rect.bottom()) + offset)
        model, root = self.model(), self.rootIndex()
        self.selectionModel().select(QItemSelection(model.index(first, 0, root), model.index(last, 0, root)), command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        for selected in selection:
            top = self.visualRect(self.model().index(selected.top(), 0, self.rootIndex()))
            bottom = self.visualRect(self.model().index(selected.bottom(), 0, self.rootIndex()))
            region += top.united(bottom)
        return region

    # --- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:
        if not self._heights:
            return
        painter = QPainter(self.viewport())
        offset, page, width = self.verticalOffset(), self.viewport().height(), self.viewport().width()
        model, root, delegate = self.model(), self.rootIndex(), self.itemDelegate()
        selection = self.selectionModel()
        option = self._option()
        base_state = option.state
        row = self.row_at_y(offset)
        while row < len(self._heights) and self._tops[row] - offset < page:
            index = model.index(row, 0, root)
            option.rect = QRect(0, self._tops[row] - offset, width, self._heights[row])
            option.state = base_state
            if selection is not None and selection.isSelected(index):
                option.state |= QStyle.StateFlag.State_Selected
            delegate.paint(painter, option, index)
            row += 1
        painter.end()
