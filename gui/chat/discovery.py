"""Chat servers found on the lab network (core.discovery), as a Qt signal for the connect dialog."""

from __future__ import annotations

import logging
import threading
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class LanBrowser(QObject):
    """Browses for Wirelab chat servers with zeroconf; starting and stopping run off the GUI thread."""

    #: The servers found so far changed: a list of :class:`core.discovery.Peer`.
    peers_changed = Signal(list)
    #: Browsing is not possible on this computer (words for people).
    unavailable = Signal(str)
    #: internal: zeroconf's thread -> the GUI thread.
    _found = Signal(list)

    _live: ClassVar[set[LanBrowser]] = set()  # kept alive until their background stop is done

    def __init__(self, service: str = "chat") -> None:
        super().__init__()
        self.service = service
        self._browser: Any = None
        self._lock = threading.Lock()
        self._closed = False
        self._found.connect(self.peers_changed, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        LanBrowser._live.add(self)
        threading.Thread(target=self._start, name="lan-browse", daemon=True).start()

    def _start(self) -> None:
        try:
            from core.discovery import Browser

            browser = Browser(self.service, lambda peers: self._found.emit(list(peers)))
            browser.start()
        except Exception as exc:  # noqa: BLE001 - no network, no multicast: manual entry still works
            log.info("LAN discovery unavailable: %s", exc)
            self.unavailable.emit("Could not look for servers on the network here; type the address instead.")
            LanBrowser._live.discard(self)
            return
        with self._lock:
            if not self._closed:
                self._browser = browser
                return
        browser.close()
        LanBrowser._live.discard(self)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            browser, self._browser = self._browser, None
        if browser is not None:
            def stop() -> None:
                browser.close()
                LanBrowser._live.discard(self)

            threading.Thread(target=stop, name="lan-browse-stop", daemon=True).start()
