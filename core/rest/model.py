"""What a REST request is: method, URL, query parameters, headers, auth, body and options.

Small frozen dataclasses, so a request can be handed between threads, kept in history, compared in
tests and written to a file (:mod:`core.rest.files`) without surprises. ``{{name}}`` placeholders are
filled from the chosen :class:`Environment` only when the request is sent (:func:`resolve`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

BODY_MODES = ("none", "json", "form", "multipart", "raw", "binary")
BODY_MODE_TITLES = {
    "none": "No body",
    "json": "JSON",
    "form": "Form (URL-encoded)",
    "multipart": "Multipart form (files)",
    "raw": "Raw text",
    "binary": "Binary file",
}
AUTH_KINDS = ("none", "basic", "bearer", "apikey")
AUTH_TITLES = {"none": "No auth", "basic": "Basic (user and password)", "bearer": "Bearer token",
               "apikey": "API key"}

#: A method name is an HTTP token: letters, digits and a few symbols, no spaces.
_METHOD_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
VARIABLE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")

LOCAL_LAB = "local lab"


class RequestProblem(ValueError):
    """The request cannot be sent as it is; ``str()`` says why and what to do, in plain words."""


@dataclass(frozen=True)
class Pair:
    """One row of the query, header or form table. Disabled rows are kept but not sent."""

    name: str
    value: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class Part:
    """One field of a multipart body: text, or a file (``value`` is then the file's path)."""

    name: str
    value: str = ""
    is_file: bool = False
    content_type: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class Body:
    mode: str = "none"  # one of BODY_MODES
    text: str = ""  # json and raw
    content_type: str = ""  # raw and binary ("" = a sensible default)
    form: tuple[Pair, ...] = ()
    parts: tuple[Part, ...] = ()
    file: str = ""  # binary


@dataclass(frozen=True)
class Auth:
    kind: str = "none"  # one of AUTH_KINDS
    username: str = ""
    password: str = ""
    token: str = ""
    key_name: str = ""
    key_value: str = ""
    key_in: str = "header"  # "header" or "query"


@dataclass(frozen=True)
class Options:
    timeout: float = 30.0  # seconds to connect, and to wait for each piece of the answer
    follow_redirects: bool = True
    verify_tls: bool = True
    ca_bundle: str = ""  # a CA file to trust instead of the built-in list
    proxy: str = ""


@dataclass(frozen=True)
class Request:
    """``url`` has no query string: the query lives in ``params`` (see :meth:`full_url`)."""

    method: str = "GET"
    url: str = ""
    params: tuple[Pair, ...] = ()
    headers: tuple[Pair, ...] = ()
    auth: Auth = field(default_factory=Auth)
    body: Body = field(default_factory=Body)
    options: Options = field(default_factory=Options)
    name: str = ""

    def full_url(self) -> str:
        """The URL as shown in the address field: ``url`` plus the enabled query parameters."""
        return join_url(self.url, self.params)

    def with_url(self, text: str) -> Request:
        """A copy for a newly typed address: its query becomes the enabled params; disabled ones stay."""
        base, params = split_url(text.strip())
        disabled = tuple(p for p in self.params if not p.enabled)
        return replace(self, url=base, params=tuple(params) + disabled)

    def title(self) -> str:
        return self.name or f"{self.method} {self.full_url()}"


@dataclass(frozen=True)
class Environment:
    """A named set of ``{{variables}}``, e.g. "local lab" with ``base_url``."""

    name: str
    variables: tuple[Pair, ...] = ()

    def values(self) -> dict[str, str]:
        return {p.name: p.value for p in self.variables if p.enabled and p.name}


def local_lab(port: int, host: str = "127.0.0.1") -> Environment:
    """The preset environment for this computer's own Wirelab API."""
    return Environment(LOCAL_LAB, (Pair("base_url", f"http://{host}:{port}"),))


def first_request() -> Request:
    """What a new window shows: a request that works against the local API with zero typing."""
    return Request("GET", "{{base_url}}/todos")


# --- URL and query ---------------------------------------------------------------------------------


def split_url(text: str) -> tuple[str, list[Pair]]:
    """``"http://h/p?a=1&b#top"`` -> ``("http://h/p#top", [Pair("a","1"), Pair("b","")])``.

    Values are kept exactly as typed (no decoding), so the table and the address field always show
    the same text: encoding happens once, when the request is sent.
    """
    base, sep, rest = text.partition("?")
    if not sep:
        return text, []
    query, hash_, fragment = rest.partition("#")
    params = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        params.append(Pair(name, value))
    return base + (hash_ + fragment if hash_ else ""), params


def _escape_query(text: str, *, name: bool) -> str:
    text = text.replace("&", "%26").replace("#", "%23")
    return text.replace("=", "%3D") if name else text


def join_url(base: str, params: tuple[Pair, ...] | list[Pair]) -> str:
    """The inverse of :func:`split_url` for the enabled params (a fragment stays at the end)."""
    pieces = [
        _escape_query(p.name, name=True) + ("=" + _escape_query(p.value, name=False) if p.value else "")
        for p in params if p.enabled and (p.name or p.value)
    ]
    if not pieces:
        return base
    base, hash_, fragment = base.partition("#")
    joiner = "&" if "?" in base else "?"  # a base that still has a query of its own keeps it
    return base + joiner + "&".join(pieces) + (hash_ + fragment if hash_ else "")


def check_method(method: str) -> str:
    method = method.strip()
    if not method:
        raise RequestProblem("Choose a method (GET, POST ...) before sending.")
    if not _METHOD_RE.match(method):
        raise RequestProblem(
            f'"{method}" cannot be a method: a method is one word of letters (like GET or POST), without spaces.'
        )
    return method.upper() if method.upper() in METHODS else method


# --- variables ---------------------------------------------------------------------------------------


def variables_used(request: Request) -> list[str]:
    """Every ``{{name}}`` the request uses, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in _texts(request):
        for match in VARIABLE_RE.finditer(text):
            seen.setdefault(match.group(1), None)
    return list(seen)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [t for item in value for t in _texts(item)]
    if hasattr(value, "__dataclass_fields__"):
        skip = "name" if isinstance(value, Request) else None  # a request's title is never sent
        return [t for f in fields(value) if f.name != skip for t in _texts(getattr(value, f.name))]
    return []


def substitute(text: str, values: dict[str, str]) -> str:
    """Fill ``{{name}}`` placeholders; unknown names are left as they are (see :func:`resolve`)."""
    return VARIABLE_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def resolve(request: Request, environment: Environment | None) -> Request:
    """The request with every ``{{variable}}`` filled in; :class:`RequestProblem` names any unknown one."""
    values = environment.values() if environment is not None else {}
    missing = [name for name in variables_used(request) if name not in values]
    if missing:
        names = ", ".join("{{" + n + "}}" for n in missing)
        where = f'the environment "{environment.name}"' if environment is not None else "no environment"
        raise RequestProblem(
            f"The request uses {names}, but {where} has no value for "
            f"{'it' if len(missing) == 1 else 'them'}. Add {'it' if len(missing) == 1 else 'them'} under "
            "Environments, choose another environment, or type the value instead."
        )
    return _fill(request, values)


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return substitute(value, values)
    if isinstance(value, tuple):
        return tuple(_fill(v, values) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return replace(value, **{f.name: _fill(getattr(value, f.name), values) for f in fields(value)
                                 if isinstance(getattr(value, f.name), (str, tuple)) or
                                 hasattr(getattr(value, f.name), "__dataclass_fields__")})
    return value


# --- plain data (files, history) ---------------------------------------------------------------------


def _lines_or_text(text: str) -> Any:
    # Multi-line bodies are stored as a list of lines so that a change shows up as a one-line diff.
    return text.split("\n") if "\n" in text else text


def _text(value: Any, what: str) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{what} should be text")


def _pairs_data(pairs: tuple[Pair, ...]) -> list[dict[str, Any]]:
    out = []
    for p in pairs:
        row: dict[str, Any] = {"name": p.name, "value": p.value}
        if not p.enabled:
            row["enabled"] = False
        out.append(row)
    return out


def _pairs(data: Any, what: str) -> tuple[Pair, ...]:
    if data is None:
        return ()
    if isinstance(data, dict):  # {"name": "value"} is accepted too (hand-written files)
        return tuple(Pair(str(k), _text(v, what)) for k, v in data.items())
    if not isinstance(data, list):
        raise ValueError(f"{what} should be a list")
    out = []
    for row in data:
        if not isinstance(row, dict) or "name" not in row:
            raise ValueError(f"each entry of {what} needs a name")
        out.append(Pair(_text(row["name"], what), _text(row.get("value", ""), what), bool(row.get("enabled", True))))
    return tuple(out)


def to_data(request: Request) -> dict[str, Any]:
    """Plain JSON-ready data, leaving out whatever has its default value (short, readable files)."""
    data: dict[str, Any] = {}
    if request.name:
        data["name"] = request.name
    data["method"] = request.method
    data["url"] = request.url
    if request.params:
        data["params"] = _pairs_data(request.params)
    if request.headers:
        data["headers"] = _pairs_data(request.headers)
    if request.auth != Auth():
        data["auth"] = {f.name: getattr(request.auth, f.name) for f in fields(Auth)
                        if getattr(request.auth, f.name) != getattr(Auth(), f.name) or f.name == "kind"}
    body = request.body
    if body != Body():
        b: dict[str, Any] = {"mode": body.mode}
        if body.text:
            b["text"] = _lines_or_text(body.text)
        if body.content_type:
            b["content_type"] = body.content_type
        if body.form:
            b["form"] = _pairs_data(body.form)
        if body.parts:
            parts = []
            for part in body.parts:
                row: dict[str, Any] = {"name": part.name, "value": part.value}
                if part.is_file:
                    row["file"] = True
                if part.content_type:
                    row["content_type"] = part.content_type
                if not part.enabled:
                    row["enabled"] = False
                parts.append(row)
            b["parts"] = parts
        if body.file:
            b["file"] = body.file
        data["body"] = b
    if request.options != Options():
        data["options"] = {f.name: getattr(request.options, f.name) for f in fields(Options)
                           if getattr(request.options, f.name) != getattr(Options(), f.name)}
    return data


def from_data(data: Any) -> Request:
    """The inverse of :func:`to_data`; :class:`ValueError` (plain words) when the data is not a request."""
    if not isinstance(data, dict):
        raise ValueError("this is not a saved request (expected an object with a method and a url)")
    method = data.get("method", "GET")
    url = data.get("url", "")
    if not isinstance(method, str) or not isinstance(url, str):
        raise ValueError("the method and url should be text")
    auth_data = data.get("auth") or {}
    body_data = data.get("body") or {}
    options_data = data.get("options") or {}
    if not isinstance(auth_data, dict) or not isinstance(body_data, dict) or not isinstance(options_data, dict):
        raise ValueError("auth, body and options should be objects")
    auth = Auth(**{f.name: str(auth_data[f.name]) for f in fields(Auth) if f.name in auth_data})
    if auth.kind not in AUTH_KINDS:
        raise ValueError(f'unknown auth kind "{auth.kind}"')
    mode = str(body_data.get("mode", "none"))
    if mode not in BODY_MODES:
        raise ValueError(f'unknown body mode "{mode}"')
    parts = []
    for row in body_data.get("parts") or []:
        if not isinstance(row, dict) or "name" not in row:
            raise ValueError("each multipart field needs a name")
        parts.append(Part(str(row["name"]), _text(row.get("value", ""), "a multipart field"), bool(row.get("file")),
                          str(row.get("content_type", "")), bool(row.get("enabled", True))))
    body = Body(mode, _text(body_data.get("text", ""), "the body"), str(body_data.get("content_type", "")),
                _pairs(body_data.get("form"), "the form"), tuple(parts), str(body_data.get("file", "")))
    defaults = Options()
    try:
        options = Options(
            timeout=float(options_data.get("timeout", defaults.timeout)),
            follow_redirects=bool(options_data.get("follow_redirects", defaults.follow_redirects)),
            verify_tls=bool(options_data.get("verify_tls", defaults.verify_tls)),
            ca_bundle=str(options_data.get("ca_bundle", "")),
            proxy=str(options_data.get("proxy", "")),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError("the timeout should be a number of seconds") from exc
    return Request(method, url, _pairs(data.get("params"), "params"), _pairs(data.get("headers"), "headers"),
                   auth, body, options, str(data.get("name", "")))


def environment_to_data(env: Environment) -> dict[str, Any]:
    return {"name": env.name, "variables": _pairs_data(env.variables)}


def environment_from_data(data: Any) -> Environment:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ValueError("an environment needs a name")
    return Environment(data["name"].strip(), _pairs(data.get("variables"), "variables"))
