"""The Servers dashboard: a card per server and live activity panels, fed by the supervisor's events."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.lab import SERVICES, worker_config
from core.messages import (
    ApiRequest,
    ChatActivity,
    ClientConnected,
    ClientDisconnected,
    FileReceived,
    WorkerExited,
)
from core.supervisor import WorkerInfo, WorkerState
from core.text import format_host
from gui.context import AppContext
from gui.servers.card import ServerCard
from gui.servers.models import ConnectionRow, EventLogModel, FilterProxy, api_model, chat_model, connections_model

SCHEMES = {"api": "http"}


def reach_addresses(info: WorkerInfo) -> list[tuple[str, str]]:
    """What to tell other machines: every LAN address when serving all interfaces, else this one."""
    out: list[tuple[str, str]] = []
    for listening in info.listening:
        scheme = SCHEMES.get(info.name, "tcp")
        if listening.host in ("0.0.0.0", "::", ""):
            from core.net.interfaces import lan_addresses  # only when serving the network (ifaddr is slow to load)

            for address in lan_addresses():
                if listening.host == "0.0.0.0" and address.version == 6:
                    continue
                out.append((f"{scheme}://{address.for_url}:{listening.port}", address.interface))
            out.append((f"{scheme}://127.0.0.1:{listening.port}", "this computer"))
        else:
            note = "this computer only" if listening.host in ("127.0.0.1", "::1") else ""
            out.append((f"{scheme}://{format_host(listening.host)}:{listening.port}", note))
    return out


class LogPanel(QWidget):
    """A filter box over a table of the newest events."""

    def __init__(self, model: EventLogModel, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Fixed widths from the column titles and typical values: sizing to the contents would
        # measure every row on every insert, which stalls the window when a busy lab logs thousands.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for column, col in enumerate(model.columns):
            sample = max(col.title, col.sample, key=len)
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)


class Dashboard(QWidget):
    """Cards for the four servers above tabs of live activity."""

    #: A file arrived and was verified (carries the FileReceived event).
    file_received = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.bridge = context.bridge
        self.clients: dict[str, dict[str, str]] = {name: {} for name in SERVICES}  # worker -> client id -> label
        self.cards: dict[str, ServerCard] = {}

        cards = QWidget()
        grid = QGridLayout(cards)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        for i, name in enumerate(SERVICES):
            card = ServerCard(name)
            card.start_clicked.connect(self.on_start)
            card.stop_clicked.connect(self.on_stop)
            card.restart_clicked.connect(self.on_restart)
            card.port_changed.connect(self.on_port_changed)
            grid.addWidget(card, i // 2, i % 2)
            self.cards[name] = card

        self.connections = LogPanel(connections_model(self), "Filter connections (name, address, server)…")
        self.chat = LogPanel(chat_model(self), "Filter chat (room, name, words)…")
        self.api = LogPanel(api_model(self), "Filter requests (method, path, status)…")
        from gui.files.received import ReceivedFilesView

        self.received = ReceivedFilesView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.connections, "Connections")
        self.tabs.addTab(self.chat, "Chat activity")
        self.tabs.addTab(self.api, "API requests")
        self.tabs.addTab(self.received, "Received files")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(cards)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.bridge.events.connect(self.on_events)
        self.bridge.worker_changed.connect(self.on_worker_changed)
        for name in SERVICES:
            self.on_worker_changed(name)

    # --- events ---------------------------------------------------------------------------------

    def on_events(self, events: list[Any]) -> None:
        """One tick's events: rows go into the panels in one insert per panel."""
        connections, chat, api = [], [], []
        touched: set[str] = set()
        now = time.time()
        for event in events:
            if isinstance(event, ClientConnected):
                self.clients.setdefault(event.worker, {})[event.client_id] = event.label
                connections.append(ConnectionRow(now, event, event.label))
                touched.add(event.worker)
            elif isinstance(event, ClientDisconnected):
                label = self.clients.setdefault(event.worker, {}).pop(event.client_id, "")
                connections.append(ConnectionRow(now, event, label))
                touched.add(event.worker)
            elif isinstance(event, ChatActivity):
                chat.append(event)
            elif isinstance(event, ApiRequest):
                api.append(event)
            elif isinstance(event, FileReceived):
                self.received.add(event)
                self.file_received.emit(event)
            elif isinstance(event, WorkerExited):
                self.clients[event.worker] = {}
        self.connections.model.queue(connections)
        self.chat.model.queue(chat)
        self.api.model.queue(api)
        for name in touched:
            self._refresh(name)

    def on_worker_changed(self, name: str) -> None:
        if name in self.cards:
            self._refresh(name)

    def _refresh(self, name: str) -> None:
        info = self.bridge.supervisor.info(name)
        port = self.context.settings.lab().port(name)
        if info.listening:
            port = info.listening[0].port or port
        self.cards[name].show_info(info, port, reach_addresses(info), len(self.clients.get(name, {})))

    # --- card actions ---------------------------------------------------------------------------

    def apply_settings(self, name: str) -> None:
        """Give the worker the config the current settings describe (used at its next start)."""
        self.bridge.supervisor.set_config(name, worker_config(self.context.settings.lab(), name))

    def on_start(self, name: str) -> None:
        self.apply_settings(name)
        self.bridge.start(name)
        self._refresh(name)

    def on_stop(self, name: str) -> None:
        self.bridge.stop(name)

    def on_restart(self, name: str) -> None:
        self.apply_settings(name)
        self.bridge.restart(name)

    def on_port_changed(self, name: str, port: int) -> None:
        field = {"chat": "chat_port", "echo": "echo_port", "files": "file_port", "api": "api_port"}[name]
        if getattr(self.context.settings, field) != port:
            self.context.update_settings(**{field: port})
            self.apply_settings(name)

    def start_all(self) -> None:
        for name in SERVICES:
            if self.bridge.supervisor.info(name).state in (WorkerState.STOPPED, WorkerState.CRASHED):
                self.on_start(name)

    def restart_running(self) -> None:
        """After a change of host (the network switch): restart what runs, so it listens anew."""
        for name in SERVICES:
            self.apply_settings(name)
            if self.bridge.supervisor.info(name).state in (WorkerState.RUNNING, WorkerState.STARTING):
                self.bridge.restart(name)
