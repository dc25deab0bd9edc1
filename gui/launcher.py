"""The ``wirelab`` entry point: headless subcommands without Qt, the window otherwise.

Imports nothing from Qt at module level: spawned worker processes re-import the main module, and
``wirelab serve`` must run on machines without a screen or Qt's system libraries.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    # First, always: in a frozen (PyInstaller) app a spawned worker re-runs this executable, and
    # freeze_support() is what turns that run into the worker instead of a second app (a fork bomb).
    # Run from source it does nothing, and `wirelab send`/`chat` then need no multiprocessing at all
    # (its import is ~16 ms of every start); the supervisor imports it when a command runs servers.
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    from core.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else list(argv), open_gui=open_gui)


def open_gui(argv: list[str]) -> int:
    from gui.app import run

    return run(argv)
