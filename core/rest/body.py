"""What kind of body came back, and the text a view can show at once without freezing anything.

``analyze`` runs in the request's own thread, right after the download: it decides the kind (JSON,
HTML, XML, text, image, other binary), decodes at most :data:`TEXT_SHOW_BYTES` of text, and for a
*small* JSON body parses it and formats it. Big JSON is left to :mod:`core.rest.jsondoc` in another
process, because ``json.loads`` holds the GIL for the whole parse (~0.4 s for 18 MB).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from core.rest.runner import BodyRef

#: JSON up to this size is parsed in the request thread (a few ms of GIL), bigger goes to the worker process.
SMALL_JSON_BYTES = 1024 * 1024
#: Pretty text is made automatically up to this size; above it the view offers "Format anyway".
PRETTY_AUTO_BYTES = 1024 * 1024
#: At most this much text is put into a text view (the rest can be saved to a file).
TEXT_SHOW_BYTES = 4 * 1024 * 1024
#: The hex view shows this many bytes.
HEX_SHOW_BYTES = 64 * 1024

_TEXT_TYPES = ("text/", "application/javascript", "application/x-www-form-urlencoded", "application/csv")


@dataclass(frozen=True)
class BodyView:
    kind: str  # "empty", "json", "html", "xml", "text", "image", "binary"
    size: int
    text: str = ""  # what the Raw view shows (at most TEXT_SHOW_BYTES of the body, decoded)
    text_truncated: bool = False
    pretty: str | None = None  # formatted JSON (small JSON only)
    doc: Any = None  # the parsed JSON value (small JSON only); None also for JSON null, see `parsed`
    parsed: bool = False
    json_error: str = ""
    large: bool = False  # JSON too big to parse here: use the JSON worker process


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def charset_of(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type, re.I)
    return match.group(1) if match else None


def kind_of(content_type: str, head: bytes) -> str:
    """Decide from the Content-Type, and from the first bytes when the type is missing or vague."""
    media = media_type(content_type)
    if media == "application/json" or media.endswith("+json") or media == "text/json":
        return "json"
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    if media in ("application/xml", "text/xml") or media.endswith("+xml"):
        return "xml" if media != "image/svg+xml" else "xml"
    if media.startswith("image/"):
        return "image"
    if media.startswith(_TEXT_TYPES):
        return "text"
    stripped = head.lstrip()[:1]
    if media in ("", "application/octet-stream", "text/plain") or not media:
        if stripped in (b"{", b"["):
            return "json" if media != "text/plain" else "text"
        if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM")):
            return "image"
    if media == "text/plain":
        return "text"
    return "text" if _looks_textual(head) else "binary"


def _looks_textual(head: bytes) -> bool:
    if not head:
        return True
    if b"\x00" in head[:4096]:
        return False
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > 4090  # a character cut at the end of the sample is fine
    return True


def decode(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        return data.decode("utf-8", errors="replace")


def pretty_json(value: Any) -> str:
    # indent= makes json use its pure-Python encoder, which lets other threads run while it works.
    return json.dumps(value, indent=2, ensure_ascii=False)


def json_error_text(exc: json.JSONDecodeError) -> str:
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"


def analyze(body: BodyRef) -> BodyView:
    size = body.size
    if size == 0:
        return BodyView("empty", 0)
    head = body.read(TEXT_SHOW_BYTES + 1)
    kind = kind_of(body.content_type, head[:8192])
    if kind in ("image", "binary"):
        return BodyView(kind, size)
    charset = charset_of(body.content_type) or ("utf-8" if kind == "json" else None)
    text = decode(head[:TEXT_SHOW_BYTES], charset)
    truncated = len(head) > TEXT_SHOW_BYTES
    if kind != "json":
        return BodyView(kind, size, text, truncated)
    if size > SMALL_JSON_BYTES:
        return BodyView(kind, size, text, truncated, large=True)
    try:
        doc = json.loads(head)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        error = json_error_text(exc) if isinstance(exc, json.JSONDecodeError) else "the text is not valid UTF-8"
        return BodyView(kind, size, text, truncated, json_error=error)
    pretty = pretty_json(doc) if size <= PRETTY_AUTO_BYTES else None
    return BodyView(kind, size, text, truncated, pretty=pretty, doc=doc, parsed=True)


def hexdump(data: bytes, offset: int = 0) -> str:
    """Classic hex view: offset, 16 bytes in hex, and the printable characters."""
    lines = []
    for i in range(0, len(data), 16):
        row = data[i:i + 16]
        hex_part = " ".join(f"{b:02x}" for b in row[:8]) + "  " + " ".join(f"{b:02x}" for b in row[8:])
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{offset + i:08x}  {hex_part:<48}  |{text}|")
    return "\n".join(lines)


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}" if n < 100 else f"{n:.0f} {unit}"
    return f"{n:.0f} GB"  # pragma: no cover


def human_time(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"
