"""The chat window: a Wirelab chat client, and a graphical nc for any other TCP server.

    window = ChatWindow(context)      # context: gui.context.AppContext, or None to run standalone
    window.show()

Several may be open at once (two windows = two people in one room). Ctrl+K opens the connect dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.chat.chat_pane import ChatPane
from gui.chat.dialog import ConnectDialog, ConnectRequest
from gui.chat.raw_pane import RawPane
from gui.chat.widgets import STATE_LOOK, muted_label
from gui.common.icons import app_icon, app_pixmap
from gui.context import AppContext

TITLE = "Wirelab — Chat"


class ChatWindow(QMainWindow):
    """A chat or raw-TCP session. Works without an :class:`AppContext` (it then makes its own)."""

    #: Look for chat servers on the LAN in the connect dialog (tests turn it off).
    discover = True

    def __init__(self, context: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context if context is not None else AppContext()
        self.setWindowTitle(TITLE)
        self.setWindowIcon(app_icon())
        self.resize(1040, 700)
        self.dialog: ConnectDialog | None = None
        self.mode = "chat"

        self.stack = QStackedWidget()
        self.welcome = self._welcome_page()
        self.chat = ChatPane()
        self.raw = RawPane()
        for page in (self.welcome, self.chat, self.raw):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().setSizeGripEnabled(False)

        self.connect_action = QAction("Connect…", self)
        self.connect_action.setShortcut(QKeySequence("Ctrl+K"))
        self.connect_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.connect_action.triggered.connect(self.open_connect_dialog)
        self.addAction(self.connect_action)

        self.chat.connect_dialog_requested.connect(self.open_connect_dialog)
        self.raw.connect_dialog_requested.connect(self.open_connect_dialog)
        self.chat.state_changed.connect(self.on_state_changed)
        self.raw.state_changed.connect(self.on_state_changed)
        self.chat.raw_requested.connect(self.connect_raw)
        self.chat.connected_to.connect(self.on_connected_to)
        self._show_status("idle", "Not connected. Press Ctrl+K to connect.")

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        icon = QLabel()
        icon.setPixmap(app_pixmap(96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(icon)
        title = QLabel("Chat, or talk to any TCP server")
        font = QFont(title.font())
        font.setPointSizeF(max(9.0, font.pointSizeF()) * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        text = muted_label("Join a Wirelab chat room with your classmates, or connect to an echo, web or mail\n"
                           "server and see every byte that goes back and forth.")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        button = QPushButton("Connect…   Ctrl+K")
        button.setMinimumHeight(36)
        button.setMinimumWidth(220)
        button.clicked.connect(self.open_connect_dialog)
        layout.addSpacing(12)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        return page

    # --- connecting -------------------------------------------------------------------------------

    def open_connect_dialog(self) -> ConnectDialog:
        """Show the connect dialog (window-modal, non-blocking) and return it."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        nick = self.chat.nick or ""
        room = self.chat.current.name if self.chat.current is not None else "lobby"
        dialog = ConnectDialog(self.context, self, mode=self.mode, nick=nick, room=room, discover=self.discover)
        dialog.connect_requested.connect(self.on_connect_requested)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def on_connect_requested(self, request: ConnectRequest) -> None:
        if request.mode == "raw":
            self.connect_raw(request.host, request.port)
        else:
            self.connect_chat(request.host, request.port, request.nick, request.room)

    def connect_chat(self, host: str, port: int, nick: str, room: str = "lobby", **client_options: Any) -> None:
        """Join a Wirelab chat room (what the dialog does; also for tests and scripts)."""
        self.raw.disconnect(quiet=True)
        self.mode = "chat"
        self.stack.setCurrentWidget(self.chat)
        self.chat.connect_to(host, port, nick, room, **client_options)
        self.chat.focus_input()

    def connect_raw(self, host: str, port: int) -> None:
        """Talk to any TCP server in raw mode."""
        self.chat.disconnect()
        self.mode = "raw"
        self.stack.setCurrentWidget(self.raw)
        self.raw.connect_to(host, port)
        self.raw.focus_input()

    def on_connected_to(self, address: str) -> None:
        if self.context is not None and address not in self.context.settings.recent_chat_servers[:1]:
            self.context.remember("recent_chat_servers", address)

    # --- state ------------------------------------------------------------------------------------

    def on_state_changed(self, state: str, detail: str) -> None:
        if self.sender() is (self.chat if self.mode == "chat" else self.raw):
            self._show_status(state, detail)

    def _show_status(self, state: str, detail: str) -> None:
        """One short line (the details are in the pane's banner and in the tooltip)."""
        colour, words = STATE_LOOK.get(state, ("#8a8f98", state))
        if self.mode == "chat":
            conn = self.chat.connection
            where = f" · {conn.host}:{conn.port} as {self.chat.nick}" if conn is not None else ""
            mode = "Chat"
        else:
            where = f" · {self.raw.title.text()}" if self.raw.address else ""
            mode = "Raw TCP"
        self.status_label.setText(f"<span style='color:{colour}'>●</span> {mode} · {words}{where}")
        self.status_label.setToolTip(detail)

    @property
    def state(self) -> str:
        """The current connection state ("connected", "reconnecting", ...)."""
        return self.chat.state if self.mode == "chat" else self.raw.state

    @property
    def idle(self) -> bool:
        """Nothing open and every socket closed (after :meth:`close`)."""
        return self.chat.idle and self.raw.idle

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.chat.on_window_activated()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.chat.disconnect()
        self.raw.disconnect(quiet=True)
        super().closeEvent(event)
