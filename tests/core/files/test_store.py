"""The receive folder: numbering, no overwrite even in a race, resumable parts."""

from __future__ import annotations

import threading
from pathlib import Path, PurePosixPath

from core.files.store import ReceiveFolder, numbered


def test_numbered_names_keep_the_extension() -> None:
    assert numbered(Path("report.pdf"), 1).name == "report (1).pdf"
    assert numbered(Path("archive.tar.gz"), 2).name == "archive (2).tar.gz"
    assert numbered(Path(".bashrc"), 1).name == ".bashrc (1)"
    assert numbered(Path("Makefile"), 3).name == "Makefile (3)"


def finish(folder: ReceiveFolder, name: str, content: bytes) -> Path:
    slot = folder.plan(0, PurePosixPath(name), len(content))
    fd = folder.open_part(slot, 0)
    import os

    os.write(fd, content)
    return folder.finish(slot, fd)


def test_twenty_transfers_of_one_name_at_once_never_overwrite(tmp_path: Path) -> None:
    folder = ReceiveFolder(tmp_path)
    results: list[Path] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        path = finish(folder, "same.txt", f"copy {i}".encode())
        with lock:
            results.append(path)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = sorted(p.name for p in results)
    assert len(set(names)) == 20
    contents = sorted(p.read_text() for p in results)
    assert contents == sorted(f"copy {i}" for i in range(20))
    assert not list(tmp_path.glob("*.part"))


def test_a_part_is_offered_for_resume_with_its_prefix_hash(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "big.bin.part").write_bytes(b"first half")
    folder = ReceiveFolder(tmp_path)
    slot = folder.plan(0, PurePosixPath("big.bin"), 100)
    assert slot.resume_offset == 10
    assert slot.prefix_sha256 == hashlib.sha256(b"first half").hexdigest()
    # While that part is in use, a second transfer of the same name gets its own part.
    other = folder.plan(1, PurePosixPath("big.bin"), 100)
    assert other.part.name == "big (1).bin.part" and other.resume_offset == 0


def test_a_part_bigger_than_the_file_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "x.txt.part").write_bytes(b"0123456789")
    slot = ReceiveFolder(tmp_path).plan(0, PurePosixPath("x.txt"), 5)
    assert slot.part.name == "x (1).txt.part" and slot.resume_offset == 0


def test_space_problem_names_both_sizes(tmp_path: Path) -> None:
    folder = ReceiveFolder(tmp_path, min_free_bytes=1 << 60)
    words = folder.space_problem(10 * 1024 * 1024)
    assert words is not None and "10.0 MB" in words and "free" in words
    assert ReceiveFolder(tmp_path).space_problem(1) is None


def test_a_part_that_appears_after_planning_is_left_alone(tmp_path: Path) -> None:
    folder = ReceiveFolder(tmp_path)
    slot = folder.plan(0, "new/x.txt", 3, set())  # "new" does not exist yet: nothing there to resume
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "x.txt.part").write_bytes(b"someone else's")
    import os

    fd = folder.open_part(slot, 0)
    os.write(fd, b"abc")
    final = folder.finish(slot, fd)
    assert final.read_bytes() == b"abc"
    assert (tmp_path / "new" / "x.txt.part").read_bytes() == b"someone else's"
