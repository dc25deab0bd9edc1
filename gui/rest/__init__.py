"""The REST request builder window (``gui.rest.window.RestWindow``); the logic lives in ``core.rest``.

Importing this package applies :func:`gui.rest.qtfix.protect_none` (a guard against a PySide6 6.12
reference-counting bug on Python 3.11 that otherwise aborts the app after a few thousand Qt calls).
"""

from gui.rest.qtfix import protect_none

protect_none()
