"""Errors the API answers with: JSON objects with the code, its reason and a message in plain words.

Every 4xx/5xx from v2, ``/todos``, ``/api/data`` and the teaching helpers is JSON. The seed's own routes
(``/``, ``/test/``, ``/people/v1``) and unknown addresses keep what a Flask app of the seed shows a web
browser, an HTML error page, but only for browsers; curl, requests and the REST window get JSON there too.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)

#: Addresses whose errors are always JSON, whatever the client prefers.
JSON_ONLY_PREFIXES = (
    "/people/v2/", "/todos", "/api/", "/status/", "/delay/", "/echo", "/redirect/", "/bytes/", "/json/",
    "/reset", "/openapi.json",
)


def reason(code: int) -> str:
    """The standard reason phrase of a status code ("Not Found"), or "Unknown Status"."""
    return HTTP_STATUS_CODES.get(code, "Unknown Status")


class ApiError(Exception):
    """Raise in a view to answer with a JSON error (or, on seed routes, an HTML page for browsers)."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}


def error_body(code: int, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "reason": reason(code), "message": message}
    if fields:
        body["fields"] = fields
    return body


def prefers_html() -> bool:
    """True for web browsers: they ask for text/html before JSON (curl's ``*/*`` does not)."""
    accept = request.accept_mimetypes
    return accept.best_match(["application/json", "text/html"]) == "text/html" and (
        accept["text/html"] > accept["application/json"]
    )


def _wants_html_page() -> bool:
    return not request.path.startswith(JSON_ONLY_PREFIXES) and prefers_html()


def render_error(
    code: int,
    message: str,
    *,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    if _wants_html_page():
        title = f"{code} {reason(code)}"
        page = (
            f"<!doctype html>\n<html lang=en>\n<title>{escape(title)}</title>\n<h1>{escape(reason(code))}</h1>\n"
            f"<p>{escape(message)}</p>\n<p><a href=\"/docs\">The list of endpoints</a></p>\n"
        )
        response = Response(page, status=code, mimetype="text/html")
    else:
        response = jsonify({**(extra or {}), **error_body(code, message, fields)})
        response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_exception_message(exc: HTTPException) -> str:
    code = exc.code or 500
    if code == 404:
        return f"There is nothing at {request.path} on this server. Check the address; /docs lists every endpoint."
    if code == 405:
        order = ("GET", "POST", "PUT", "PATCH", "DELETE")
        valid = getattr(exc, "valid_methods", None) or []
        allowed = ", ".join(sorted((m for m in valid if m in order), key=order.index))
        return f"{request.path} does not accept {request.method} requests. It accepts: {allowed}."
    if code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return f"The request body is larger than the {human_bytes(limit)} this server accepts. Send a smaller body."
    if code == 400:
        return "The request could not be understood. Check its body and parameters."
    return exc.description or reason(code)


def human_bytes(size: int | None) -> str:
    if not size:
        return "limit"
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.4g} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(ApiError)
    def on_api_error(exc: ApiError) -> Response:
        return render_error(exc.code, exc.message, fields=exc.fields, headers=exc.headers, extra=exc.extra)

    @app.errorhandler(HTTPException)
    def on_http_exception(exc: HTTPException) -> Response:
        code = exc.code or 500
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return render_error(code, _http_exception_message(exc), headers=headers)

    @app.errorhandler(sqlite3.OperationalError)
    def on_database_error(exc: sqlite3.OperationalError) -> Response:
        text = str(exc)
        if "locked" in text or "busy" in text:
            log.warning("database busy: %s", text)
            return render_error(
                503, "The database is busy with other changes. Try again in a moment.", headers={"Retry-After": "1"}
            )
        log.error("database error: %s", text, exc_info=exc)
        if "disk" in text or "full" in text:
            return render_error(507, "The disk holding the API's data folder is full. Free some space, then try again.")
        return render_error(
            500, f"The API could not use its database ({text}). Check that its data folder can be written to."
        )

    @app.errorhandler(RecursionError)
    def on_too_deep(exc: RecursionError) -> Response:
        # Parsing is guarded in jsonio; writing a body back (files, echo) can still hit the limit first.
        return render_error(400, "The body is not usable JSON: it is nested too deeply.")

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        log.error("unexpected error while answering %s %s", request.method, request.path, exc_info=exc)
        return render_error(
            500, "Something went wrong inside the API server. This is a bug in Wirelab; the details are in its log."
        )
