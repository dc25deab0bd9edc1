"""Make docs/screenshots/*.png: every window, in a real X window (Xvfb), with real servers and activity.

    make screenshots            (or: .venv/bin/python scripts/screenshots.py [area ...])

Each GUI area provides ``gui/<area>/screens.py`` with ``capture(shooter)``; the :class:`Shooter` hands
it a running app context (real supervisor, real workers on free ports) and saves what it shows.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
AREAS = ("servers", "chat", "files", "rest")


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        return None
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("Xvfb is not installed: run `sudo sh scripts/system-deps.sh test` first.")
    display = ":87"
    proc = subprocess.Popen([xvfb, display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return proc


class Shooter:
    """What an area's ``capture()`` gets: the app, its context, and ways to wait and save."""

    def __init__(self, app, context, out: Path, workdir: Path) -> None:
        self.app = app
        self.context = context
        self.out = out
        self.workdir = workdir
        self.saved: list[Path] = []

    def wait(self, ms: int) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.app.processEvents()
            if predicate():
                return
            time.sleep(0.02)
        raise TimeoutError(f"screenshot setup: condition not met within {timeout}s")

    def save(self, widget, name: str) -> Path:
        widget.show()
        widget.raise_()
        self.wait(300)
        path = self.out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not save {path}")
        self.saved.append(path)
        print(f"saved {path.relative_to(ROOT)}")
        return path


def _free_or_any(port: int) -> int:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return 0
    return port


def main(argv: list[str]) -> int:
    areas = argv or list(AREAS)
    xvfb = start_xvfb()
    try:
        from PySide6.QtWidgets import QApplication

        from core.settings import Settings
        from gui.app import build_supervisor
        from gui.common.icons import app_icon
        from gui.context import AppContext
        from gui.servers.bridge import SupervisorBridge

        workdir = Path(tempfile.mkdtemp(prefix="wirelab-shots-"))
        for var, sub in (("WIRELAB_DATA_DIR", "data"), ("WIRELAB_CONFIG_DIR", "config"),
                         ("WIRELAB_RECEIVE_DIR", "received")):
            os.environ[var] = str(workdir / sub)
        app = QApplication.instance() or QApplication([sys.argv[0]])
        app.setWindowIcon(app_icon())
        from core import config as cfg

        # The ports people will see in real use, unless something on this machine holds them already.
        settings = Settings(nick="teacher", receive_dir=str(workdir / "received"),
                            chat_port=_free_or_any(cfg.DEFAULT_CHAT_PORT), echo_port=_free_or_any(cfg.DEFAULT_ECHO_PORT),
                            file_port=_free_or_any(cfg.DEFAULT_FILE_PORT), api_port=_free_or_any(cfg.DEFAULT_API_PORT))
        supervisor = build_supervisor(settings.lab())
        bridge = SupervisorBridge(supervisor)
        context = AppContext(settings, bridge, persist=False)
        OUT.mkdir(parents=True, exist_ok=True)
        shooter = Shooter(app, context, OUT, workdir)
        try:
            for area in areas:
                try:
                    module = importlib.import_module(f"gui.{area}.screens")
                except ModuleNotFoundError:
                    print(f"skip {area}: no gui/{area}/screens.py yet")
                    continue
                module.capture(shooter)
        finally:
            for window in list(context.windows):
                window.close()
            bridge.close()
            shutil.rmtree(workdir, ignore_errors=True)
        return 0
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
