"""The main window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from core.lab import SERVICES, TITLES
from gui.servers.bridge import SupervisorBridge


class MainWindow(QMainWindow):
    def __init__(self, bridge: SupervisorBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.setWindowTitle("Wirelab")
        central = QWidget()
        layout = QVBoxLayout(central)
        self.labels = {}
        for name in SERVICES:
            label = QLabel(f"{TITLES[name]}: stopped")
            layout.addWidget(label)
            self.labels[name] = label
        self.setCentralWidget(central)
        bridge.worker_changed.connect(self.on_worker_changed)

    def on_worker_changed(self, name: str) -> None:
        info = self.bridge.supervisor.info(name)
        where = ", ".join(ev.url for ev in info.listening)
        self.labels[name].setText(f"{TITLES[name]}: {info.state.value} {where}")
