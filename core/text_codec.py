"""Bytes <-> what people type and read in the raw (netcat) window: escapes, hex, encodings, line endings.

Pure functions. The two directions are exact inverses: ``unescape(escape(data, enc), enc) == data`` and
``from_hex(to_hex(data)) == data`` for any bytes, so what the transcript shows can be typed back to send
the very same bytes.

Escapes understood when sending (and produced when showing bytes):
``\\r \\n \\t \\0 \\e \\\\`` and ``\\xNN`` (one raw byte), plus ``\\uNNNN`` / ``\\UNNNNNNNN`` (a character,
encoded with the chosen encoding) when sending.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Encoding id -> what the person sees in the menu.
ENCODINGS = {
    "utf-8": "UTF-8",
    "latin-1": "Latin-1",
    "ascii": "ASCII (other bytes as \\xNN)",
}

#: Line ending id -> (menu words, bytes added after what was typed).
LINE_ENDINGS = {
    "none": ("No line ending", b""),
    "lf": ("LF  (\\n)", b"\n"),
    "crlf": ("CRLF  (\\r\\n)", b"\r\n"),
    "cr": ("CR  (\\r)", b"\r"),
}

#: Send mode id -> menu words.
SEND_MODES = {
    "text": "Text",
    "escaped": "Text with escapes (\\r\\n, \\x00)",
    "hex": "Hex bytes (48 69 0a)",
}

_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t", "\0": "\\0", "\x1b": "\\e", "\\": "\\\\"}
_UNNAMED = {v[1]: k for k, v in _NAMED.items()}  # "r" -> "\r"
_ESCAPE_HELP = "Use \\r \\n \\t \\0 \\e \\xNN or \\u00e9, and \\\\ for a backslash."


class CodecError(ValueError):
    """What was typed cannot be turned into bytes; ``str(error)`` says why and what to type instead."""


@dataclass(frozen=True)
class Segment:
    """A piece of shown text: ``escape`` is True for escapes like ``\\r`` (drawn in another colour)."""

    text: str
    escape: bool = False


def _check_encoding(encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}")
    return encoding


def _shows_as_itself(ch: str) -> bool:
    """Printable characters are shown as they are; controls, invisible and odd spaces become escapes."""
    if ch == " ":
        return True
    if not ch.isprintable():
        return False
    return unicodedata.category(ch) not in ("Zs", "Zl", "Zp", "Cf")


def escape_segments(data: bytes, encoding: str = "utf-8", *, keep_newlines: bool = False) -> list[Segment]:
    """``data`` as readable text, split into plain runs and escapes.

    Bytes the encoding cannot decode become ``\\xNN``; a control or invisible character becomes the
    escapes of its bytes, so nothing is hidden and everything can be typed back. With ``keep_newlines``
    a LF is shown as a real line break (the segment is ``"\\n"`` with ``escape=False``).
    """
    _check_encoding(encoding)
    text = data.decode(encoding, "surrogateescape")
    out: list[Segment] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            out.append(Segment("".join(plain)))
            plain.clear()

    def add_escape(esc: str) -> None:
        flush()
        if out and out[-1].escape:
            out[-1] = Segment(out[-1].text + esc, True)
        else:
            out.append(Segment(esc, True))

    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte the encoding could not decode
            add_escape(f"\\x{code - 0xDC00:02x}")
        elif ch == "\n" and keep_newlines:
            plain.append(ch)
        elif ch in _NAMED:
            add_escape(_NAMED[ch])
        elif _shows_as_itself(ch):
            plain.append(ch)
        else:
            add_escape("".join(f"\\x{b:02x}" for b in ch.encode(encoding)))
    flush()
    return out


def escape(data: bytes, encoding: str = "utf-8", *, keep_newlines: bool = False) -> str:
    """``data`` as one readable string with escapes (see :func:`escape_segments`)."""
    return "".join(s.text for s in escape_segments(data, encoding, keep_newlines=keep_newlines))


def encode_text(text: str, encoding: str = "utf-8") -> bytes:
    """Plain typed text -> bytes, or :class:`CodecError` naming the first character that does not fit."""
    _check_encoding(encoding)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise CodecError(
            f"“{bad}” cannot be sent as {ENCODINGS[encoding].split(' ')[0]}. Pick UTF-8, "
            f"or send it as escaped text (\\x..) or hex bytes."
        ) from None


_HEX_RUN = re.compile(r"[0-9a-fA-F]{2}")


def unescape(text: str, encoding: str = "utf-8") -> bytes:
    """Typed text with escapes -> bytes; the inverse of :func:`escape`. Raises :class:`CodecError`."""
    _check_encoding(encoding)
    out = bytearray()
    i, n = 0, len(text)
    while i < n:
        j = text.find("\\", i)
        if j < 0:
            out += encode_text(text[i:], encoding)
            break
        out += encode_text(text[i:j], encoding)
        if j + 1 >= n:
            raise CodecError(f"The text ends with a lone backslash. {_ESCAPE_HELP}")
        kind = text[j + 1]
        if kind in _UNNAMED:
            out += _UNNAMED[kind].encode("ascii")
            i = j + 2
        elif kind == "x":
            digits = text[j + 2:j + 4]
            if not _HEX_RUN.fullmatch(digits):
                raise CodecError(f"“\\x{digits}” needs two hex digits after \\x, like \\x00 or \\x7f.")
            out.append(int(digits, 16))
            i = j + 4
        elif kind in ("u", "U"):
            width = 4 if kind == "u" else 8
            digits = text[j + 2:j + 2 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits) \
                    or int(digits, 16) > 0x10FFFF or 0xD800 <= int(digits, 16) <= 0xDFFF:
                example = "\\u00e9" if kind == "u" else "\\U0001F600"
                raise CodecError(f"“\\{kind}{digits}” needs {width} hex digits naming a character, like {example}.")
            out += encode_text(chr(int(digits, 16)), encoding)
            i = j + 2 + width
        else:
            raise CodecError(f"“\\{kind}” is not an escape Wirelab knows. {_ESCAPE_HELP}")
    return bytes(out)


def to_hex(data: bytes, sep: str = " ") -> str:
    """``b"Hi\\n"`` -> ``"48 69 0a"``."""
    return data.hex(sep) if sep else data.hex()


_HEX_NOISE = re.compile(r"0x|[\s,:;\-]", re.IGNORECASE)


def from_hex(text: str) -> bytes:
    """``"48 69 0a"``, ``"48690A"``, ``"0x48,0x69"`` -> bytes. Raises :class:`CodecError` in plain words."""
    digits = _HEX_NOISE.sub("", text)
    bad = next((c for c in digits if c not in "0123456789abcdefABCDEF"), None)
    if bad is not None:
        raise CodecError(f"“{bad}” is not a hex digit. Type bytes as pairs of 0-9 and a-f, like 48 69 0a.")
    if len(digits) % 2:
        raise CodecError("An odd number of hex digits: every byte needs two, like 0a (not a).")
    return bytes.fromhex(digits)


def build_payload(text: str, mode: str = "text", encoding: str = "utf-8", line_ending: str = "lf") -> bytes:
    """What one press of Send puts on the wire. Hex is sent exactly as typed (no line ending is added)."""
    if mode == "hex":
        return from_hex(text)
    ending = LINE_ENDINGS[line_ending][1]
    if mode == "escaped":
        return unescape(text, encoding) + ending
    if mode == "text":
        return encode_text(text, encoding) + ending
    raise ValueError(f"unknown send mode {mode!r}")


def split_lines(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Complete LF-terminated lines (LF kept) and the unfinished rest, for a terminal-like view."""
    lines = buffer.split(b"\n")
    rest = lines.pop()
    return [line + b"\n" for line in lines], rest
