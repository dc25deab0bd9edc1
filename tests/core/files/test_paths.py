"""Path checking: whatever a sender claims, accepted paths land inside the receive folder."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.files.paths import UnsafePath, resolve_inside, safe_relative_path, sender_path

GOOD = ["a.txt", "photos/2024/cat.jpg", "ünïcödé/файл.txt", "emoji 😀.png", ".hidden", "a..b", "con-notes.txt",
        "COMPUTER.txt", "x" * 255, "dir/" * 10 + "f"]
BAD = {
    "../x": "leave", "a/../../x": "leave", "/etc/passwd": "absolute", "\\\\server\\share": "absolute",
    "C:/x": "drive letter", "c:x": "drive letter", "a\\b": "Windows", "nul": "reserved", "Nul.txt": "reserved",
    "com1.log": "reserved", "LPT3": "reserved", "COM¹": "reserved", "a\x00b": "control", "tab\there": "control",
    "end.": "dot", "end ": "space", "x" * 256: "255 bytes", "é" * 128: "255 bytes", "a//b": "empty",
    "a/./b": "empty", "": "no name", "what?": "Windows", "ab:c": "Windows", "a:b": "drive letter", "x/" * 70 + "f": "deep",
}


@pytest.mark.parametrize("path", GOOD)
def test_ordinary_names_are_accepted(path: str) -> None:
    assert safe_relative_path(path).as_posix() == path


@pytest.mark.parametrize("path, words", BAD.items())
def test_hostile_names_are_refused_with_a_reason(path: str, words: str) -> None:
    with pytest.raises(UnsafePath) as err:
        safe_relative_path(path)
    assert words in str(err.value)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab./\\:\x00 C\u00e9N*UL1"), max_size=30) | st.text(max_size=40))
def test_anything_accepted_stays_inside_the_root(path: str) -> None:
    try:
        rel = safe_relative_path(path)
    except UnsafePath:
        return
    root = Path("/srv/receive")
    final = Path(os.path.normpath(root / rel))
    assert final == root or root in final.parents
    assert ".." not in rel.parts and not rel.is_absolute()


def test_resolve_refuses_a_symlinked_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafePath, match="link"):
        resolve_inside(root, PurePosixPath("link/x.txt"))
    assert resolve_inside(root, PurePosixPath("real/x.txt")) == Path(os.path.realpath(root)) / "real" / "x.txt"


def test_sender_paths_are_relative_and_slashed(tmp_path: Path) -> None:
    assert sender_path(tmp_path / "a" / "b.txt", tmp_path) == "a/b.txt"


def test_the_character_check_matches_unicode_categories_for_every_code_point() -> None:
    import unicodedata

    from core.files.paths import check_name

    for code in range(0x110000):
        ch = chr(code)
        if ch in "./ ":
            continue
        expected = None
        if unicodedata.category(ch) == "Cc":
            expected = "control character"
        elif ch in '<>:"|?*\\':
            expected = "Windows does not allow"
        elif 0xD800 <= code <= 0xDFFF:
            expected = "not valid Unicode"
        try:
            check_name(f"a{ch}b")
        except UnsafePath as exc:
            assert expected is not None and expected in str(exc), (hex(code), str(exc))
        else:
            assert expected is None, hex(code)
