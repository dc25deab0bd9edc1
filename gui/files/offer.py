"""The question the file receiver asks its person: someone wants to send you these files. Accept?

The dashboard shows an :class:`OfferDialog` when the bridge emits a :class:`core.messages.FileOffer`,
sends the dialog's :class:`core.messages.OfferAnswer` to the worker with ``bridge.send``, and, for
"Always accept from this machine", calls :func:`remember_sender` so the choice outlives a restart.

The safe answer is the default: closing the dialog, pressing Esc or letting the time run out declines.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.messages import FileOffer, OfferAnswer
from core.text import human_duration, human_size
from gui.common.tables import ColumnsModel

#: How long the receiver waits for an answer (core.config.FileConfig.answer_timeout's default).
ANSWER_SECONDS = 300.0


def remember_sender(context: Any, offer: FileOffer) -> bool:
    """Add the offer's machine to the settings' ``trusted_senders``; False when the sender gave no name."""
    machine = offer.machine
    if not machine:
        return False
    trusted = tuple(context.settings.trusted_senders)
    if machine not in trusted:
        context.update_settings(trusted_senders=(*trusted, machine))
    return True


class OfferedFilesModel(ColumnsModel):
    """The offered files (up to 65,536 of them: a model, not a widget per row)."""

    COLUMNS = ("Name", "Size")

    def __init__(self, offer: FileOffer, parent: Any = None) -> None:
        super().__init__(parent)
        self.files = offer.files

    def items(self) -> list[Any]:
        return self.files

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f = self.files[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f.path if index.column() == 0 else human_size(f.size)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f.path
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class OfferDialog(QDialog):
    """Non-modal: several offers can wait at once. ``answered`` is emitted exactly once."""

    #: The person's answer, a :class:`core.messages.OfferAnswer` (Decline when closed, Esc or out of time).
    answered = Signal(object)

    def __init__(self, offer: FileOffer, parent: QWidget | None = None, *,
                 timeout: float | None = ANSWER_SECONDS) -> None:
        super().__init__(parent)
        self.offer = offer
        self.answer: OfferAnswer | None = None
        self._deadline = time.monotonic() + timeout if timeout else None
        count = len(offer.files)
        files_words = f"{count} file{'s' if count != 1 else ''}"
        self.setWindowTitle(f"Files from {offer.sender} — Wirelab")
        self.setMinimumWidth(560)
        self.resize(620, 480)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.headline = QLabel(f"{offer.sender} wants to send you {files_words} ({human_size(offer.total_bytes)}).")
        font = QFont(self.headline.font())
        font.setPointSizeF(max(9.0, font.pointSizeF()) * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.from_label = QLabel(f"From <b>{_html(offer.sender)}</b>, at the network address {_html(offer.peer)}.")
        self.from_label.setWordWrap(True)
        self.from_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.from_label)

        self.files_model = OfferedFilesModel(offer, self)
        self.files_view = QTableView()
        self.files_view.setModel(self.files_model)
        self.files_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.files_view.setShowGrid(False)
        self.files_view.setWordWrap(False)
        self.files_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files_view.verticalHeader().hide()
        self.files_view.verticalHeader().setDefaultSectionSize(22)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.files_view, 1)
        self.total = QLabel(f"Total: {files_words}, {human_size(offer.total_bytes)}")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.total)

        self.destination = QLabel(
            f"They will be saved in <b>{_html(offer.destination)}</b>. Nothing there is overwritten: a file with "
            "a name that is already taken gets a number, like “report (1).pdf”.")
        self.destination.setWordWrap(True)
        self.destination.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.destination)
        self.countdown = QLabel()
        self.countdown.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.countdown)

        buttons = QHBoxLayout()
        self.always_button = QPushButton(f"Always accept from {offer.machine}" if offer.machine
                                         else "Always accept from this machine")
        self.always_button.setEnabled(bool(offer.machine))
        self.always_button.setToolTip(
            f"Accept now, and accept files from “{offer.machine}” from now on without asking "
            "(Settings lists the machines you trust)" if offer.machine else
            "This sender did not say which computer it is, so it cannot be remembered")
        self.always_button.clicked.connect(self.accept_always)
        buttons.addWidget(self.always_button)
        buttons.addStretch(1)
        self.decline_button = QPushButton("Decline")
        self.decline_button.setToolTip("Nothing is saved (Esc)")
        self.decline_button.clicked.connect(self.reject)
        buttons.addWidget(self.decline_button)
        self.accept_button = QPushButton("Accept")
        self.accept_button.clicked.connect(self.accept)
        buttons.addWidget(self.accept_button)
        for button in (self.always_button, self.decline_button, self.accept_button):
            button.setAutoDefault(False)
        layout.addLayout(buttons)
        self.decline_button.setFocus()  # Enter on a fresh dialog declines: accepting takes a deliberate click

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.on_tick)
        if self._deadline is not None:
            self._timer.start()
        self.on_tick()

    def accept_always(self) -> None:
        self._answer(True, remember=True)
        super().accept()

    def accept(self) -> None:
        self._answer(True)
        super().accept()

    def reject(self) -> None:
        self._answer(False)
        super().reject()

    def done(self, result: int) -> None:
        self._answer(result == QDialog.DialogCode.Accepted)  # closed some other way: the same rule
        self._timer.stop()
        super().done(result)

    def on_tick(self) -> None:
        if self._deadline is None:
            self.countdown.setText("")
            return
        left = self._deadline - time.monotonic()
        if left <= 0:
            self.countdown.setText("Nobody answered in time, so the files were declined.")
            self.reject()
            return
        self.countdown.setText(f"Answer within {human_duration(left)}; after that the files are declined.")

    def _answer(self, accept: bool, remember: bool = False) -> None:
        if self.answer is not None:
            return
        self.answer = OfferAnswer(self.offer.offer_id, accept=accept, remember=remember and accept)
        self.answered.emit(self.answer)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
