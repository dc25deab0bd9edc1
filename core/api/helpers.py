"""Teaching helpers in the spirit of httpbin: any status, a slow answer, an echo, redirects, bytes, big JSON.

Everything is bounded (the limits are in the app's config and in /openapi.json), so a typo such as
``/delay/100000`` or ``/bytes/99999999999`` gets a 400 that says the limit instead of tying up the server.
"""

from __future__ import annotations

import base64
import json
import math
import os
import random
import threading
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, jsonify, request

from core.api.errors import ApiError, error_body, reason
from core.api.jsonio import int_arg
from core.text import format_host

bp = Blueprint("helpers", __name__)

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
STOP_EXTENSION = "wirelab.stopping"
CHUNK = 64 * 1024
#: Status codes that must not carry a body.
NO_BODY = {204, 205, 304}
JSON_BATCH = 500


def stopping() -> threading.Event:
    """Set when the server shuts down, so a slow answer (``/delay``) ends at once."""
    return current_app.extensions[STOP_EXTENSION]


@bp.route("/status/<int:code>", methods=ANY_METHOD)
def status(code: int):
    """Answer with the status code asked for, and its reason (``/status/418``: "I'm a teapot")."""
    if not 200 <= code <= 599:
        raise ApiError(
            400,
            f"{code} cannot be the status of an answer: use a code from 200 to 599 "
            "(100-199 are interim messages a server sends before its real answer).",
            fields={"code": "must be from 200 to 599"},
        )
    headers: dict[str, str] = {}
    if 300 <= code < 400 and code != 304:
        headers["Location"] = "/echo"  # follow it to see which method the client used after the redirect
    if code == 405:
        headers["Allow"] = ", ".join(ANY_METHOD)
    if code in (429, 503):
        headers["Retry-After"] = "1"
    if code in NO_BODY:
        return Response(status=code, headers=headers)
    response = jsonify(error_body(code, f"You asked for status {code} ({reason(code)})."))
    response.status_code = code
    response.headers.update(headers)
    return response


@bp.route("/delay/<seconds>", methods=ANY_METHOD)
def delay(seconds: str):
    """Answer after waiting ``seconds`` (a decimal number, at most the configured limit)."""
    limit = current_app.config["WIRELAB_DELAY_MAX"]
    try:
        value = float(seconds)
    except ValueError:
        value = math.nan
    if not 0 <= value <= limit:  # also false for NaN
        raise ApiError(
            400,
            f"The delay {seconds[:20]!r} is not right: use a number of seconds from 0 to {limit:g}, like /delay/2.",
            fields={"seconds": f"must be a number from 0 to {limit:g}"},
        )
    stopping().wait(value)
    return jsonify({"delay": value, "message": f"Answered after waiting {value:g} seconds."})


def _args() -> dict[str, str | list[str]]:
    return {k: v[0] if len(v) == 1 else v for k, v in request.args.lists()}


@bp.route("/echo", methods=ANY_METHOD)
def echo():
    """Everything the request carried, as the server received it."""
    data = request.get_data(cache=False)
    try:
        body, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(data).decode("ascii"), "base64"
    parsed, json_error = None, None
    if request.is_json and data:
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError) as exc:
            json_error = f"the body is not valid JSON: {exc}"
    client = f"{format_host(request.remote_addr or '?')}:{request.environ.get('REMOTE_PORT', '?')}"
    answer = {
        "method": request.method,
        "path": request.path,
        "query": request.query_string.decode("latin-1"),
        "args": _args(),
        "headers": dict(request.headers),
        "body": body,
        "body_encoding": encoding,
        "size": len(data),
        "json": parsed,
        "client": client,
    }
    if json_error:
        answer["json_error"] = json_error
    return jsonify(answer)


@bp.get("/redirect/<int:n>")
def redirect(n: int):
    """Redirect ``n`` times (302 to /redirect/n-1), then answer 200 at /redirect/0."""
    limit = current_app.config["WIRELAB_REDIRECT_MAX"]
    if n > limit:
        raise ApiError(400, f"Use at most {limit} redirects, like /redirect/3.", fields={"n": f"at most {limit}"})
    if n == 0:
        return jsonify({"message": "You arrived: every redirect was followed."})
    return Response(status=302, headers={"Location": f"/redirect/{n - 1}"})


@bp.get("/bytes/<int:n>")
def random_bytes(n: int):
    """``n`` random bytes (``?seed=`` makes them the same every time), sent in pieces as they are made."""
    limit = current_app.config["WIRELAB_BYTES_MAX"]
    if n > limit:
        raise ApiError(400, f"Ask for at most {limit} bytes, like /bytes/1024.", fields={"n": f"at most {limit}"})
    seed = request.args.get("seed")
    rng = random.Random(seed) if seed is not None else None

    def pieces() -> Iterator[bytes]:
        left = n
        while left > 0:
            size = min(CHUNK, left)
            yield rng.randbytes(size) if rng is not None else os.urandom(size)
            left -= size

    return Response(pieces(), mimetype="application/octet-stream", headers={"Content-Length": str(n)})


def large_item(i: int) -> dict:
    """Item ``i`` of /json/large: the same every time, nested enough to exercise a JSON viewer."""
    user = (i - 1) % 10 + 1
    return {
        "id": i,
        "userId": user,
        "title": f"item {i} of the large document",
        "completed": i % 3 == 0,
        "score": round((i * 7919) % 10000 / 100, 2),
        "tags": ["large", f"group-{i % 7}", "even" if i % 2 == 0 else "odd"],
        "owner": {"name": f"User {user}", "email": f"user{user}@example.org", "active": user % 4 != 0},
    }


@bp.get("/json/large")
def json_large():
    """A JSON array of ``items`` objects (default 1000), streamed as it is made (no Content-Length)."""
    limit = current_app.config["WIRELAB_JSON_ITEMS_MAX"]
    items = int_arg("items", default=1000, minimum=0, maximum=limit)
    stop = stopping()

    def pieces() -> Iterator[bytes]:
        yield b"["
        for start in range(1, items + 1, JSON_BATCH):
            if stop.is_set():
                return
            batch = [large_item(i) for i in range(start, min(start + JSON_BATCH, items + 1))]
            text = json.dumps(batch, separators=(",", ":"))[1:-1]
            yield (text if start == 1 else "," + text).encode()
        yield b"]\n"

    return Response(pieces(), mimetype="application/json")
