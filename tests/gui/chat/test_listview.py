"""The long-conversation list view: appending measures one row, relayouts never stall, selection works."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt

from gui.chat.delegates import BubbleDelegate
from gui.chat.listview import MessageListView
from gui.chat.model import ChatEntry, ChatModel


class CountingDelegate(BubbleDelegate):
    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.measured = 0

    def sizeHint(self, option: Any, index: Any) -> Any:
        self.measured += 1
        return super().sizeHint(option, index)


def long_view(qtbot: Any, rows: int) -> tuple[MessageListView, ChatModel, CountingDelegate]:
    view = MessageListView()
    delegate = CountingDelegate(view)
    view.setItemDelegate(delegate)
    qtbot.addWidget(view)
    view.resize(640, 420)
    view.show()
    model = ChatModel()
    model.extend(ChatEntry("say", f"message {i}" + " more" * (i % 25), "ana" if i % 2 else "ben", time=i * 60.0)
                 for i in range(rows))
    view.setModel(model)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: not view.measuring, timeout=30000)
    return view, model, delegate


def test_appending_to_a_long_conversation_measures_only_the_new_row(qtbot, many_qt_calls) -> None:
    view, model, delegate = long_view(qtbot, 10_000)
    assert view.at_bottom()
    delegate.measured = 0
    model.append(ChatEntry("say", "one more", "ben"))
    assert delegate.measured == 1
    view.scrollToBottom()
    last = model.index(model.rowCount() - 1)
    assert view.visualRect(last).intersects(view.viewport().rect())


def test_a_width_change_remeasures_in_the_background_and_keeps_the_newest_in_view(qtbot, many_qt_calls) -> None:
    view, model, delegate = long_view(qtbot, 5_000)
    before = view.total_height
    view.resize(360, 420)  # narrower: bubbles wrap onto more lines
    qtbot.waitUntil(lambda: view.measuring, timeout=5000)
    qtbot.waitUntil(lambda: not view.measuring, timeout=30000)
    assert view.total_height > before
    assert view.at_bottom()
    last = model.index(model.rowCount() - 1)
    assert view.visualRect(last).bottom() <= view.viewport().height()


def test_click_selection_and_keyboard_moves(qtbot) -> None:
    view, model, _ = long_view(qtbot, 50)
    view.scrollToTop()
    rect = view.visualRect(model.index(3))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.currentIndex().row() == 3 and view.selectionModel().isSelected(model.index(3))
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(i.row() for i in view.selectionModel().selectedIndexes()) == [3, 4]
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == 49 and view.at_bottom()
    assert view.indexAt(QPoint(10, view.viewport().height() + 500)).isValid() is False
    view.selectionModel().select(model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.scrollToTop()
    assert not view.visualRegionForSelection(view.selectionModel().selection()).isEmpty()
