"""Small widgets the chat and raw panes share: status pill, banner, message composer, emoji picker."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
    QMenu,
    QApplication,
)

from gui.common.style import BLUE, GREEN, GREY, ORANGE, RED

STATE_LOOK = {
    # state: (colour, words on the pill)
    "connected": (GREEN, "Connected"),
    "connecting": (BLUE, "Connecting…"),
    "reconnecting": (ORANGE, "Reconnecting…"),
    "half-closed": (BLUE, "Connected · you finished sending"),
    "peer-closed": (ORANGE, "Connected · server finished sending"),
    "failed": (RED, "Not connected"),
    "closed": (GREY, "Disconnected"),
    "disconnected": (GREY, "Disconnected"),
    "idle": (GREY, "Not connected"),
}


def rgba(colour: str, alpha: float) -> str:
    c = QColor(colour)
    return f"rgba({c.red()}, {c.green()}, {c.blue()}, {alpha})"


class StatusPill(QLabel):
    """A coloured dot and a word or two: the connection state, always visible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = "idle"
        self.set_state("idle")

    def set_state(self, state: str, words: str | None = None) -> None:
        self.state = state
        colour, default = STATE_LOOK.get(state, (GREY, state))
        self.setText(f"<span style='color:{colour}; font-size:14px'>●</span>&nbsp; {words or default}")
        self.setStyleSheet(
            f"QLabel {{ background: {rgba(colour, 0.13)}; border: 1px solid {rgba(colour, 0.45)};"
            " border-radius: 11px; padding: 2px 10px; }"
        )

    def words(self) -> str:
        return STATE_LOOK.get(self.state, (GREY, self.state))[1]


class Banner(QFrame):
    """A strip under the header for what needs attention (connection lost, server not Wirelab...)."""

    #: The banner's action button was pressed.
    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.label, 1)
        self.button = QPushButton()
        self.button.clicked.connect(self.action_clicked)
        layout.addWidget(self.button)
        self.hide()

    def show_message(self, colour: str, text: str, action: str = "") -> None:
        self.setStyleSheet(
            f"Banner {{ background: {rgba(colour, 0.14)}; border: none;"
            f" border-left: 4px solid {colour}; }}"
        )
        self.label.setText(text)
        self.button.setText(action)
        self.button.setVisible(bool(action))
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class ComposeEdit(QPlainTextEdit):
    """Where a message is typed: Enter sends, Shift+Enter starts a new line; grows up to a few lines."""

    #: The person pressed Enter: carries the text (the box is not cleared; the owner decides).
    submitted = Signal(str)

    MAX_LINES = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().setDocumentMargin(6)
        self.textChanged.connect(self._fit)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.textCursor().insertText("\n")
                return
            if not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self.submitted.emit(self.toPlainText())
                return
        super().keyPressEvent(event)

    def _fit(self) -> None:
        lines = max(1, min(self.MAX_LINES, int(self.document().size().height())))
        fm = self.fontMetrics()
        self.setFixedHeight(lines * fm.lineSpacing() + 2 * int(self.document().documentMargin()) + 6)

    def sizeHint(self) -> QSize:
        return QSize(300, self.height())


EMOJI = (
    "😀 😂 🙂 😉 😍 🤔 😮 😢 😡 👍 👎 👏 🙏 💪 👋 🎉 "
    "❤️ 🔥 ✅ ❌ ⚠️ 💡 📎 🖥️ 🌐 📡 🔌 🐍 ☕ 🍕 🚀 ⭐"
).split()


class EmojiButton(QToolButton):
    """A smiley that opens a grid of common emoji."""

    #: An emoji was picked (the text to insert).
    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("☺")
        self.setToolTip("Insert an emoji")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 9) * 1.35)
        self.setFont(font)
        menu = QMenu(self)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setSpacing(2)
        grid.setContentsMargins(6, 6, 6, 6)
        for i, emoji in enumerate(EMOJI):
            button = QToolButton()
            button.setText(emoji)
            button.setAutoRaise(True)
            button.setFont(font)
            button.setFixedSize(34, 32)
            button.clicked.connect(lambda _=False, e=emoji: self._pick(e))
            grid.addWidget(button, i // 8, i % 8)
        action = QWidgetAction(menu)
        action.setDefaultWidget(grid_host)
        menu.addAction(action)
        self.setMenu(menu)

    def _pick(self, emoji: str) -> None:
        self.menu().hide()
        self.picked.emit(emoji)


class MutedLabel(QLabel):
    """Secondary text: the window text colour faded towards the background, following palette changes."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._apply()

    def _apply(self) -> None:
        app = QApplication.instance()
        source = app.palette() if app is not None else self.palette()
        base = source.color(QPalette.ColorRole.Window)
        fg = source.color(QPalette.ColorRole.WindowText)
        mixed = QColor(
            (fg.red() * 55 + base.red() * 45) // 100,
            (fg.green() * 55 + base.green() * 45) // 100,
            (fg.blue() * 55 + base.blue() * 45) // 100,
        )
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, mixed)
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._apply()


def muted_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    return MutedLabel(text, parent)
