from __future__ import annotations

import pytest

from core.rest.body import SMALL_JSON_BYTES, analyze, charset_of, hexdump, human_size, kind_of
from core.rest.runner import BodyRef


@pytest.mark.parametrize(("ctype", "head", "kind"), [
    ("application/json", b"{}", "json"), ("application/problem+json", b"{}", "json"),
    ("text/html; charset=utf-8", b"<h1>", "html"), ("application/xml", b"<a/>", "xml"),
    ("image/png", b"\x89PNG", "image"), ("", b"\x89PNG\r\n", "image"), ("", b' [1, 2]', "json"),
    ("text/plain", b"[1]", "text"), ("application/octet-stream", b"\x00\x01\x02", "binary"),
    ("", b"plain words", "text"), ("text/csv", b"a,b", "text"),
])
def test_kind_of(ctype: str, head: bytes, kind: str) -> None:
    assert kind_of(ctype, head) == kind


def test_small_json_is_parsed_and_formatted() -> None:
    view = analyze(BodyRef(11, "application/json", data=b'{"a": [1]} '))
    assert view.parsed and view.doc == {"a": [1]} and view.pretty == '{\n  "a": [\n    1\n  ]\n}'


def test_big_json_is_left_to_the_worker(tmp_path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b"[" + b"1," * SMALL_JSON_BYTES + b"1]")
    view = analyze(BodyRef(path.stat().st_size, "application/json", path=str(path)))
    assert view.large and not view.parsed and view.pretty is None and view.text.startswith("[1,1")


def test_invalid_json_says_where() -> None:
    view = analyze(BodyRef(9, "application/json", data=b'{"a": 1,}'))
    assert not view.parsed and view.json_error == "line 1, column 9: Expecting property name enclosed in double quotes"


def test_text_uses_the_charset_and_empty_is_empty() -> None:
    assert analyze(BodyRef(2, "text/plain; charset=latin-1", data="é!".encode("latin-1"))).text == "é!"
    assert charset_of('text/html; charset="utf-8"') == "utf-8"
    assert analyze(BodyRef(0, "text/plain", data=b"")).kind == "empty"


def test_hexdump_and_sizes() -> None:
    full, short = hexdump(b"Hello, world!\x00\xff" + bytes(range(17))).split("\n")[:2]
    assert full == "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 ff 00  |Hello, world!...|"
    assert short.startswith("00000010  01 02") and short.index("|") == full.index("|")
    assert human_size(999) == "999 B" and human_size(20 * 1024 * 1024) == "20.0 MB"
