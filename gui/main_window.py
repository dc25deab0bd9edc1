"""The main window: the lab at a glance, the switch that opens it to the network, and the tools."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from core.messages import FileOffer, TransferFinished, TransferProgress, WorkerExited
from core.text import human_size
from gui.common.icons import app_icon
from gui.context import AppContext
from gui.servers.dashboard import Dashboard

LOCAL_WORDS = ("Only programs on this computer can connect to these servers (the safe choice). "
               "Turn on “Serve this lab network” to let other computers connect.")
NETWORK_WORDS = ("Other computers on this network can now connect to these servers, at the addresses on each "
                 "card. Your firewall may ask whether to allow Wirelab: choose Allow (on Windows, tick "
                 "“Private networks”; on a Mac, click Allow). If a classmate still cannot connect, the "
                 "network may block it. Turn this off when the lab is over.")

TOOLS = (
    ("chat", "Chat", "Ctrl+1", "Chat with others, or talk to any TCP server like nc"),
    ("files", "Send files", "Ctrl+2", "Send files and folders to another lab machine"),
    ("rest", "REST requests", "Ctrl+3", "Send HTTP requests and see what the server answers"),
)


def open_tool(kind: str, context: AppContext | None) -> QWidget:
    """Open a new tool window (several of each can be open at once)."""
    if kind == "chat":
        from gui.chat.window import ChatWindow

        window: QWidget = ChatWindow(context)
    elif kind == "files":
        from gui.files.window import SendWindow

        window = SendWindow(context)
    else:
        from gui.rest.window import RestWindow

        window = RestWindow(context)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if context is not None:
        context.keep(window)
    window.show()
    return window


class MainWindow(QMainWindow):
    #: A tool window was opened (carries the window), for tests and the screenshot script.
    tool_opened = Signal(object)
    #: An offer dialog was shown (carries the dialog).
    offer_shown = Signal(object)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.bridge = context.bridge
        self.setWindowTitle("Wirelab")
        self.setWindowIcon(app_icon())
        self.transfers: dict[str, TransferProgress] = {}
        self.offers: list[Any] = []
        self.force_close = False  # set by Ctrl-C/SIGTERM: close without asking

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self._header())
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("network-banner")
        layout.addWidget(self.banner)
        self.dashboard = Dashboard(context)
        layout.addWidget(self.dashboard, 1)
        self.setCentralWidget(central)
        self._menus()
        self._show_network_state()
        self.tray = QSystemTrayIcon(app_icon(), self) if QSystemTrayIcon.isSystemTrayAvailable() else None
        if self.tray is not None:
            self.tray.setToolTip("Wirelab")
            self.tray.activated.connect(lambda *_: self._bring_forward())
            self.tray.show()
        self.bridge.event.connect(self.on_event)
        self.statusBar().showMessage("Ready.")
        self.resize(1100, 820)

    # --- layout ----------------------------------------------------------------------------------

    def _header(self) -> QWidget:
        header = QFrame()
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<span style='font-size:18pt; font-weight:700'>Wirelab</span>"
                       "<br><span style='color:palette(placeholder-text)'>A network lab on one screen</span>")
        row.addWidget(title)
        row.addStretch(1)
        self.network = QCheckBox("Serve this lab network")
        self.network.setToolTip("Off: only this computer can connect. On: other computers on this network can too.")
        self.network.setChecked(self.context.settings.serve_network)
        self.network.toggled.connect(self.on_network_toggled)
        row.addWidget(self.network)
        row.addSpacing(16)
        self.tool_buttons: dict[str, QPushButton] = {}
        for kind, words, shortcut, tip in TOOLS:
            button = QPushButton(words)
            button.setToolTip(f"{tip} ({shortcut})")
            button.clicked.connect(lambda _=False, k=kind: self.on_open_tool(k))
            row.addWidget(button)
            self.tool_buttons[kind] = button
        settings = QPushButton("Settings")
        settings.clicked.connect(self.on_settings)
        row.addWidget(settings)
        return header

    def _menus(self) -> None:
        lab = self.menuBar().addMenu("&Lab")
        start = QAction("Start all servers", self)
        start.setShortcut(QKeySequence("Ctrl+R"))
        start.triggered.connect(self.dashboard.start_all)
        lab.addAction(start)
        prefs = QAction("Settings…", self)
        prefs.setShortcut(QKeySequence.StandardKey.Preferences)
        prefs.setShortcuts([QKeySequence("Ctrl+,"), *prefs.shortcuts()])
        prefs.triggered.connect(self.on_settings)
        lab.addAction(prefs)
        lab.addSeparator()
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        lab.addAction(quit_action)
        tools = self.menuBar().addMenu("&Tools")
        for kind, words, shortcut, _ in TOOLS:
            action = QAction(f"New {words.lower()} window", self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, k=kind: self.on_open_tool(k))
            tools.addAction(action)

    def _show_network_state(self) -> None:
        on = self.context.settings.serve_network
        self.banner.setText(NETWORK_WORDS if on else LOCAL_WORDS)
        colour = "#d9822b" if on else "#2e9d4f"
        self.banner.setStyleSheet(f"QLabel#network-banner {{ border-left: 4px solid {colour}; padding: 6px 10px; }}")

    # --- actions ---------------------------------------------------------------------------------

    def on_open_tool(self, kind: str) -> QWidget:
        window = open_tool(kind, self.context)
        self.tool_opened.emit(window)
        return window

    def on_network_toggled(self, on: bool) -> None:
        if on == self.context.settings.serve_network:
            return
        self.context.update_settings(serve_network=on)
        self._show_network_state()
        self.dashboard.restart_running()
        self.statusBar().showMessage("Restarting the servers on all network addresses…" if on else
                                     "Restarting the servers for this computer only…", 5000)

    def on_settings(self) -> None:
        from gui.servers.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context.settings, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        new = dialog.result_settings()
        old = self.context.settings
        self.context.update_settings(**{f: getattr(new, f) for f in new.__dataclass_fields__})
        self.bridge.supervisor.auto_restart = new.restart_crashed
        changed = old.lab() != new.lab()
        if changed:
            self.dashboard.restart_running()
            self.statusBar().showMessage("Settings saved; the servers restart to use them.", 5000)
        else:
            self.statusBar().showMessage("Settings saved.", 3000)

    # --- events ----------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        if isinstance(event, FileOffer):
            self.show_offer(event)
        elif isinstance(event, TransferProgress):
            self.transfers[event.offer_id] = event
            pct = event.done_bytes * 100 // max(event.total_bytes, 1)
            self.statusBar().showMessage(
                f"Receiving files: {pct}% ({human_size(event.done_bytes)} of {human_size(event.total_bytes)}, "
                f"{event.files_done} of {event.files_total} files)")
        elif isinstance(event, TransferFinished):
            self.transfers.pop(event.offer_id, None)
            if event.message:
                self.statusBar().showMessage(event.message, 10000)
                self._notify("Files", event.message)
        elif isinstance(event, WorkerExited) and not event.requested:
            self.statusBar().showMessage(event.error or f"The {event.worker} server stopped.", 10000)

    def show_offer(self, offer: FileOffer) -> None:
        from gui.files.offer import OfferDialog, remember_sender

        dialog = OfferDialog(offer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(answer: Any) -> None:
            self.bridge.send(offer.worker, answer)
            if answer.accept and answer.remember:
                remember_sender(self.context, offer)

        dialog.answered.connect(answered)
        self.offers.append(dialog)
        dialog.destroyed.connect(lambda *_: self.offers.remove(dialog) if dialog in self.offers else None)
        dialog.show()
        dialog.raise_()
        if self.isMinimized() or not self.isVisible():
            self._notify("Files offered", f"{offer.sender} wants to send you {len(offer.files)} file(s), "
                                          f"{human_size(offer.total_bytes)}.")
        self.offer_shown.emit(dialog)

    def _notify(self, title: str, text: str) -> None:
        if self.tray is not None and (self.isMinimized() or not self.isActiveWindow()):
            self.tray.showMessage(title, text, app_icon(), 8000)

    def _bring_forward(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.transfers and not self.force_close:
            count = len(self.transfers)
            answer = QMessageBox.question(
                self, "Files are still arriving",
                f"{count} transfer(s) to this computer are still running. Quit anyway? What arrived so far is "
                "kept, and the transfer continues where it stopped when it is sent again.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        for window in list(self.context.windows):
            window.close()
        if self.tray is not None:
            self.tray.hide()
        event.accept()
        QTimer.singleShot(0, QApplication.instance().quit)
