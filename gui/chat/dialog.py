"""The connect dialog: a Wirelab chat server (nickname, room) or any TCP server (raw mode, like nc)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.config import DEFAULT_CHAT_PORT, default_nick
from core.net.connect import ConnectFailure, parse_address
from core.protocol.commands import nick_problem, room_problem
from gui.common.style import RED


@dataclass(frozen=True)
class ConnectRequest:
    """What the person asked for: ``mode`` "chat" or "raw"."""

    mode: str
    host: str
    port: int
    nick: str = ""
    room: str = "lobby"

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class ConnectDialog(QDialog):
    """Non-blocking (``open()``): emits ``connect_requested`` when the person presses Connect."""

    #: The person pressed Connect with valid values (a :class:`ConnectRequest`).
    connect_requested = Signal(object)

    #: Raw-mode targets typed this session (not saved: the settings keep chat servers only).
    recent_raw: ClassVar[list[str]] = []

    def __init__(self, context: Any = None, parent: QWidget | None = None, *, mode: str = "chat",
                 nick: str = "", room: str = "lobby", discover: bool = True) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Connect — Wirelab Chat")
        self.setModal(True)
        self.setMinimumWidth(480)
        self._browser = None

        layout = QVBoxLayout(self)
        layout.setSpacing(12)

        # mode switch: two segmented buttons
        modes = QHBoxLayout()
        modes.setSpacing(0)
        self.chat_button = QPushButton("Wirelab chat")
        self.raw_button = QPushButton("Any TCP server (raw, like nc)")
        self.mode_group = QButtonGroup(self)
        for i, button in enumerate((self.chat_button, self.raw_button)):
            button.setCheckable(True)
            button.setMinimumHeight(30)
            self.mode_group.addButton(button, i)
            modes.addWidget(button)
        layout.addLayout(modes)
        self.mode_hint = QLabel()
        self.mode_hint.setWordWrap(True)
        layout.addWidget(self.mode_hint)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.server = QComboBox()
        self.server.setEditable(True)
        self.server.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.server.lineEdit().setPlaceholderText("computer:port, e.g. 192.168.1.20:5050")
        form.addRow("Server", self.server)
        self.nick = QLineEdit(nick or self._settings_nick())
        self.nick.setPlaceholderText("the name others see")
        self.nick.setMaxLength(32)
        form.addRow("Nickname", self.nick)
        self.room = QLineEdit(room or "lobby")
        self.room.setPlaceholderText("lobby")
        self.room.setMaxLength(32)
        form.addRow("Room", self.room)
        self._form = form
        layout.addLayout(form)

        self.found_label = QLabel("On this network")
        self.found_label.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.found_label)
        self.found = QListWidget()
        self.found.setMaximumHeight(110)
        self.found.itemClicked.connect(self.on_found_clicked)
        self.found.itemDoubleClicked.connect(self.on_found_double_clicked)
        layout.addWidget(self.found)
        self.found_status = QLabel("Looking for Wirelab chat servers on the network…")
        self.found_status.setWordWrap(True)
        layout.addWidget(self.found_status)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {RED};")
        layout.addWidget(self.problem)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self.on_connect)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.mode_group.idToggled.connect(self.on_mode_toggled)
        self.server.editTextChanged.connect(self.on_changed)
        self.nick.textChanged.connect(self.on_changed)
        self.room.textChanged.connect(self.on_changed)
        (self.raw_button if mode == "raw" else self.chat_button).setChecked(True)
        self.on_mode_toggled(self.mode_group.checkedId(), True)

        if discover:
            from gui.chat.discovery import LanBrowser

            self._browser = LanBrowser("chat")
            self._browser.peers_changed.connect(self.on_peers)
            self._browser.unavailable.connect(self.found_status.setText)
            self._browser.start()
        else:
            self.found_status.setText("Type the address of the other computer (its Wirelab window shows it).")

    # --- helpers ----------------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return "raw" if self.raw_button.isChecked() else "chat"

    def _settings_nick(self) -> str:
        settings = getattr(self.context, "settings", None)
        return getattr(settings, "nick", "") or default_nick()

    def _own(self, service: str) -> str | None:
        if self.context is None:
            return None
        address = self.context.address(service)
        if address is None:
            return None
        host, port = address
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def _fill_servers(self) -> None:
        """This computer's own server first, then the recent ones."""
        self.server.blockSignals(True)
        self.server.clear()
        if self.mode == "chat":
            own = self._own("chat")
            if own:
                self.server.addItem(f"{own}   — this computer's chat server", own)
            recent = tuple(getattr(getattr(self.context, "settings", None), "recent_chat_servers", ()))
            default = own or (recent[0] if recent else f"127.0.0.1:{DEFAULT_CHAT_PORT}")
        else:
            own = self._own("echo")
            if own:
                self.server.addItem(f"{own}   — this computer's echo server", own)
            recent = tuple(self.recent_raw)
            default = own or (recent[0] if recent else "")
        for address in recent:
            if address != own:
                self.server.addItem(f"{address}   — recent", address)
        self.server.setCurrentIndex(-1)
        self.server.setEditText(default)
        self.server.blockSignals(False)

    def address_text(self) -> str:
        """What is in the server box, without the "— this computer's…" label of a picked item."""
        text = self.server.currentText().strip()
        index = self.server.findText(text)
        if index >= 0 and self.server.itemData(index):
            return self.server.itemData(index)
        return text.split("   —")[0].strip()

    def request(self) -> ConnectRequest:
        """The request for the current values, or :class:`ValueError` saying what to fix."""
        default_port = DEFAULT_CHAT_PORT if self.mode == "chat" else None
        try:
            host, port = parse_address(self.address_text(), default_port)
        except ConnectFailure as exc:
            raise ValueError(exc.message) from None
        if self.mode == "raw":
            return ConnectRequest("raw", host, port)
        nick, room = self.nick.text().strip(), self.room.text().strip().lstrip("#") or "lobby"
        if problem := nick_problem(nick):
            raise ValueError(problem)
        if problem := room_problem(room):
            raise ValueError(problem)
        return ConnectRequest("chat", host, port, nick, room)

    # --- slots ------------------------------------------------------------------------------------

    def on_mode_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        chat = self.mode == "chat"
        for field in (self.nick, self.room):
            field.setVisible(chat)
            self._form.labelForField(field).setVisible(chat)
        for widget in (self.found_label, self.found, self.found_status):
            widget.setVisible(chat)
        self.mode_hint.setText(
            "Talk with other people through a Wirelab chat server: this computer's own, or a classmate's."
            if chat else
            "Send bytes to any TCP server (an echo server, a web or mail server, your own homework server) "
            "and see exactly what comes back, like the nc command. Nothing is added to what you send."
        )
        self._fill_servers()
        self.on_changed()
        self.adjustSize()

    def on_changed(self, *_: Any) -> None:
        try:
            self.request()
        except ValueError as exc:
            self.problem.setText(str(exc))
            self.connect_button.setEnabled(False)
            return
        self.problem.setText("")
        self.connect_button.setEnabled(True)

    def on_peers(self, peers: list) -> None:
        self.found.clear()
        for peer in peers:
            item = QListWidgetItem(peer.label)
            item.setData(Qt.ItemDataRole.UserRole, peer.address)
            item.setToolTip(f"{peer.machine} — Wirelab chat at {peer.address}")
            self.found.addItem(item)
        self.found_status.setText(
            f"Found {len(peers)} chat server{'s' if len(peers) != 1 else ''}. Click one to use it."
            if peers else "Looking for Wirelab chat servers on the network…"
        )

    def on_found_clicked(self, item: QListWidgetItem) -> None:
        self.server.setEditText(item.data(Qt.ItemDataRole.UserRole))

    def on_found_double_clicked(self, item: QListWidgetItem) -> None:
        self.on_found_clicked(item)
        self.on_connect()

    def on_connect(self) -> None:
        try:
            request = self.request()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        if request.mode == "raw":
            ConnectDialog.recent_raw[:] = [request.address, *(a for a in self.recent_raw if a != request.address)][:10]
        self.connect_requested.emit(request)
        self.accept()

    def done(self, result: int) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        super().done(result)
