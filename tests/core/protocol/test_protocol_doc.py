"""docs/PROTOCOL.md is what people write other clients from: its examples must be what Wirelab sends."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from core.protocol.messages import decode, encode

DOC = Path(__file__).resolve().parents[3] / "docs" / "PROTOCOL.md"
LINES = re.findall(r"^([→←]) (\{.*\})$", DOC.read_text(encoding="utf-8"), flags=re.M)


def test_the_doc_has_worked_examples_in_both_directions() -> None:
    assert {arrow for arrow, _ in LINES} == {"→", "←"}
    assert any('"type":"file_group"' in line for _, line in LINES)


def test_every_message_the_server_sends_in_the_examples_is_byte_exact() -> None:
    for arrow, line in LINES:
        message = decode(json.loads(line))
        assert message is not None, line
        if arrow == "←":  # what Wirelab writes; the client lines include a short hello someone typed into nc
            assert encode(message) == line.encode("utf-8") + b"\n"


def test_the_digests_in_the_examples_are_the_real_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    for content in (b"hello\n", b"hi\n", b"yo\n"):
        assert hashlib.sha256(content).hexdigest() in text
