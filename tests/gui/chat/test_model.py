"""The chat and transcript models: bounded, deduplicated, and lines put together from any reads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.raw_client import Chunk
from gui.chat.model import TRIM_BATCH, ChatEntry, ChatModel, TranscriptModel, grouped_with_previous


def test_history_is_bounded_and_keeps_the_newest(qtmodeltester) -> None:
    model = ChatModel(limit=10_000)
    model.extend(ChatEntry("say", f"message {i}", "ana", time=i) for i in range(25_000))
    assert 10_000 <= model.rowCount() <= 10_000 + TRIM_BATCH
    assert model.rows[-1].text == "message 24999"
    for i in range(25_000, 27_000):
        model.append(ChatEntry("say", f"message {i}", "ana", time=i))
    assert model.rowCount() <= 10_000 + TRIM_BATCH
    assert model.rows[-1].text == "message 26999"
    assert not model.seen("ana", 0, "message 0")  # forgotten with its row
    assert model.seen("ana", 26_999, "message 26999")
    qtmodeltester.check(model)


def test_unread_marker_is_single_and_moves_to_the_end() -> None:
    model = ChatModel()
    model.append(ChatEntry("say", "a", "ana"))
    model.move_marker_to_end()
    model.append(ChatEntry("say", "b", "ben"))
    model.move_marker_to_end()
    model.append(ChatEntry("say", "c", "ben"))
    assert [e.kind for e in model.rows] == ["say", "say", "marker", "say"]
    model.remove_marker()
    assert model.marker_row() is None


def test_messages_group_by_person_and_kind() -> None:
    rows = [ChatEntry("say", "a", "ana", time=0), ChatEntry("say", "b", "ana", time=10),
            ChatEntry("say", "c", "ben", time=20), ChatEntry("join", "x joined", time=21),
            ChatEntry("say", "d", "ben", time=22), ChatEntry("say", "e", "ben", time=2000)]
    assert [grouped_with_previous(rows, i) for i in range(len(rows))] == [False, True, False, False, False, False]


@given(st.binary(max_size=200), st.lists(st.integers(1, 40), max_size=30))
def test_lines_view_is_the_same_bytes_however_they_were_read(data: bytes, cuts: list[int]) -> None:
    lines, chunks = TranscriptModel(lines=True), TranscriptModel(lines=False)
    pos, seq = 0, 0
    for cut in [*cuts, len(data)]:
        piece = data[pos:pos + cut]
        pos += cut
        if piece:
            seq += 1
            for model in (lines, chunks):
                model.add_chunk(Chunk("in", piece, 0.0, seq))
    assert b"".join(e.data for e in lines.rows) == data
    assert b"".join(e.data for e in chunks.rows) == data
    assert all(b"\n" not in e.data[:-1] for e in lines.rows)  # a line ends at its only LF
    assert sum(e.reads for e in lines.rows) >= seq


def test_sends_interrupt_a_line_being_received() -> None:
    model = TranscriptModel(lines=True)
    model.add_chunk(Chunk("in", b"abc", 0.0, 1))
    model.add_chunk(Chunk("out", b"x\n", 0.0, 1))
    model.add_chunk(Chunk("in", b"def\n", 0.0, 2))
    assert [(e.kind, e.data) for e in model.rows] == [("in", b"abc"), ("out", b"x\n"), ("in", b"def\n")]
