"""The REST API server: the Flask app served by waitress (a production WSGI server, pure Python)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from core.config import ApiConfig
from core.messages import Listening
from core.net.listen import bound_address, open_listener


class ApiServer:
    def __init__(self, config: ApiConfig, emit: Callable[[Any], None], worker: str = "api") -> None:
        self.config = config
        self.emit = emit
        self.worker = worker
        self.address: tuple[str, int] | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> tuple[str, int]:
        from waitress.server import create_server

        from core.api import create_app

        sock = open_listener(self.config.host, self.config.port, "api")
        self.address = bound_address(sock)
        app = create_app({"DATA_DIR": self.config.data_dir})
        self._server = create_server(
            app, sockets=[sock], threads=self.config.threads, ident="Wirelab", clear_untrusted_proxy_headers=True
        )
        self._thread = threading.Thread(target=self._server.run, name=f"{self.worker}-waitress", daemon=True)
        self._thread.start()
        self.emit(Listening(self.worker, "api", "http", *self.address))
        return self.address

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
