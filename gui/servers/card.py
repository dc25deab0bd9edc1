"""One server's card on the dashboard: what it is, whether it runs, where to reach it, what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.supervisor import WorkerInfo, WorkerState
from gui.common.style import STATE_COLOURS

TITLES = {"chat": "Chat server", "echo": "Echo server", "files": "File receiver", "api": "REST API"}
BLURBS = {
    "chat": "Chat rooms for Wirelab chat windows and plain nc clients.",
    "echo": "Sends back every byte it receives, like the tutorial's echo server.",
    "files": "Receives files other machines send, into your receive folder.",
    "api": "The teaching REST API: todos, users, status codes (Flask).",
}
STATE_WORDS = {
    WorkerState.STOPPED: "Stopped",
    WorkerState.STARTING: "Starting…",
    WorkerState.RUNNING: "Running",
    WorkerState.STOPPING: "Stopping…",
    WorkerState.CRASHED: "Stopped with a problem",
}


class StateBadge(QLabel):
    """A coloured dot and a word: the state is never shown by colour alone."""

    def set_state(self, state: WorkerState) -> None:
        colour = STATE_COLOURS[state.value]
        self.setText(f'<span style="color:{colour}; font-size:14pt">●</span> {STATE_WORDS[state]}')
        self.setToolTip(f"The server is {STATE_WORDS[state].lower().rstrip('…')}.")


class AddressRow(QWidget):
    """One address to give other machines, with a copy button."""

    def __init__(self, text: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(f"<b>{text}</b>" + (f'  <span style="color:#8a8f98">{note}</span>' if note else ""))
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy = QToolButton()
        self.copy.setText("Copy")
        self.copy.setToolTip(f"Copy {text} to the clipboard")
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(text))
        self.text = text
        layout.addWidget(self.label, 1)
        layout.addWidget(self.copy)


class ServerCard(QFrame):
    """Signals carry the worker name; the dashboard does the work."""

    #: Start was clicked.
    start_clicked = Signal(str)
    #: Stop was clicked.
    stop_clicked = Signal(str)
    #: Restart was clicked (also offered under a crash message).
    restart_clicked = Signal(str)
    #: The port was changed while the server was stopped; carries (name, port).
    port_changed = Signal(str, int)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"card-{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setStyleSheet(f"QFrame#card-{name} {{ border: 1px solid palette(mid); border-radius: 8px; }}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(6)

        top = QHBoxLayout()
        title = QLabel(f"<span style='font-size:13pt; font-weight:600'>{TITLES[name]}</span>")
        self.badge = StateBadge()
        top.addWidget(title, 1)
        top.addWidget(self.badge)
        outer.addLayout(top)
        blurb = QLabel(BLURBS[name])
        blurb.setWordWrap(True)
        blurb.setStyleSheet("color: palette(placeholder-text);")
        outer.addWidget(blurb)

        self.reach_title = QLabel("Other machines reach it at:")
        outer.addWidget(self.reach_title)
        self.addresses = QVBoxLayout()
        self.addresses.setSpacing(2)
        outer.addLayout(self.addresses)

        grid = QGridLayout()
        grid.addWidget(QLabel("Port:"), 0, 0)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setAccelerated(True)
        self.port.setToolTip("The port can be changed while the server is stopped.")
        self.port.editingFinished.connect(self._port_edited)
        grid.addWidget(self.port, 0, 1)
        self.clients = QLabel("Connected: 0")
        grid.addWidget(self.clients, 0, 2)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d64545;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        outer.addWidget(self.error)

        buttons = QHBoxLayout()
        self.start = QPushButton("Start")
        self.stop = QPushButton("Stop")
        self.restart = QPushButton("Restart")
        for button, signal in ((self.start, self.start_clicked), (self.stop, self.stop_clicked),
                               (self.restart, self.restart_clicked)):
            button.clicked.connect(lambda _=False, s=signal: s.emit(self.name))
            buttons.addWidget(button)
        buttons.addStretch(1)
        if name == "api":
            self.docs = QPushButton("Open in browser")
            self.docs.setToolTip("Open the API's page and its documentation in your web browser")
            self.docs.clicked.connect(self._open_docs)
            buttons.addWidget(self.docs)
        outer.addLayout(buttons)
        self._url = ""
        self._state = WorkerState.STOPPED

    # --- updates from the dashboard -------------------------------------------------------------

    def show_info(self, info: WorkerInfo, port: int, addresses: list[tuple[str, str]], clients: int) -> None:
        """Render a supervisor snapshot; ``addresses`` are (address, note) pairs to give other machines."""
        self._state = info.state
        self.badge.set_state(info.state)
        running = info.state == WorkerState.RUNNING
        idle = info.state in (WorkerState.STOPPED, WorkerState.CRASHED)
        self.start.setEnabled(idle)
        self.stop.setEnabled(info.state in (WorkerState.RUNNING, WorkerState.STARTING))
        self.restart.setEnabled(running or info.state == WorkerState.CRASHED)
        self.port.setEnabled(idle)
        if not self.port.hasFocus():
            self.port.setRange(0 if port == 0 else 1, 65535)
            self.port.setSpecialValueText("any free port")
            self.port.setValue(port)
        self.clients.setText(f"Connected: {clients}")
        self.clients.setVisible(self.name != "api")
        while self.addresses.count():
            item = self.addresses.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if running:
            for text, note in addresses:
                self.addresses.addWidget(AddressRow(text, note))
            self._url = addresses[0][0] if addresses else ""
            local_only = all(note == "this computer only" for _, note in addresses)
            self.reach_title.setText("Programs on this computer reach it at:" if local_only
                                     else "Other machines reach it at:")
        self.reach_title.setVisible(running)
        if hasattr(self, "docs"):
            self.docs.setEnabled(running)
        if info.state == WorkerState.CRASHED and info.error:
            self.error.setText(f"{info.error} Click Restart to try again.")
            self.error.setToolTip(info.traceback[-2000:] if info.traceback else "")
            self.error.show()
        else:
            self.error.hide()

    def address_texts(self) -> list[str]:
        return [self.addresses.itemAt(i).widget().text for i in range(self.addresses.count())
                if isinstance(self.addresses.itemAt(i).widget(), AddressRow)]

    def _port_edited(self) -> None:
        if self._state in (WorkerState.STOPPED, WorkerState.CRASHED):
            self.port_changed.emit(self.name, self.port.value())

    def _open_docs(self) -> None:
        if self._url:
            QDesktopServices.openUrl(QUrl(self._url.replace("0.0.0.0", "127.0.0.1") + "/"))
