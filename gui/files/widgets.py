"""The drop zone, and reading dropped files and folders out of a drag."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from gui.common.style import BLUE

ZONE_STYLE = f"""
QFrame#drop-zone {{ border: 2px dashed palette(mid); border-radius: 10px; background: palette(base); }}
QFrame#drop-zone[hover="true"] {{ border: 2px solid {BLUE}; background: palette(alternate-base); }}
"""


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drag (web links and other data are not files: left out)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class DropArea(QWidget):
    """A widget that takes dropped files and folders anywhere on it (its children included)."""

    #: Local files or folders were dropped (a list of :class:`pathlib.Path`).
    paths_dropped = Signal(list)
    #: A drag with files is over the area (True) or left it (False): for the highlight.
    hovering = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()
            self.hovering.emit(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt API
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        self.hovering.emit(False)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        self.hovering.emit(False)
        paths = dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.paths_dropped.emit(paths)


class DropZone(QFrame):
    """The dashed box that says where to drop, with buttons to pick files or a folder instead."""

    #: "Add files…" was pressed.
    add_files_clicked = Signal()
    #: "Add folder…" was pressed.
    add_folder_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drop-zone")
        self.setStyleSheet(ZONE_STYLE)
        self.setMinimumHeight(108)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        self.title = QLabel("Drop files or folders here")
        font = self.title.font()
        font.setPointSizeF(max(9.0, font.pointSizeF()) * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.subtitle = QLabel("Folders keep their structure. Every file is checked by its SHA-256 fingerprint "
                               "when it arrives.")
        self.subtitle.setWordWrap(True)
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.subtitle)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.add_files = QPushButton("Add files…   Ctrl+O")
        self.add_files.clicked.connect(self.add_files_clicked)
        buttons.addWidget(self.add_files)
        self.add_folder = QPushButton("Add folder…")
        self.add_folder.clicked.connect(self.add_folder_clicked)
        buttons.addWidget(self.add_folder)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def set_hover(self, on: bool) -> None:
        self.setProperty("hover", "true" if on else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def set_busy(self, busy: bool) -> None:
        self.title.setText("Adding files…" if busy else "Drop files or folders here")


class EmptyHintTable(QTableView):
    """A table that says what will appear in it while it has no rows (instead of a blank box).

    The hint is a label over the viewport, shown and hidden as rows come and go: no Python in the
    table's paint path (every paint would need the GIL, which the sender threads compete for).
    """

    def __init__(self, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel(hint, self.viewport())
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def setModel(self, model) -> None:  # noqa: ANN001, N802 - Qt API
        super().setModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_hint)
        self._update_hint()

    def _update_hint(self, *_args: object) -> None:
        model = self.model()
        self.hint.setVisible(model is None or model.rowCount() == 0)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        super().resizeEvent(event)
        self.hint.setGeometry(self.viewport().rect().adjusted(24, 0, -24, 0))


class SlimBar(QWidget):
    """A thin progress line, 0..1000. Unlike ``QProgressBar.setValue`` (which repaints on the spot),
    :meth:`setValue` only schedules a paint, so progress updates never block the event loop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self.setFixedHeight(6)

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:  # noqa: N802 - the QProgressBar name
        value = max(0, min(1000, int(value)))
        if value != self._value:
            self._value = value
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QColor(self.palette().text().color())
        track.setAlphaF(0.15)
        painter.setBrush(track)
        rect = self.rect()
        painter.drawRoundedRect(rect, 3, 3)
        if self._value:
            done = rect.adjusted(0, 0, -round(rect.width() * (1000 - self._value) / 1000), 0)
            painter.setBrush(QColor(BLUE))
            painter.drawRoundedRect(done, 3, 3)
        painter.end()
