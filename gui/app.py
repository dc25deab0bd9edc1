"""Start the Wirelab window."""

from __future__ import annotations

import os
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from core.lab import LabSettings, worker_specs
from core.supervisor import Supervisor


#: The window's servers run this many nice levels below it: under load the window keeps its CPU (the
#: dashboard's p99 event-loop lateness halved in bench/gui_responsiveness.py), the servers keep every idle cycle.
WORKER_NICE = 5


def build_supervisor(settings: LabSettings, auto_restart: bool = False) -> Supervisor:
    supervisor = Supervisor(auto_restart=auto_restart, worker_nice=WORKER_NICE)
    for spec in worker_specs(settings):
        supervisor.add(spec)
    return supervisor


def run(argv: list[str]) -> int:
    from core import settings as settings_store
    from gui.common.icons import app_icon
    from gui.context import AppContext
    from gui.main_window import MainWindow
    from gui.servers.bridge import SupervisorBridge

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Wirelab")
    app.setOrganizationName("Wirelab")
    app.setApplicationDisplayName("Wirelab")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # closing the main window quits; tool windows alone do not
    settings = settings_store.load()
    supervisor = build_supervisor(settings.lab(), auto_restart=settings.restart_crashed)
    bridge = SupervisorBridge(supervisor)
    context = AppContext(settings, bridge)
    window = MainWindow(context)
    window.show()
    _close_on_signals(window)
    if settings.start_servers_at_launch:
        # A moment after the first paint: starting four processes competes for the CPU with drawing
        # the window, and people should see the window at once.
        QTimer.singleShot(150, window.dashboard.start_all)
    _exit_after_shown(window)
    try:
        return app.exec()
    finally:
        bridge.close()


def _close_on_signals(window: QWidget) -> None:
    """Ctrl-C or SIGTERM close the window like its close button (servers stopped cleanly, no prompt).

    Python runs signal handlers only between bytecodes, so a slow timer gives it the chance while Qt's
    loop is idle.
    """

    def close(*_: object) -> None:
        window.force_close = True
        QTimer.singleShot(0, window.close)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, close)
    ticker = QTimer(window)
    ticker.timeout.connect(lambda: None)
    ticker.start(200)


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
            QTimer.singleShot(2, check)
            return
        print("Wirelab window shown", file=sys.stderr, flush=True)
        QTimer.singleShot(int(float(seconds) * 1000), window.close)

    QTimer.singleShot(0, check)
