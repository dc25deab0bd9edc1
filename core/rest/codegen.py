"""Python ``requests`` code that sends the same request, written the way the seed tutorials write it.

The code is meant to be pasted into a student's script and run: ``requests.post(api_url, json=todo)``
for a JSON body, ``params=`` for a plain query, ``auth=`` for Basic auth, and a ``print`` of what came
back. Give it a *resolved* request (no ``{{variables}}``) to get code that runs as it is.
"""

from __future__ import annotations

import json
import mimetypes
import os
from typing import Any

from core.rest.model import Pair, Request, join_url
from core.rest.runner import simple_query_value

_SHORTCUTS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def _s(text: str) -> str:
    """A double-quoted Python string literal (JSON string syntax is valid Python)."""
    return json.dumps(text, ensure_ascii=False)


def py_literal(value: Any, indent: int = 0, width: int = 88) -> str:
    """A Python literal for a JSON value, one line when it fits, otherwise one item per line."""
    flat = _flat(value)
    if len(flat) + indent <= width or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{_s(str(k))}: {py_literal(v, indent + 4, width)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{py_literal(v, indent + 4, width)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def _flat(value: Any) -> str:
    if value is True:
        return "True"
    if value is False:
        return "False"
    if value is None:
        return "None"
    if isinstance(value, str):
        return _s(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_s(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return repr(value)


def _pairs_literal(pairs: list[tuple[str, str]], indent: int = 0) -> str:
    names = [n for n, _ in pairs]
    if len(set(names)) == len(names):
        return py_literal(dict(pairs), indent)
    # The same name twice (a=1&a=2): a dict would keep only one, a list of pairs keeps both.
    return "[" + ", ".join(f"({_s(n)}, {_s(v)})" for n, v in pairs) + "]"


def variable_name(request: Request) -> str:
    """``todo`` for /todos, ``user`` for /people/v1/users: the name the seeds give the body."""
    from core.rest.explain import subject_of

    thing = subject_of(request.url).thing
    name = "".join(c if c.isalnum() else "_" for c in thing).strip("_").lower()
    if not name or name[0].isdigit() or name in {"api_url", "headers", "params", "response", "requests", "json",
                                                  "files", "data", "auth"}:
        return "payload"
    return name


def to_python(request: Request) -> str:
    """A short script that sends ``request`` with requests and prints the answer."""
    method = request.method.upper()
    lines = ["import requests", ""]
    body = request.body
    query = [(p.name, p.value) for p in request.params if p.enabled and (p.name or p.value)]
    auth = request.auth
    if auth.kind == "apikey" and auth.key_in == "query" and auth.key_name:
        query.append((auth.key_name, auth.key_value))
    simple = all(simple_query_value(n) and simple_query_value(v) for n, v in query)
    url = request.url if simple else join_url(request.url, tuple(Pair(n, v) for n, v in query))
    lines.append(f"api_url = {_s(url)}")
    args = ["api_url"]
    if query and simple:
        lines.append(f"params = {_pairs_literal(query)}")
        args.append("params=params")

    headers: list[tuple[str, str]] = [(h.name, h.value) for h in request.headers if h.enabled and h.name]
    names = {n.lower() for n, _ in headers}
    if auth.kind == "bearer":
        headers.append(("Authorization", f"Bearer {auth.token.strip()}"))
    elif auth.kind == "apikey" and auth.key_in != "query" and auth.key_name:
        headers.append((auth.key_name.strip(), auth.key_value))

    body_arg = ""
    pre_send: list[str] = []
    with_file = ""
    if body.mode == "json" and body.text.strip():
        try:
            value = json.loads(body.text)
        except ValueError:
            value = None
            if "content-type" not in names:
                headers.append(("Content-Type", "application/json"))
            pre_send.append(f"data = {_s(body.text)}")
            body_arg = "data=data.encode()"
        else:
            name = variable_name(request)
            pre_send.append(f"{name} = {py_literal(value, 0)}")
            body_arg = f"json={name}"
    elif body.mode == "json":
        if "content-type" not in names:
            headers.append(("Content-Type", "application/json"))
        body_arg = 'data=b""'
    elif body.mode == "form":
        form = [(p.name, p.value) for p in body.form if p.enabled and p.name]
        pre_send.append(f"data = {_pairs_literal(form)}")
        body_arg = "data=data"
    elif body.mode == "multipart":
        items = []
        for part in body.parts:
            if not part.enabled or not part.name:
                continue
            if part.is_file:
                ctype = part.content_type or mimetypes.guess_type(part.value)[0] or "application/octet-stream"
                items.append(f"    ({_s(part.name)}, ({_s(os.path.basename(part.value))}, "
                             f"open({_s(part.value)}, \"rb\"), {_s(ctype)})),")
            else:
                extra = f", {_s(part.content_type)}" if part.content_type else ""
                items.append(f"    ({_s(part.name)}, (None, {_s(part.value)}{extra})),")
        pre_send.append("files = [\n" + "\n".join(items) + "\n]")
        body_arg = "files=files"
    elif body.mode == "raw":
        if "content-type" not in names:
            headers.append(("Content-Type", body.content_type or "text/plain; charset=utf-8"))
        pre_send.append(f"data = {_s(body.text)}")
        body_arg = "data=data.encode()"
    elif body.mode == "binary":
        if "content-type" not in names:
            headers.append(("Content-Type", body.content_type or mimetypes.guess_type(body.file)[0]
                            or "application/octet-stream"))
        with_file = body.file
        body_arg = "data=f"

    if headers:
        lines.append(f"headers = {_pairs_literal(headers)}")
        args.append("headers=headers")
    lines += pre_send
    if body_arg:
        args.append(body_arg)
    if auth.kind == "basic":
        args.append(f"auth=({_s(auth.username)}, {_s(auth.password)})")
    options = request.options
    default_follow = method != "HEAD"
    if options.follow_redirects != default_follow:
        args.append(f"allow_redirects={options.follow_redirects}")
    if not options.verify_tls:
        args.append("verify=False")
    elif options.ca_bundle:
        args.append(f"verify={_s(options.ca_bundle)}")
    if options.proxy:
        proxy = options.proxy if "://" in options.proxy else "http://" + options.proxy
        args.append(f'proxies={{"http": {_s(proxy)}, "https": {_s(proxy)}}}')
    args.append(f"timeout={options.timeout:g}" if options.timeout != int(options.timeout)
                else f"timeout={int(options.timeout)}")
    if method in _SHORTCUTS:
        call = f"requests.{method.lower()}({', '.join(args)})"
    else:
        call = f"requests.request({_s(request.method)}, {', '.join(args)})"
    if with_file:
        lines.append(f"with open({_s(with_file)}, \"rb\") as f:")
        lines.append(f"    response = {call}")
    else:
        lines.append(f"response = {call}")
    lines += [
        "print(response.status_code, response.reason)",
        'if "json" in response.headers.get("Content-Type", ""):',
        "    print(response.json())",
        "else:",
        "    print(response.text)",
    ]
    return "\n".join(lines) + "\n"

