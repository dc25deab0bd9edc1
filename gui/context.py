"""What every Wirelab window shares: the settings and the connection to the servers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from core import settings as settings_store
from core.settings import Settings


class AppContext(QObject):
    """One per app. Tool windows receive it; they also work without one (``None``) in tests and demos.

    ``bridge`` is the :class:`gui.servers.bridge.SupervisorBridge` when this app runs servers.
    """

    #: The settings changed (carries the new :class:`core.settings.Settings`); already saved to disk.
    settings_changed = Signal(object)

    def __init__(self, settings: Settings | None = None, bridge: Any = None, *, persist: bool = True) -> None:
        super().__init__()
        self.settings = settings if settings is not None else settings_store.load()
        self.bridge = bridge
        self.persist = persist
        self.windows: list[QWidget] = []  # open tool windows, kept alive here

    def update_settings(self, **changes: Any) -> Settings:
        self.settings = replace(self.settings, **changes)
        self._saved()
        return self.settings

    def remember(self, attr: str, value: str) -> None:
        self.settings = self.settings.remember(attr, value)
        self._saved()

    def _saved(self) -> None:
        if self.persist:
            settings_store.save(self.settings)
        self.settings_changed.emit(self.settings)

    def address(self, service: str) -> tuple[str, int] | None:
        """Where this app's own server for ``service`` listens (connect to 127.0.0.1 when serving all)."""
        if self.bridge is None:
            return None
        try:
            info = self.bridge.supervisor.info(service)
        except KeyError:
            return None
        for listening in info.listening:
            host = listening.host
            if host in ("0.0.0.0", "::", ""):
                host = "127.0.0.1"
            return host, listening.port
        return None

    def keep(self, window: QWidget) -> QWidget:
        """Keep a tool window alive until it is closed."""
        self.windows.append(window)
        window.destroyed.connect(lambda *_: self.windows.remove(window) if window in self.windows else None)
        return window
