"""Reading JSON request bodies and checking fields, with errors a student can act on.

``json.loads`` is used directly (not ``request.get_json``) so every failure has its own plain-words message:
not JSON at all (415), broken JSON (400, with the line and column), nested too deep (400), NaN/Infinity
(400: not JSON), a number too long to read (400).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider

from core.api.errors import ApiError

#: The largest whole number stored (SQLite's own limit is 2**63 - 1; ids and userIds stay well below).
MAX_INT = 2**31 - 1
NOT_JSON = "Send the body as JSON, with the header Content-Type: application/json."


class WirelabJSONProvider(DefaultJSONProvider):
    """Flask's JSON, in the order the views build it and as UTF-8 text (so "José" reads as José).

    A lone UTF-16 surrogate (which JSON can carry as ``\\ud800`` but UTF-8 cannot) is written back as that
    same escape, so a response is always valid UTF-8 and valid JSON.
    """

    sort_keys = False
    ensure_ascii = False

    def response(self, *args: Any, **kwargs: Any) -> Any:
        obj = self._prepare_response_obj(args, kwargs)
        text = self.dumps(obj, separators=(",", ":")) + "\n"  # compact, as Flask answers outside debug mode
        return self._app.response_class(text.encode("utf-8", "backslashreplace"), mimetype=self.mimetype)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json(data: bytes) -> Any:
    """Parse a body; raise :class:`ApiError` 400 in plain words when it is not valid JSON."""
    try:
        return json.loads(data, parse_constant=_no_constants)
    except UnicodeDecodeError:
        raise ApiError(400, "The body is not valid JSON: it is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"The body is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Check for missing quotes, commas or brackets.",
        ) from None
    except RecursionError:
        raise ApiError(400, "The body is not usable JSON: it is nested too deeply.") from None
    except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
        raise ApiError(400, f"The body is not usable JSON: {exc}.") from None


def read_json(*, require_object: bool = True, extra: dict[str, Any] | None = None) -> Any:
    """The request's JSON body: 415 when it is not sent as JSON, 400 when broken or (optionally) not an object."""
    if not request.is_json:
        raise ApiError(415, NOT_JSON, extra=extra)
    try:
        body = parse_json(request.get_data(cache=True))
    except ApiError as exc:
        exc.extra = extra or {}
        raise
    if require_object and not isinstance(body, dict):
        raise ApiError(400, 'The body must be a JSON object, with fields in braces like {"name": "value"}.', extra=extra)
    return body


class Fields:
    """Collects what is wrong with each field, to answer all of it at once (422 with the field names)."""

    def __init__(self, body: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
        self.body = body
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.what = what
        listed = ", ".join(allowed[:-1]) + f" and {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        for key in body:
            if key not in allowed:
                self.errors[str(key)] = f"is not a field of a {what} (it has {listed})"

    def text(self, name: str, *, required: bool, max_length: int, blank_ok: bool = True) -> None:
        if name not in self.body:
            if required:
                self.errors[name] = "is required"
            return
        value = self.body[name]
        if not isinstance(value, str):
            self.errors[name] = f"must be text in quotes, not {json_type(value)}"
        elif not value or (not blank_ok and not value.strip(" \t\r\n")):
            self.errors[name] = "must not be empty"
        elif len(value) > max_length:
            self.errors[name] = f"must be at most {max_length} characters long (it has {len(value)})"
        elif not is_valid_text(value):
            self.errors[name] = "contains a broken character (a lone UTF-16 surrogate); send valid text"
        else:
            self.values[name] = value

    def integer(self, name: str, *, required: bool, minimum: int = 1, maximum: int = MAX_INT) -> None:
        if name not in self.body:
            if required:
                self.errors[name] = "is required"
            return
        value = self.body[name]
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            value = int(value)  # JSON Schema counts 3.0 as an integer, and so do we
        if not isinstance(value, int) or isinstance(value, bool):
            self.errors[name] = f"must be a whole number, not {json_type(value)}"
        elif not minimum <= value <= maximum:
            self.errors[name] = f"must be between {minimum} and {maximum}"
        else:
            self.values[name] = value

    def boolean(self, name: str, *, required: bool) -> None:
        if name not in self.body:
            if required:
                self.errors[name] = "is required"
            return
        value = self.body[name]
        if not isinstance(value, bool):
            self.errors[name] = f"must be true or false, not {json_type(value)}"
        else:
            self.values[name] = value

    def fail(self, name: str, message: str) -> None:
        self.errors[name] = message

    def check(self) -> dict[str, Any]:
        """The checked values, or a 422 naming every field that is wrong."""
        if self.errors:
            listed = "; ".join(f"{name} {problem}" for name, problem in self.errors.items())
            raise ApiError(422, f"Some fields of the {self.what} are not right: {listed}.", fields=self.errors)
        return self.values


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def is_valid_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_INT_TEXT = re.compile(r"-?[0-9]{1,19}")  # up to SQLite's largest integer; longer ones are refused, not parsed


def parse_int_text(raw: str) -> int | None:
    """``raw`` as a whole number when it is plainly one ("12", "-3"); None for "1.5", "1_000", " 7", "abc"."""
    return int(raw) if _INT_TEXT.fullmatch(raw) else None


def int_arg(name: str, *, default: int, minimum: int, maximum: int) -> int:
    """A whole-number query parameter, with a 400 naming it when it is not one or out of range."""
    raw = request.args.get(name)
    if raw is None:
        return default
    value = parse_int_text(raw)
    if value is None or not minimum <= value <= maximum:
        raise ApiError(
            400,
            f"The parameter {name}={raw[:40]!r} is not right: use a whole number from {minimum} to {maximum}.",
            fields={name: f"must be a whole number from {minimum} to {maximum}"},
        )
    return value
