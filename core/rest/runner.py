"""Send one :class:`~core.rest.model.Request` with ``requests`` and collect everything the window shows.

:func:`build_call` turns the (resolved) request into the arguments for ``requests`` and notes where
each header comes from; :class:`Run` sends it, records the bytes on the wire (:mod:`core.rest.wire`),
downloads the body in chunks (into memory, or into a file once it is big) and measures the time with
the app's own clock, body included. A run can be cancelled from any thread: its sockets are shut down,
so even a server that never answers lets go at once.

Nothing here blocks the caller except :meth:`Run.execute` itself; :meth:`Run.start` runs it in a thread.
"""

from __future__ import annotations

import json
import mimetypes
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import requests
from requests.cookies import RequestsCookieJar
from urllib3.util import parse_url

from core.rest import explain
from core.rest.model import Environment, Request, RequestProblem, check_method, resolve
from core.rest.wire import Capture, RecordingAdapter, capturing

#: Bodies up to this size stay in memory; bigger ones go to a file in ``body_dir``.
MEMORY_BYTES = 1024 * 1024
#: A download stops here (and says so): the window is a teaching tool, not a download manager.
MAX_BODY_BYTES = 1024 * 1024 * 1024
CHUNK = 64 * 1024
_PROGRESS_EVERY = 0.1  # seconds between progress callbacks

ORIGIN_TEXT = {
    "you": "you set it in the Headers table",
    "auth": "from the Auth tab",
    "body": "set for the body you chose",
    "cookies": "from this environment's cookie jar",
    "library": "added by requests",
}

#: Why the library adds the headers it adds, in a few words (shown in the wire view).
HEADER_NOTES = {
    "host": "which site you want: one server can host many names",
    "user-agent": "which program is asking",
    "accept-encoding": "the answer may come compressed; requests unpacks it",
    "accept": "any type of answer is fine",
    "connection": "keep the connection open for the next request",
    "content-length": "the body's size in bytes, so the server knows where it ends",
    "transfer-encoding": "the body is sent in pieces whose size is given one by one",
    "cookie": "cookies the server set earlier, sent back",
    "authorization": "who you are",
    "content-type": "what kind of data the body holds",
}


@dataclass(frozen=True)
class Call:
    """Keyword arguments for ``requests.Session.request`` plus where each header came from."""

    kwargs: dict[str, Any]
    origins: dict[str, str]  # lower-case header name -> "you", "auth", "body"
    close: Callable[[], None] = lambda: None  # releases files opened for the body


def _check_url(url: str) -> None:
    if not url.strip():
        raise RequestProblem("Type an address first, for example {{base_url}}/todos or http://127.0.0.1:5001/todos.")
    scheme, _, rest = url.partition("://")
    if not _:
        raise RequestProblem(
            f'"{url}" needs to start with http:// or https:// (for example http://{url.lstrip("/")}).'
        )
    if scheme.lower() not in ("http", "https"):
        raise RequestProblem(f'This window speaks HTTP only: "{scheme}://" addresses cannot be sent here. '
                             "Use an address that starts with http:// or https://.")
    try:
        parsed = parse_url(url)
    except ValueError as exc:
        raise RequestProblem(f'"{url}" is not a valid address: {exc}. Check for spaces or a stray character.') from exc
    if not parsed.host:
        raise RequestProblem(f'"{url}" has no computer name after {scheme}:// (for example 127.0.0.1:5001).')
    try:
        parsed.port  # noqa: B018 - parse_url checks the port number while parsing
    except ValueError as exc:  # pragma: no cover - parse_url raised already
        raise RequestProblem(f'"{url}" has a port that is not a number.') from exc


def json_problem(text: str) -> str | None:
    """Plain words for where a JSON text goes wrong, or None when it is valid."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    return None


def _read_file(path: str, what: str) -> bytes:
    if not path:
        raise RequestProblem(f"Choose a file for {what} first.")
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise RequestProblem(f'The file "{path}" for {what} cannot be read ({exc.strerror or exc}). '
                             "Choose the file again.") from exc


def build_call(request: Request) -> Call:
    """The ``requests`` arguments for an already resolved request; :class:`RequestProblem` for bad input."""
    method = check_method(request.method)
    url = request.full_url().strip()
    _check_url(url)
    origins: dict[str, str] = {}
    headers: dict[str, str] = {}
    for pair in request.headers:
        if pair.enabled and pair.name.strip():
            name = pair.name.strip()
            if any(c in name for c in " :\r\n") or any(c in pair.value for c in "\r\n"):
                raise RequestProblem(f'The header "{name}" cannot be sent: header names have no spaces or colons, '
                                     "and values fit on one line.")
            headers[name] = pair.value
            origins[name.lower()] = "you"
    user_set = {k.lower() for k in headers}
    kwargs: dict[str, Any] = {"method": method, "url": url}
    params: list[tuple[str, str]] = []

    auth = request.auth
    if auth.kind == "basic":
        kwargs["auth"] = (auth.username, auth.password)
        origins["authorization"] = "auth"
    elif auth.kind == "bearer":
        if not auth.token.strip():
            raise RequestProblem("The Auth tab is set to Bearer token, but the token is empty. Paste the token, "
                                 "or choose No auth.")
        headers["Authorization"] = f"Bearer {auth.token.strip()}"
        origins["authorization"] = "auth"
    elif auth.kind == "apikey":
        if not auth.key_name.strip():
            raise RequestProblem("The Auth tab is set to API key, but the key has no name (for example X-API-Key).")
        if auth.key_in == "query":
            params.append((auth.key_name.strip(), auth.key_value))
        else:
            headers[auth.key_name.strip()] = auth.key_value
            origins[auth.key_name.strip().lower()] = "auth"

    body = request.body
    opened: list[Any] = []
    if body.mode == "json":
        problem = json_problem(body.text) if body.text.strip() else None
        if problem:
            raise RequestProblem(f"The JSON body has a mistake at {problem}. Fix it, or choose Raw text to send "
                                 "it exactly as it is.")
        kwargs["data"] = body.text.encode("utf-8")
        if "content-type" not in user_set:
            headers["Content-Type"] = "application/json"
            origins["content-type"] = "body"
    elif body.mode == "form":
        kwargs["data"] = [(p.name, p.value) for p in body.form if p.enabled and p.name]
        origins.setdefault("content-type", "body")
    elif body.mode == "multipart":
        files = []
        for part in body.parts:
            if not part.enabled or not part.name:
                continue
            if part.is_file:
                data = _read_file(part.value, f'the field "{part.name}"')
                ctype = part.content_type or mimetypes.guess_type(part.value)[0] or "application/octet-stream"
                files.append((part.name, (os.path.basename(part.value), data, ctype)))
            else:
                files.append((part.name, (None, part.value, part.content_type or None)))
        if not files:
            raise RequestProblem("The multipart body has no fields yet. Add a field or a file, or choose No body.")
        kwargs["files"] = files
        origins.setdefault("content-type", "body")
    elif body.mode == "raw":
        kwargs["data"] = body.text.encode("utf-8")
        if "content-type" not in user_set:
            headers["Content-Type"] = body.content_type or "text/plain; charset=utf-8"
            origins["content-type"] = "body"
    elif body.mode == "binary":
        if not body.file:
            raise RequestProblem("Choose the file to send as the body first.")
        try:
            handle = open(Path(body.file).expanduser(), "rb")  # noqa: SIM115 - closed by Call.close
        except OSError as exc:
            raise RequestProblem(f'The file "{body.file}" cannot be read ({exc.strerror or exc}). '
                                 "Choose the file again.") from exc
        opened.append(handle)
        kwargs["data"] = handle
        if "content-type" not in user_set:
            headers["Content-Type"] = (body.content_type or mimetypes.guess_type(body.file)[0]
                                       or "application/octet-stream")
            origins["content-type"] = "body"

    if params:
        kwargs["params"] = params
    kwargs["headers"] = headers
    options = request.options
    if not options.timeout or options.timeout <= 0:
        raise RequestProblem("The timeout must be more than 0 seconds (Options tab).")
    kwargs["timeout"] = options.timeout
    kwargs["allow_redirects"] = options.follow_redirects
    if not options.verify_tls:
        kwargs["verify"] = False
    elif options.ca_bundle:
        if not Path(options.ca_bundle).expanduser().is_file():
            raise RequestProblem(f'The CA file "{options.ca_bundle}" (Options tab) does not exist. Choose it again, '
                                 "or clear the field to trust the usual certificate authorities.")
        kwargs["verify"] = str(Path(options.ca_bundle).expanduser())
    if options.proxy:
        proxy = options.proxy.strip()
        if "://" not in proxy:
            proxy = "http://" + proxy
        kwargs["proxies"] = {"http": proxy, "https": proxy}

    def close() -> None:
        for handle in opened:
            handle.close()

    return Call(kwargs, origins, close)


def simple_query_value(text: str) -> bool:
    """True when ``params=`` in requests would encode ``text`` exactly as it is typed in the URL."""
    return quote_plus(text, safe="") == text


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentHeader:
    name: str
    value: str
    origin: str  # "you", "auth", "body", "cookies", "library"

    @property
    def note(self) -> str:
        return HEADER_NOTES.get(self.name.lower(), "")


@dataclass(frozen=True)
class SentRequest:
    """One request as it went out: the request line, every header (with its origin) and the body."""

    request_line: str
    headers: tuple[SentHeader, ...]
    body: bytes  # at most wire.KEEP_BODY_BYTES
    body_size: int

    @property
    def method(self) -> str:
        return self.request_line.split(" ", 1)[0]


@dataclass(frozen=True)
class Hop:
    """One request and the answer to it; a redirect chain is several hops."""

    url: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    sent: SentRequest | None


@dataclass(frozen=True)
class BodyRef:
    """The downloaded body: in memory (``data``) or in a file (``path``), ``size`` bytes in all."""

    size: int
    content_type: str = ""
    charset: str | None = None
    data: bytes | None = None
    path: str | None = None
    truncated: bool = False  # the download stopped at MAX_BODY_BYTES

    def read(self, limit: int | None = None) -> bytes:
        """The first ``limit`` bytes (all when None)."""
        if self.data is not None:
            return self.data if limit is None else self.data[:limit]
        if self.path is None:
            return b""
        with open(self.path, "rb") as f:
            return f.read() if limit is None else f.read(limit)


@dataclass(frozen=True)
class Outcome:
    """Everything about one run. ``problem`` is set when no HTTP answer came (or the request was bad)."""

    request: Request  # as typed
    sent_request: Request | None = None  # with the variables filled in
    environment: str = ""
    status: int = 0
    reason: str = ""
    http_version: str = ""
    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: BodyRef | None = None
    hops: tuple[Hop, ...] = ()
    total_seconds: float = 0.0
    headers_seconds: float = 0.0
    started_at: float = field(default_factory=time.time)
    problem: explain.Explanation | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.cancelled and self.status > 0

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def parse_sent(raw: bytes, total: int, origins: dict[str, str]) -> SentRequest:
    """Split recorded bytes into the request line, headers (with origins) and body."""
    head, sep, body = bytes(raw).partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        lower = name.strip().lower()
        origin = origins.get(lower) or ("cookies" if lower == "cookie" else "library")
        headers.append(SentHeader(name.strip(), value.strip(), origin))
    body_size = max(0, total - len(head) - len(sep))
    from core.rest.wire import KEEP_BODY_BYTES

    return SentRequest(lines[0], tuple(headers), body[:KEEP_BODY_BYTES], body_size)


def _http_version(raw: Any) -> str:
    version = getattr(getattr(raw, "_original_response", None), "version", None) or getattr(raw, "version", 11)
    return {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(version, "HTTP/1.1")


class Run:
    """One request being sent. ``execute()`` does it here and now; ``start()`` does it in a thread."""

    def __init__(self, request: Request, environment: Environment | None = None, *,
                 cookies: RequestsCookieJar | None = None, body_dir: str | None = None,
                 on_progress: Callable[[int, int | None], None] | None = None,
                 max_bytes: int = MAX_BODY_BYTES) -> None:
        self.request = request
        self.environment = environment
        self.cookies = cookies if cookies is not None else RequestsCookieJar()
        self.body_dir = body_dir
        self.on_progress = on_progress
        self.max_bytes = max_bytes
        self.capture = Capture()
        self._cancel = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Stop the run as soon as possible (from any thread); the outcome says ``cancelled``."""
        self._cancel.set()
        self.capture.abort()

    def start(self, on_done: Callable[[Outcome], None]) -> threading.Thread:
        def work() -> None:
            on_done(self.execute())

        self.thread = threading.Thread(target=work, name="wirelab-rest-run", daemon=True)
        self.thread.start()
        return self.thread

    def execute(self) -> Outcome:
        started = time.time()
        env_name = self.environment.name if self.environment is not None else ""
        try:
            resolved = resolve(self.request, self.environment)
            call = build_call(resolved)
        except RequestProblem as exc:
            return Outcome(self.request, environment=env_name, started_at=started,
                           problem=explain.request_problem(str(exc)))
        t0 = time.perf_counter()
        session = requests.Session()
        session.trust_env = False  # what the window shows is what is sent: no hidden proxies or .netrc
        session.cookies = self.cookies
        adapter = RecordingAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        response = None
        spool = None
        try:
            with capturing(self.capture):
                if self._cancel.is_set():
                    raise _Cancelled
                response = session.request(stream=True, **call.kwargs)
                headers_s = time.perf_counter() - t0
                chunks: list[bytes] = []
                size = 0
                truncated = False
                last = 0.0
                total = _content_length(response)
                for chunk in response.iter_content(CHUNK):
                    if self._cancel.is_set():
                        raise _Cancelled
                    size += len(chunk)
                    if spool is None and size > MEMORY_BYTES and self.body_dir is not None:
                        spool = tempfile.NamedTemporaryFile(dir=self.body_dir, prefix="body-", delete=False)
                        spool.write(b"".join(chunks))
                        chunks = []
                    if spool is not None:
                        spool.write(chunk)
                    else:
                        chunks.append(chunk)
                    now = time.perf_counter()
                    if self.on_progress is not None and now - last > _PROGRESS_EVERY:
                        last = now
                        self.on_progress(size, total)
                    if size >= self.max_bytes:
                        truncated = True
                        break
                total_s = time.perf_counter() - t0
        except _Cancelled:
            return self._cancelled(resolved, env_name, started, spool)
        except (requests.exceptions.RequestException, OSError, ValueError) as exc:
            if self._cancel.is_set():
                return self._cancelled(resolved, env_name, started, spool)
            _discard(spool)
            return Outcome(self.request, resolved, env_name, started_at=started,
                           total_seconds=time.perf_counter() - t0, hops=self._hops(response, call),
                           problem=explain.transport_problem(exc, resolved.full_url(), resolved))
        finally:
            if response is not None:
                response.close()
            session.close()
            call.close()
        if spool is not None:
            spool.close()
            body = BodyRef(size, _ctype(response), response.encoding, path=spool.name, truncated=truncated)
        else:
            body = BodyRef(size, _ctype(response), response.encoding, data=b"".join(chunks), truncated=truncated)
        if self.on_progress is not None:
            self.on_progress(size, size)
        return Outcome(
            self.request, resolved, env_name,
            status=response.status_code, reason=response.reason or "",
            http_version=_http_version(response.raw), url=response.url,
            headers=tuple(response.raw.headers.items()) if response.raw is not None else tuple(response.headers.items()),
            body=body, hops=self._hops(response, call), total_seconds=total_s, headers_seconds=headers_s,
            started_at=started,
        )

    def _cancelled(self, resolved: Request, env_name: str, started: float, spool: Any) -> Outcome:
        _discard(spool)
        return Outcome(self.request, resolved, env_name, started_at=started, cancelled=True,
                       problem=explain.cancelled())

    def _hops(self, response: requests.Response | None, call: Call) -> tuple[Hop, ...]:
        sent = [parse_sent(s.data, s.total, call.origins) for s in self.capture.sent]
        responses = ([*response.history, response] if response is not None else [])
        hops = []
        for i, r in enumerate(responses):
            headers = tuple(r.raw.headers.items()) if r.raw is not None else tuple(r.headers.items())
            hops.append(Hop(r.url, r.status_code, r.reason or "", headers, sent[i] if i < len(sent) else None))
        for s in sent[len(responses):]:  # sent, but no answer came
            hops.append(Hop("", 0, "", (), s))
        return tuple(hops)


class _Cancelled(Exception):
    pass


def _discard(spool: Any) -> None:
    if spool is not None:
        spool.close()
        try:
            os.unlink(spool.name)
        except OSError:
            pass


def _content_length(response: requests.Response) -> int | None:
    try:
        return int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None


def _ctype(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "")
