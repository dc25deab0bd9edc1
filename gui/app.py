"""Start the Wirelab window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

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
    _exit_after_shown(window)
    try:
        return app.exec()
    finally:
        bridge.close()


def _exit_after_shown(window: QWidget) -> None:
    """Test hook (docs/PACKAGING.md): with ``WIRELAB_EXIT_AFTER_SHOWN=SECONDS`` set, print
    "Wirelab window shown" to stderr once the window is on screen, then close it after SECONDS,
    as a person would. tests/packaging uses it to start and stop the frozen app."""
    seconds = os.environ.get("WIRELAB_EXIT_AFTER_SHOWN")
    if seconds is None:
        return

    def check() -> None:
        handle = window.windowHandle()
        if not (window.isVisible() and handle is not None and handle.isExposed()):
            QTimer.singleShot(10, check)
            return
        print("Wirelab window shown", file=sys.stderr, flush=True)
        QTimer.singleShot(int(float(seconds) * 1000), window.close)

    QTimer.singleShot(0, check)
