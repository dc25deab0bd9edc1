"""Plain words for what a result means: a status code for *this* request, or which layer failed.

``explain_status`` looks at the method, the path (what kind of thing the request is about), the answer's
headers (Location, Allow, Retry-After ...) and the body that was sent, and says what happened and what
to do next. ``transport_problem`` turns a ``requests`` exception into the layer that failed (name
lookup, connection, encryption, waiting for the answer) and what to check.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from core.rest.model import Request

#: The layers a request goes through, in order; an error names the one that failed.
LAYERS = (
    ("request", "Your request"),
    ("dns", "Find the computer (DNS)"),
    ("tcp", "Connect (TCP)"),
    ("tls", "Encrypt (TLS)"),
    ("http", "Ask and answer (HTTP)"),
)
LAYER_TITLES = dict(LAYERS)


@dataclass(frozen=True)
class Explanation:
    title: str  # one line, e.g. "201 Created: a new todo was made"
    text: str  # what happened, in a few sentences
    hint: str = ""  # what to do or check next
    layer: str = "http"  # one of LAYERS' keys
    tone: str = "ok"  # "ok", "info", "warning", "error"
    detail: str = ""  # the technical message, for the curious and for bug reports


REASONS = {
    100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
    203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
    300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
    402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict",
    410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large",
    414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed",
    418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Content", 423: "Locked",
    425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}

_ID_RE = re.compile(r"^(\d+|[0-9a-fA-F-]{8,}|\{\{.*\}\})$")
_VERSION_RE = re.compile(r"^v\d+$")


def reason_for(code: int, reason: str = "") -> str:
    return reason or REASONS.get(code, "")


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        return word[:-1]
    return word


@dataclass(frozen=True)
class Subject:
    """What a path is about: ``/todos/3`` -> collection "todos", thing "todo", item id "3"."""

    collection: str  # "" when the path names no collection
    thing: str
    item: str  # "" for the collection itself

    def the(self) -> str:
        if self.item:
            return f"the {self.thing} {self.item}"
        return f"the {self.collection} list" if self.collection else "this address"


def subject_of(url: str) -> Subject:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return Subject("", "page", "")
    last = segments[-1]
    if _ID_RE.match(last) and len(segments) >= 2:
        collection = segments[-2]
        return Subject(collection, singular(collection), last)
    if _VERSION_RE.match(last) or last in ("reset", "echo", "status", "delay", "redirect", "bytes"):
        return Subject("", last, "")
    return Subject(last, singular(last), "")


def _header(headers: Any, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def _sent_content_type(request: Request | None) -> str:
    if request is None:
        return ""
    for pair in request.headers:
        if pair.enabled and pair.name.lower() == "content-type":
            return pair.value
    mode = request.body.mode
    return {"json": "application/json", "form": "application/x-www-form-urlencoded",
            "multipart": "multipart/form-data", "raw": request.body.content_type or "text/plain",
            "binary": request.body.content_type or "a file"}.get(mode, "")


def explain_status(code: int, reason: str, method: str, url: str, headers: Any = (),
                   request: Request | None = None, body_text: str = "", follow_redirects: bool = True) -> Explanation:
    """What ``code`` means for this request, and what to do next."""
    method = method.upper()
    reason = reason_for(code, reason)
    head = f"{code} {reason}".strip()
    subject = subject_of(url)
    thing = subject.thing
    location = _header(headers, "Location")
    message = body_text.strip().splitlines()[0][:200] if body_text.strip() else ""

    def make(summary: str, text: str, hint: str = "", tone: str = "ok") -> Explanation:
        return Explanation(f"{head}: {summary}", text, hint, "http", tone)

    if 200 <= code < 300:
        if code == 201:
            where = (f" Its address is in the Location header: {location}" if location
                     else " The body usually shows it, often with the id the server gave it.")
            return make(f"the server made a new {thing}",
                        f"Your {method} created a new {thing} on the server.{where}",
                        f"GET the {subject.collection or 'list'} again to see it there." if subject.collection else "")
        if code == 202:
            return make("accepted, not done yet", "The server took the request and will do it later.",
                        "Check back later; the body may say where to look.", "info")
        if code == 204:
            done = {"DELETE": f"{subject.the().capitalize()} was deleted.",
                    "PUT": f"{subject.the().capitalize()} was replaced.",
                    "PATCH": f"{subject.the().capitalize()} was updated."}.get(method, "It worked.")
            return make("it worked, and there is nothing to show",
                        f"{done} A 204 answer never has a body: any text the server wrote is not sent.",
                        "GET the address to see the current state." if method != "GET" else "")
        if code == 206:
            return make("part of the content", "The server sent only the part (range) that was asked for.")
        texts = {
            "GET": f"Here is {subject.the()}: the body holds it.",
            "HEAD": "HEAD asks for the headers only: the answer has no body by design.",
            "POST": "The server accepted what you sent. The body says what it did with it.",
            "PUT": f"{subject.the().capitalize()} was replaced by what you sent. The body shows the result.",
            "PATCH": f"{subject.the().capitalize()} was updated with the fields you sent; the others stayed.",
            "DELETE": f"{subject.the().capitalize()} was deleted." + (
                " The empty JSON object {} means nothing is left of it." if body_text.strip() == "{}" else ""),
            "OPTIONS": "The Allow header lists the methods this address accepts." if _header(headers, "Allow")
            else "The server answered the OPTIONS question.",
        }
        return make("it worked", texts.get(method, "The request worked."))
    if 300 <= code < 400:
        if code == 304:
            return make("not modified", "Your copy is still up to date, so the server sent no body.", tone="info")
        kind = "for good" if code in (301, 308) else "for now"
        where = f" to {location}" if location else ""
        if follow_redirects:
            hint = "The Wire tab shows every step of the redirect chain."
        else:
            hint = "Turn on Follow redirects in the Options tab to go there automatically, or send to that address."
        keeps = (" The method and body are kept." if code in (307, 308)
                 else " Clients follow it with a GET." if code == 303 else "")
        return make(f"moved {kind}", f"The server says this is somewhere else{where}.{keeps}", hint, "info")
    if 400 <= code < 500:
        said = f' The server said: "{message}"' if message else ""
        if code == 400:
            return make("the server could not use what you sent",
                        f"The request reached the server, but something in it is wrong or missing.{said}",
                        "Compare your body with what the server expects (field names, required fields, types).",
                        "warning")
        if code == 401:
            how = _header(headers, "WWW-Authenticate")
            return make("you need to log in", "The server wants to know who you are before it answers."
                        + (f" It asks for: {how}." if how else ""),
                        "Set up the Auth tab (user and password, or a token) and send again.", "warning")
        if code == 403:
            return make("not allowed", "The server knows the request but refuses it for you." + said,
                        "Check that your account or token has the right to do this.", "warning")
        if code == 404:
            if subject.item:
                text = (f"There is no {thing} {subject.item} on the server: it may never have existed, or "
                        "it was deleted.")
                hint = f"GET /{subject.collection} to list the {subject.collection} that exist, then use one of their ids."
            else:
                text = "Nothing on the server answers to this address." + said
                hint = "Check the spelling of the path; a missing or extra / matters."
            if method == "GET" and any(p.enabled and p.name for p in (request.params if request else ())):
                text = f"The server found nothing that matches your query.{said}"
                hint = "Check the value in the Params tab (it must match exactly, capitals included)."
            return make("not found", text, hint, "warning")
        if code == 405:
            allow = _header(headers, "Allow")
            return make(f"{method} is not accepted here",
                        f"This address exists, but does not accept {method}."
                        + (f" It accepts: {allow}." if allow else ""),
                        "Choose another method, or check the address.", "warning")
        if code == 406:
            return make("cannot answer in that format", "No answer matches your Accept header.",
                        "Remove or change the Accept header.", "warning")
        if code == 408:
            return make("the server stopped waiting", "The server waited too long for your request to arrive.",
                        tone="warning")
        if code == 409:
            return make("conflict", "The request clashes with the current state on the server." + said,
                        "GET the current state, then try again.", "warning")
        if code == 413:
            return make("body too large", "The server does not accept a body this big.",
                        "Send less data.", "warning")
        if code == 415:
            sent = _sent_content_type(request)
            wants_json = "json" in body_text.lower()
            expected = "The server expects the body as JSON" if wants_json else \
                "The server does not accept the body in this format"
            got = f", but the request said it was {sent}." if sent else ", but the request had no body type at all."
            hint = ("Choose JSON in the Body tab: it sends the header Content-Type: application/json for you."
                    if wants_json else "Check which Content-Type the server accepts, and set the body mode to match.")
            return make("the server does not accept this kind of body", expected + got + said, hint, "warning")
        if code == 422:
            return make("the data does not pass the server's checks", "The body was read, but some values are "
                        "not acceptable." + said, "Read the body for which field is wrong.", "warning")
        if code == 429:
            wait = _header(headers, "Retry-After")
            return make("too many requests", "You sent requests faster than the server allows.",
                        f"Wait {wait} seconds, then try again." if wait else "Wait a little, then try again.",
                        "warning")
        return make("a problem with the request", f"The server refused the request (client error {code}).{said}",
                    "Check the address, the method, the headers and the body.", "warning")
    if code >= 500:
        said = f' It said: "{message}"' if message else ""
        texts = {
            500: ("the server failed", "The server ran into an error while handling the request." + said,
                  "This is a bug or a crash on the server side, not in your request. Its log says more."),
            501: ("not implemented", "The server does not know how to do this at all.",
                  "Check the method."),
            502: ("bad gateway", "A server in between got a bad answer from the next server.",
                  "The server behind the gateway may be down; try again later."),
            503: ("not available right now", "The server is overloaded or down for maintenance." + said,
                  "Try again in a little while."),
            504: ("gateway timeout", "A server in between waited too long for the next server.",
                  "Try again later."),
        }
        summary, text, hint = texts.get(code, ("server error", f"The server failed (server error {code})." + said,
                                               "Try again later; the server's log says more."))
        return make(summary, text, hint, "error")
    return make("informational", f"{code} is an interim answer; a final one should follow.", tone="info")


# --- failures before any answer -------------------------------------------------------------------------


def request_problem(message: str) -> Explanation:
    return Explanation("The request cannot be sent yet", message, "", "request", "error")


def cancelled() -> Explanation:
    return Explanation("Cancelled", "You cancelled the request before the answer was complete.",
                       "Send it again when you are ready.", "http", "info")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo.extend(x for x in (e.__cause__, e.__context__, getattr(e, "reason", None))
                    if isinstance(x, BaseException))
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return seen


def transport_problem(exc: BaseException, url: str, request: Request | None = None) -> Explanation:
    """Which layer failed and what to check, for an exception raised while sending ``url``."""
    import requests
    from urllib3 import exceptions as u3

    parts = urlsplit(url)
    host = parts.hostname or "the server"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 0
    where = f"{host} port {port}"
    timeout = request.options.timeout if request is not None else None
    chain = _chain(exc)
    deepest = chain[-1]
    detail = f"{type(exc).__name__}: {exc}"
    if deepest is not exc:
        detail = f"{type(deepest).__name__}: {deepest}\n{detail}"

    def make(title: str, text: str, hint: str, layer: str) -> Explanation:
        return Explanation(title, text, hint, layer, "error", detail)

    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return make("Too many redirects", "The server kept sending the request somewhere else, more than 30 times.",
                    "It is probably a redirect loop on the server. Turn off Follow redirects to see the first step.",
                    "http")
    if isinstance(exc, requests.exceptions.ProxyError) or any(isinstance(e, u3.ProxyError) for e in chain):
        return make("The proxy did not work", "The request could not go through the proxy set in Options.",
                    "Check the proxy address and port, or clear the Proxy field to connect directly.", "tcp")
    if any(isinstance(e, (u3.NameResolutionError, socket.gaierror)) for e in chain):
        return make(f'The name "{host}" was not found (DNS)',
                    f'Your computer asked the name service where "{host}" is and got no address back.',
                    "Check the spelling of the address. If it is right, check that this computer is on the "
                    "network (a lab server is usually reached by its IP address, like 127.0.0.1).", "dns")
    if isinstance(exc, requests.exceptions.SSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        text = str(exc)
        if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text or "record layer failure" in text:
            return make("This port does not speak HTTPS",
                        f"The program at {where} answered, but not with encryption (TLS).",
                        "Use http:// instead of https:// for this server.", "tls")
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return make("The server's certificate is not trusted",
                        f"{where} answered with a certificate that this computer cannot check: it may be "
                        "self-signed, expired, or for another name.",
                        "For a lab server, choose its CA file in Options (Custom CA), or turn off Verify TLS "
                        "there (only for servers you trust).", "tls")
        return make("The encrypted connection failed (TLS)", "The connection was made, but setting up encryption "
                    "failed.", "Check that the server really uses HTTPS on this port, and its certificate.", "tls")
    if parts.scheme == "https" and any("handshake" in str(e) for e in chain):
        return make("No encrypted answer (TLS)",
                    f"{where} accepted the connection but never started encryption: it probably speaks plain HTTP.",
                    "Use http:// instead of https:// for this server.", "tls")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return make("No answer to the connection attempt",
                    f"Nothing answered at {where} within {timeout:g} seconds." if timeout else
                    f"Nothing answered at {where} in time.",
                    "The computer may be off or unreachable, the address may be wrong, or a firewall drops the "
                    "packets. Check the address; for a lab computer, check that it is on the same network.", "tcp")
    if isinstance(exc, requests.exceptions.ReadTimeout) or any(isinstance(e, (u3.ReadTimeoutError, TimeoutError,
                                                                             socket.timeout)) for e in chain):
        return make("The server is taking too long",
                    (f"The connection to {where} worked, but no answer came within {timeout:g} seconds."
                     if timeout else f"The connection to {where} worked, but the answer did not come in time."),
                    "The server may be busy or stuck. Wait and try again, or raise the timeout in Options.", "http")
    refused = any(isinstance(e, ConnectionRefusedError) or getattr(e, "errno", None) == errno.ECONNREFUSED
                  for e in chain)
    if refused or "Connection refused" in str(exc):
        local = host in ("127.0.0.1", "localhost", "::1")
        hint = ("Check the port number. If this is the Wirelab API, start it in the main window "
                "(Servers, REST API) and use the \"local lab\" environment."
                if local else "Check the port number, and that the server program is started on that computer.")
        return make("Connection refused: nothing is listening there",
                    f"The computer {host} answered, but no program accepts connections on port {port}.", hint, "tcp")
    if any(getattr(e, "errno", None) in (errno.ENETUNREACH, errno.EHOSTUNREACH) for e in chain):
        return make("No route to that computer", f"This computer has no way to reach {host} right now.",
                    "Check the network cable or Wi-Fi, and the address.", "tcp")
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return make("The answer could not be unpacked", "The server said the body was compressed, but it was not "
                    "valid compressed data.", "This is a server bug.", "http")
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError,)) or any(
            isinstance(e, (u3.ProtocolError, ConnectionResetError, ConnectionAbortedError)) for e in chain):
        return make("The connection broke before the answer was complete",
                    f"{where} closed the connection in the middle of the exchange.",
                    "The server may have crashed or restarted. If the address starts with http://, check that "
                    "the server does not expect https:// (or the other way round).", "http")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)):
        return make("The request is not valid", str(exc), "Check the address and the headers.", "request")
    return make("The request failed", f"Sending to {where} failed: {exc}", "Check the address and try again.", "tcp")
