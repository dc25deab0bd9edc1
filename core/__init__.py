"""Wirelab core: protocol, servers, clients, API, process supervisor and CLI.

Pure Python. Nothing under ``core`` may import Qt or ``gui`` (tests/core/test_no_qt.py checks it),
so every headless command and every worker process stays light and runs on machines without a screen.
"""

from core._version import __version__

APP_NAME = "Wirelab"

__all__ = ["APP_NAME", "__version__"]
