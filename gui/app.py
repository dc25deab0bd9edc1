"""Start the Wirelab window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from core.lab import LabSettings, worker_specs
from core.supervisor import Supervisor


def build_supervisor(settings: LabSettings, auto_restart: bool = False) -> Supervisor:
    supervisor = Supervisor(auto_restart=auto_restart)
    for spec in worker_specs(settings):
        supervisor.add(spec)
    return supervisor


def run(argv: list[str]) -> int:
    from gui.main_window import MainWindow
    from gui.servers.bridge import SupervisorBridge

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Wirelab")
    app.setOrganizationName("Wirelab")
    supervisor = build_supervisor(LabSettings())
    bridge = SupervisorBridge(supervisor)
    window = MainWindow(bridge)
    window.show()
    try:
        return app.exec()
    finally:
        bridge.close()
