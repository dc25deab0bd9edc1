"""Where to send: this computer, machines found on the network, recent ones and typed addresses.

Machines are found with zeroconf (:mod:`core.discovery`, through the chat window's
:class:`gui.chat.discovery.LanBrowser`); the list updates while it is open. mDNS does not cross
subnets and firewalls often block it, so a typed ``host:port`` always works too, and the picker says
so when it finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.config import DEFAULT_FILE_PORT, machine_name
from core.net.connect import ConnectFailure, parse_address
from core.net.interfaces import lan_addresses
from gui.common.style import GREEN, RED
from gui.files.jobs import Probe, Target

AddressRole = Qt.ItemDataRole.UserRole + 1

#: The order of the kinds of machine in the list.
KIND_ORDER = {"own": 0, "peer": 1, "typed": 2, "recent": 3}


@dataclass
class Entry:
    """One machine in the list."""

    target: Target
    kind: str  # "own", "peer" (found on the network), "typed" or "recent"
    checked: bool = False
    status: str = ""  # "", "checking", "ok" or "bad" (typed addresses are checked when added)
    detail: str = ""  # words for the tooltip: who answered, or why not
    seen: bool = True  # for peers: still announced on the network
    name: str = ""  # the computer name it answered with (typed and recent addresses, once checked)

    @property
    def text(self) -> str:
        label = self.target.label or (f"{self.name} ({self.target.address})" if self.name else self.target.address)
        suffix = {
            "recent": "   — recent",
            "typed": "",
        }.get(self.kind, "")
        if self.kind == "peer" and not self.seen:
            suffix = "   — not announced right now"
        if self.status == "checking":
            suffix += "   · checking…"
        elif self.status == "ok":
            suffix += "   ✓ answers"
        elif self.status == "bad":
            suffix += "   ✗ does not answer"
        return label + suffix


class TargetPicker(QWidget):
    """A ticked list of machines. Typed addresses are checked at once, on a thread (core.file_sender)."""

    #: The ticked machines changed.
    selection_changed = Signal()
    #: A typed address was checked: (address, words for people; "" when it answered).
    checked_address = Signal(str, str)

    def __init__(self, context: Any, parent: QWidget | None = None, *, discover: bool = True,
                 hint_after_ms: int = 4000) -> None:
        super().__init__(parent)
        self.context = context
        self.discover = discover
        self.entries: dict[str, Entry] = {}
        self.peers: list[Any] = []
        self._probes: list[Probe] = []
        self._browser: Any = None
        self._searching = discover
        self._own_machine = machine_name()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.list = QListWidget()
        self.list.setMinimumHeight(120)
        self.list.setAlternatingRowColors(False)
        self.list.setStyleSheet("QListWidget::item { padding: 4px 2px; }")  # room to aim a tick at
        self.list.setToolTip("Tick every machine that should get the files")
        self.list.itemChanged.connect(self.on_item_changed)
        layout.addWidget(self.list, 1)

        row = QHBoxLayout()
        self.address = QLineEdit()
        self.address.setPlaceholderText(f"Type an address, e.g. 192.168.1.20:{DEFAULT_FILE_PORT}")
        self.address.setClearButtonEnabled(True)
        self.address.returnPressed.connect(self.on_add_typed)
        self.address.textChanged.connect(lambda _text: self._problem(""))
        row.addWidget(self.address, 1)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add this address to the list and check that it answers")
        self.add_button.clicked.connect(self.on_add_typed)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {RED};")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.timeout.connect(self.on_search_quiet)
        self.refresh_own()
        self.refresh_recent()
        if discover:
            from gui.chat.discovery import LanBrowser

            self._browser = LanBrowser("files")
            self._browser.peers_changed.connect(self.on_peers)
            self._browser.unavailable.connect(self.on_discovery_unavailable)
            self._browser.start()
            self._hint_timer.start(hint_after_ms)
        self._show_status()

    # --- what is in the list ----------------------------------------------------------------------

    def checked_targets(self) -> list[Target]:
        return [e.target for e in self._ordered() if e.checked]

    def entry(self, address: str) -> Entry | None:
        return self.entries.get(address)

    def set_checked(self, address: str, checked: bool = True) -> None:
        entry = self.entries[address]
        entry.checked = checked
        self._render()
        self.selection_changed.emit()

    def refresh_own(self) -> None:
        """This computer's own receiver (when this app runs it)."""
        address = self.context.address("files") if self.context is not None else None
        for key in [k for k, e in self.entries.items() if e.kind == "own"]:
            if address is None or Target(*address).address != key:
                entry = self.entries.pop(key)
                if entry.checked:
                    self.selection_changed.emit()
        if address is not None:
            target = Target(address[0], address[1], f"This computer ({Target(*address).address})", own=True)
            old = self.entries.get(target.address)
            self.entries[target.address] = Entry(target, "own", checked=old.checked if old else False)
        self._render()
        self._show_status()

    def refresh_recent(self) -> None:
        recent = tuple(getattr(getattr(self.context, "settings", None), "recent_file_targets", ()))
        for text in recent:
            try:
                host, port = parse_address(text, DEFAULT_FILE_PORT)
            except ConnectFailure:
                continue
            target = Target(host, port)
            if target.address not in self.entries:
                self.entries[target.address] = Entry(target, "recent")
        self._render()

    def add_typed(self, text: str) -> Target | None:
        """Add (and tick) a typed address and check it answers; None and words in ``problem`` if invalid."""
        try:
            host, port = parse_address(text, DEFAULT_FILE_PORT)
        except ConnectFailure as exc:
            self._problem(exc.message)
            return None
        target = Target(host, port)
        entry = self.entries.get(target.address)
        if entry is None:
            entry = self.entries[target.address] = Entry(target, "typed")
        entry.checked = True
        self._problem("")
        self.probe(entry)
        self._render()
        self.selection_changed.emit()
        return entry.target

    def probe(self, entry: Entry) -> None:
        entry.status, entry.detail = "checking", ""
        probe = Probe(entry.target)
        probe.answered.connect(self.on_probe_answered)
        self._probes.append(probe)
        probe.start()

    @property
    def idle(self) -> bool:
        """No address check is running."""
        return all(p.finished_flag for p in self._probes)

    def close_browser(self) -> None:
        self._hint_timer.stop()
        if self._browser is not None:
            self._browser.close()
            self._browser = None

    # --- slots ------------------------------------------------------------------------------------

    def on_add_typed(self) -> None:
        if self.add_typed(self.address.text()) is not None:
            self.address.clear()

    def on_probe_answered(self, address: str, name: str, problem: str) -> None:
        probe = self.sender()
        if probe in self._probes:
            self._probes.remove(probe)
        entry = self.entries.get(address)
        if entry is not None:
            entry.status = "ok" if not problem else "bad"
            entry.detail = f"{name} answers" if name else problem
            entry.name = name
            self._render()
        if problem:
            self._problem(problem)
        self.checked_address.emit(address, problem)

    def on_peers(self, peers: list) -> None:
        """The machines found on the network changed (live)."""
        own = self.context.address("files") if self.context is not None else None
        mine = [p for p in peers if not (own and p.port == own[1] and p.machine == self._own_machine)]
        self.peers = mine
        if mine:
            self._searching = False  # the search has answered: if they all leave, say what to do at once
        found: dict[str, Target] = {}
        for peer in mine:
            host = next((a for a in peer.addresses if "." in a), peer.addresses[0] if peer.addresses else peer.machine)
            target = Target(host, peer.port, peer.label)
            found[target.address] = target
        for key, entry in list(self.entries.items()):
            if entry.kind == "peer" and key not in found:
                if entry.checked:
                    entry.seen = False  # ticked: keep it, the person chose it
                else:
                    del self.entries[key]
        for key, target in found.items():
            entry = self.entries.get(key)
            if entry is None or entry.kind in ("recent", "typed", "peer"):
                checked = entry.checked if entry is not None else False
                self.entries[key] = Entry(target, "peer", checked=checked)
        self._render()
        self._show_status()

    def on_search_quiet(self) -> None:
        self._searching = False
        self._show_status()

    def on_discovery_unavailable(self, words: str) -> None:
        self._searching = False
        self.discover = False
        self._show_status(words)

    def on_item_changed(self, item: QListWidgetItem) -> None:
        entry = self.entries.get(item.data(AddressRole))
        if entry is None:
            return
        checked = item.checkState() == Qt.CheckState.Checked
        if checked != entry.checked:
            entry.checked = checked
            self.selection_changed.emit()

    # --- rendering --------------------------------------------------------------------------------

    def _problem(self, words: str) -> None:
        self.problem.setText(words)
        self.problem.setVisible(bool(words))

    def _ordered(self) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: (KIND_ORDER[e.kind], e.target.name.lower()))

    def _render(self) -> None:
        self.list.blockSignals(True)
        current = self.list.currentItem().data(AddressRole) if self.list.currentItem() else None
        self.list.clear()
        for entry in self._ordered():
            item = QListWidgetItem(entry.text)
            item.setData(AddressRole, entry.target.address)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if entry.checked else Qt.CheckState.Unchecked)
            tip = {
                "own": "This computer's own file receiver: useful to try things out",
                "peer": "Found on this network",
                "typed": "Typed by you",
                "recent": "You sent files here before",
            }[entry.kind]
            item.setToolTip(f"{tip}\n{entry.target.address}" + (f"\n{entry.detail}" if entry.detail else ""))
            if entry.status == "bad":
                item.setForeground(QColor(RED))
            elif entry.status == "ok":
                item.setForeground(QColor(GREEN))
            self.list.addItem(item)
            if entry.target.address == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def hint_text(self) -> str:
        """What to do when no machine is found: type its address; and how others reach this computer."""
        words = (f"No other Wirelab machine has been found on this network. If the other computer is on another "
                 f"network (a different subnet), or a firewall blocks discovery, type its address above: its "
                 f"Wirelab window shows it, e.g. 192.168.1.20:{DEFAULT_FILE_PORT}.")
        return words + " " + self.own_address_words()

    def own_address_words(self) -> str:
        own = self.context.address("files") if self.context is not None else None
        settings = getattr(self.context, "settings", None)
        if own is None:
            return ""
        if not getattr(settings, "serve_network", False):
            return ("This computer receives files only from itself right now: turn on “Serve this lab network” "
                    "in the main window so others can send to it.")
        addresses = [a for a in lan_addresses() if a.version == 4] or lan_addresses()
        if not addresses:
            return ""
        shown = ", ".join(f"{a.for_url}:{own[1]}" for a in addresses[:3])
        return f"Others can send to this computer at {shown}."

    def _show_status(self, words: str | None = None) -> None:
        if words is not None:
            self.status.setText(f"{words} {self.hint_text()}")
            return
        if self.peers:
            n = len(self.peers)
            self.status.setText(f"Found {n} machine{'s' if n != 1 else ''} on this network. "
                                "The list updates by itself.")
        elif not self.discover:
            self.status.setText(f"Type the other computer's address above: its Wirelab window shows it, e.g. "
                                f"192.168.1.20:{DEFAULT_FILE_PORT}. {self.own_address_words()}".strip())
        elif self._searching:
            self.status.setText("Looking for Wirelab machines on this network…")
        else:
            self.status.setText(self.hint_text())

    @property
    def hint_shown(self) -> bool:
        """The "nothing found: type the address" hint is showing."""
        return "type its address" in self.status.text() or "Type the other computer's address" in self.status.text()
