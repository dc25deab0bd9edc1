"""Escapes, hex and encodings for the raw window: exact round trips, and mistakes explained in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text_codec import (
    ENCODINGS,
    CodecError,
    build_payload,
    escape,
    escape_segments,
    from_hex,
    split_lines,
    to_hex,
    unescape,
)

encodings = st.sampled_from(sorted(ENCODINGS))


@given(st.binary(max_size=300), encodings, st.booleans())
def test_any_bytes_shown_with_escapes_type_back_to_the_same_bytes(data: bytes, encoding: str, keep: bool) -> None:
    assert unescape(escape(data, encoding, keep_newlines=keep), encoding) == data


@given(st.binary(max_size=300))
def test_hex_round_trips_any_bytes(data: bytes) -> None:
    assert from_hex(to_hex(data)) == data
    assert from_hex(to_hex(data, "")) == data


@given(st.text(max_size=200))
def test_utf8_text_escapes_to_a_string_that_means_the_same_bytes(text: str) -> None:
    assert unescape(escape(text.encode()), "utf-8") == text.encode()


@given(st.binary(max_size=100), encodings)
def test_shown_text_has_no_control_characters(data: bytes, encoding: str) -> None:
    shown = escape(data, encoding)
    assert all(ch == " " or ch.isprintable() for ch in shown)


def test_controls_and_bad_bytes_are_visible_escapes() -> None:
    assert escape(b"GET / HTTP/1.0\r\n\r\n") == "GET / HTTP/1.0\\r\\n\\r\\n"
    assert escape(b"a\x00b\tc\x1b[0m\\") == "a\\0b\\tc\\e[0m\\\\"
    assert escape(b"caf\xc3\xa9 \xff") == "café \\xff"
    assert escape(b"caf\xc3\xa9", "ascii") == "caf\\xc3\\xa9"
    assert escape(b"caf\xe9", "latin-1") == "café"
    assert escape("zero\u200bwidth".encode()) == "zero\\xe2\\x80\\x8bwidth"


def test_emoji_and_other_scripts_show_as_themselves() -> None:
    text = "héllo 👋🏽 世界 مرحبا"
    assert escape(text.encode()) == text


def test_segments_mark_escapes_for_colouring() -> None:
    segments = escape_segments(b"hi\r\nthere")
    assert [(s.text, s.escape) for s in segments] == [("hi", False), ("\\r\\n", True), ("there", False)]
    kept = escape_segments(b"a\r\nb", keep_newlines=True)
    assert [(s.text, s.escape) for s in kept] == [("a", False), ("\\r", True), ("\nb", False)]


def test_unescape_understands_the_usual_escapes() -> None:
    assert unescape("HELO x\\r\\n") == b"HELO x\r\n"
    assert unescape("\\x00\\x7F\\0\\t\\e\\\\") == b"\x00\x7f\x00\t\x1b\\"
    assert unescape("\\u00e9", "latin-1") == b"\xe9"
    assert unescape("\\u00e9") == b"\xc3\xa9"
    assert unescape("\\U0001F600") == "😀".encode()


@pytest.mark.parametrize("typed, words", [
    ("abc\\", "lone backslash"),
    ("\\q", "not an escape"),
    ("\\x4", "two hex digits"),
    ("\\xzz", "two hex digits"),
    ("\\u12", "4 hex digits"),
    ("\\ud800", "4 hex digits"),
    ("\\U00110000", "8 hex digits"),
])
def test_bad_escapes_say_what_to_type(typed: str, words: str) -> None:
    with pytest.raises(CodecError, match=words):
        unescape(typed)


def test_characters_that_do_not_fit_the_encoding_are_named() -> None:
    with pytest.raises(CodecError, match="“é” cannot be sent as ASCII"):
        build_payload("café", "text", "ascii")
    with pytest.raises(CodecError, match="cannot be sent as Latin-1"):
        build_payload("👋", "escaped", "latin-1")


def test_hex_accepts_common_spellings_and_explains_mistakes() -> None:
    assert from_hex("48 69 0A") == b"Hi\n"
    assert from_hex("0x48,0x69") == b"Hi"
    assert from_hex("48:69-0a\n") == b"Hi\n"
    with pytest.raises(CodecError, match="odd number"):
        from_hex("486")
    with pytest.raises(CodecError, match="“g” is not a hex digit"):
        from_hex("4g")


@pytest.mark.parametrize("ending, tail", [("none", b""), ("lf", b"\n"), ("crlf", b"\r\n"), ("cr", b"\r")])
def test_line_endings_are_added_to_text_but_never_to_hex(ending: str, tail: bytes) -> None:
    assert build_payload("hi", "text", "utf-8", ending) == b"hi" + tail
    assert build_payload("hi\\0", "escaped", "utf-8", ending) == b"hi\x00" + tail
    assert build_payload("68 69", "hex", "utf-8", ending) == b"hi"


def test_split_lines_keeps_the_unfinished_rest() -> None:
    assert split_lines(b"a\nb\r\nc") == ([b"a\n", b"b\r\n"], b"c")
    assert split_lines(b"") == ([], b"")
