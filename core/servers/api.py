"""The REST API server: the Flask app served by waitress (a production WSGI server, pure Python).

Two small additions around the app:

* :class:`RequestLog`, a WSGI middleware, turns every answered request into an
  :class:`~core.messages.ApiRequest` event for the GUI's live request log. It costs a clock read and a
  queue ``put`` per request.
* Errors that waitress answers itself, before the app sees the request (a body over the size limit, a
  malformed request), are JSON like the app's own and are logged the same way.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from core.config import ApiConfig
from core.errors import WorkerFatal
from core.messages import ApiRequest, Listening
from core.net.listen import bound_address, open_listener
from core.text import format_host

log = logging.getLogger(__name__)

#: Longest path (with its query) put in an event; hostile 64 KB URLs are cut, the log stays readable.
MAX_LOGGED_PATH = 2048


def _client(environ: dict[str, Any]) -> str:
    return f"{format_host(environ.get('REMOTE_ADDR') or '?')}:{environ.get('REMOTE_PORT') or '?'}"


def _path(environ: dict[str, Any]) -> str:
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    path = raw.encode("latin-1", "replace").decode("utf-8", "replace")  # WSGI hands bytes over as latin-1
    query = environ.get("QUERY_STRING")
    if query:
        path = f"{path}?{query}"
    return path if len(path) <= MAX_LOGGED_PATH else path[: MAX_LOGGED_PATH - 1] + "…"


class RequestLog:
    """WSGI middleware: one :class:`ApiRequest` event per request, when its answer has been handed over."""

    def __init__(self, app: Callable, emit: Callable[[Any], None], worker: str) -> None:
        self.app = app
        self.emit = emit
        self.worker = worker
        self._warned = False

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        wall = time.time()
        status = [500]

        def logging_start_response(status_line: str, headers: list, exc_info: Any = None) -> Any:
            status[0] = int(status_line[:3])
            return start_response(status_line, headers, exc_info)

        try:
            body = self.app(environ, logging_start_response)
        except BaseException:
            self.record(environ, 500, 0, started, wall)
            raise
        return _LoggedBody(body, self, environ, status, started, wall)

    def record(self, environ: dict[str, Any], status: int, size: int, started: float, wall: float) -> None:
        event = ApiRequest(
            worker=self.worker,
            method=environ.get("REQUEST_METHOD", "?"),
            path=_path(environ),
            status=status,
            millis=(time.perf_counter() - started) * 1000,
            size=size,
            client=_client(environ),
            time=wall,
        )
        try:
            self.emit(event)
        except Exception:  # noqa: BLE001 - the request log must never break serving
            if not self._warned:
                self._warned = True
                log.exception("could not send a request event; the request log misses entries")


class _LoggedBody:
    """The app's answer, passed through while counting its bytes; reports when the server closes it."""

    def __init__(self, body: Iterable[bytes], owner: RequestLog, environ: dict, status: list, started: float,
                 wall: float) -> None:
        self.body = body
        self.owner = owner
        self.environ = environ
        self.status = status
        self.started = started
        self.wall = wall
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.owner.record(self.environ, self.status[0], self.size, self.started, self.wall)


def _waitress_error_words(code: int, limit: int) -> str:
    if code == 413:
        from core.api.errors import human_bytes

        return f"The request body is larger than the {human_bytes(limit)} this server accepts. Send a smaller body."
    if code == 431:
        return "The request's headers are too large. Send fewer or shorter headers."
    if code == 501:
        return "This server does not understand the request's Transfer-Encoding. Send the body plainly."
    if code == 400:
        return "The request is not valid HTTP, so the server could not read it. Check the program that sent it."
    return "The server could not answer this request. The details are in the Wirelab log."


def _channel_class(emit: Callable[[Any], None], worker: str, body_limit: int) -> type:
    """A waitress channel whose own error answers (413, 400, 431...) are JSON and show in the request log."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class JsonErrorTask(ErrorTask):
        def execute(self) -> None:
            started, wall = time.perf_counter(), time.time()
            error = self.request.error
            code = int(getattr(error, "code", 500))
            reason = getattr(error, "reason", "Error")
            body = json.dumps(
                {"code": code, "reason": reason, "message": _waitress_error_words(code, body_limit)},
                separators=(",", ":"),
            ).encode() + b"\n"
            self.status = f"{code} {reason}"
            self.response_headers.append(("Content-Type", "application/json"))
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)
            addr = self.channel.addr
            event = ApiRequest(
                worker=worker,
                method=getattr(self.request, "command", "") or "?",
                path=(getattr(self.request, "path", "") or "?")[:MAX_LOGGED_PATH],
                status=code,
                millis=(time.perf_counter() - started) * 1000,
                size=len(body),
                client=f"{format_host(str(addr[0]))}:{addr[1]}" if isinstance(addr, tuple) else "?",
                time=wall,
            )
            try:
                emit(event)
            except Exception:  # noqa: BLE001
                log.exception("could not send a request event")

    class JsonErrorChannel(HTTPChannel):
        error_task_class = JsonErrorTask

    return JsonErrorChannel


class ApiServer:
    def __init__(self, config: ApiConfig, emit: Callable[[Any], None], worker: str = "api") -> None:
        self.config = config
        self.emit = emit
        self.worker = worker
        self.address: tuple[str, int] | None = None
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> tuple[str, int]:
        from waitress.server import create_server

        from core.api import create_app, open_database

        self.app = create_app({"DATA_DIR": self.config.data_dir, "MAX_CONTENT_LENGTH": self.config.max_body_bytes})
        try:
            open_database(self.app)
        except Exception as exc:
            raise WorkerFatal(
                f"The REST API cannot use its data folder {self.config.data_dir}: {exc}. "
                "Pick another data folder in Settings, or make this one writable.",
                detail=repr(exc),
            ) from exc
        # Under load waitress warns about every queued request ("Task queue depth"), and it reports every
        # client that hangs up before its answer (wrk, a closed browser tab) at INFO: neither is news.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        logging.getLogger("waitress").setLevel(logging.WARNING)
        sock = open_listener(self.config.host, self.config.port, "api")
        self.address = bound_address(sock)
        self._server = create_server(
            RequestLog(self.app, self.emit, self.worker),
            sockets=[sock],
            threads=self.config.threads,
            ident="Wirelab",
            clear_untrusted_proxy_headers=True,
            # waitress refuses bodies of this size and more itself, before reading them.
            max_request_body_size=self.config.max_body_bytes + 1,
        )
        self._server.channel_class = _channel_class(self.emit, self.worker, self.config.max_body_bytes)
        self._thread = threading.Thread(target=self._server.run, name=f"{self.worker}-waitress", daemon=True)
        self._thread.start()
        self.emit(Listening(self.worker, "api", "http", *self.address))
        return self.address

    def close(self) -> None:
        """Stop listening, close every connection, let running requests finish (a few seconds at most)."""
        from core.api import close_app, stop_slow_answers

        server, self._server = self._server, None
        if server is not None:
            stop_slow_answers(self.app)
            # The sockets belong to waitress's loop thread, so they are closed there. The trigger (its wake-up
            # pipe) stays until the request threads are done: they still use it to hand over their last bytes.
            trigger = server.trigger
            _in_loop(trigger, lambda: _close_all(server._map, keep=trigger))
            server.task_dispatcher.shutdown(timeout=5)
            _in_loop(trigger, lambda: _close_all(server._map))  # the loop has nothing left to watch: it ends
            if self._thread is not None:
                self._thread.join(5)
                self._thread = None
            _close_all(server._map)  # in case the loop thread had already ended
        if self.app is not None:
            close_app(self.app)


def _in_loop(trigger: Any, thunk: Callable[[], None]) -> None:
    """Run ``thunk`` in waitress's loop thread (the trigger wakes it up)."""
    try:
        trigger.pull_trigger(thunk)
    except OSError:  # the trigger is closed, so the loop has ended: close() cleans up what is left itself
        pass


def _close_all(socket_map: dict, keep: Any = None) -> None:
    """Close the listener and every connection; wake request threads waiting to write to a slow client."""
    from waitress import wasyncore
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer

    for dispatcher in list(socket_map.values()):
        if dispatcher is keep:
            continue
        try:
            if isinstance(dispatcher, HTTPChannel):
                dispatcher.handle_close()  # also tells a waiting request thread that the client is gone
            elif isinstance(dispatcher, BaseWSGIServer):
                wasyncore.dispatcher.close(dispatcher)  # the listener (its own close() would close the trigger)
            else:
                dispatcher.close()
        except OSError:
            pass
    if keep is None:
        socket_map.clear()
