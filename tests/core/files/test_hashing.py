"""Receive buffers and the hashing thread: buffers made only when needed, handed on between
connections, and a hash that matches what was fed through them."""

from __future__ import annotations

import hashlib
import os
import threading

from core.files.hashing import BufferPool, SpareBuffers, StreamHasher


def test_a_pool_makes_a_buffer_only_when_none_is_free() -> None:
    pool = BufferPool(4, 1024)
    first = pool.take()
    assert pool.made == 1 and len(first) == 1024
    pool.give(first)
    assert pool.take() is first  # a handshake or a stream of small files uses one buffer, not four
    assert pool.made == 1


def test_a_pool_waits_when_all_its_buffers_are_out() -> None:
    pool = BufferPool(2, 16)
    a, b = pool.take(), pool.take()
    got: list[bytearray] = []
    taker = threading.Thread(target=lambda: got.append(pool.take()))
    taker.start()
    taker.join(0.2)
    assert taker.is_alive() and pool.made == 2  # back-pressure: no third buffer
    pool.give(b)
    taker.join(5)
    assert got == [b] and got[0] is b
    pool.give(a)


def test_a_closed_pool_hands_its_returned_buffers_to_the_next_one() -> None:
    spares = SpareBuffers(keep=4)
    old = BufferPool(4, 64, spares)
    kept, out = old.take(), old.take()
    old.give(kept)
    old.close()
    assert len(spares) == 1  # the buffer still out (a hasher may hold it) is not passed on
    new = BufferPool(4, 64, spares)
    assert new.take() is kept
    assert new.take() is not out and len(spares) == 0


def test_spares_keep_a_bounded_number_of_buffers_of_the_right_size() -> None:
    spares = SpareBuffers(keep=2)
    for _ in range(5):
        spares.give(bytearray(8))
    assert len(spares) == 2
    assert spares.take(16) is None  # another size is never handed out
    assert len(spares.take(8)) == 8


def test_the_hasher_digests_what_went_through_pooled_buffers_and_gives_them_back() -> None:
    pool = BufferPool(2, 1 << 16)
    hasher = StreamHasher(pool)
    data = os.urandom(300_000)
    for start in range(0, len(data), 1 << 16):
        buf = pool.take()
        piece = data[start:start + (1 << 16)]
        buf[:len(piece)] = piece
        hasher.feed(memoryview(buf)[:len(piece)])
        hasher.release(buf)
    assert hasher.result() == hashlib.sha256(data).hexdigest()
    assert pool.made == 2  # five pieces through two buffers, each back in the pool after hashing
