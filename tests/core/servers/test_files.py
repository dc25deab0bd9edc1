"""The file receiver worker with real senders: verified transfers, consent, resume, hostile input."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from core.file_sender import FileSender, check_reachable, collect
from core.messages import ClientDisconnected, FileOffer, FileReceived, Listening, OfferAnswer, TransferFinished
from core.net.connect import ConnectFailure
from core.protocol import NEED_DATA, Connection, RemoteProtocolError, Role
from core.protocol.messages import (
    Accept,
    Cancel,
    Decline,
    Done,
    FileEnd,
    FileEntry,
    FileFailed,
    FileGroup,
    FileOk,
    FileStart,
    Hello,
    Offer,
    Summary,
    Welcome,
)
from tests.conftest import start_process, wait_for

SEED_SENDER = Path(__file__).resolve().parents[2] / "seeds" / "tutorial_sender.py"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): digest(p) for p in sorted(root.rglob("*")) if p.is_file()}


def make_tree(base: Path, total_mb: int = 100) -> Path:
    """A folder with big and small files in sub-folders, and names people really use."""
    root = base / "lab handout"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notes").mkdir()
    rng = os.urandom
    per_big = (total_mb * 1024 * 1024) // 4
    for i in range(4):
        (root / "data" / "raw" / f"capture-{i}.bin").write_bytes(rng(per_big))
    for i in range(50):
        (root / "notes" / f"note {i:02d} – é.txt").write_text(f"note {i}\n" * (i + 1), encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "README").write_text("Read me first\n")
    return root


class RawSender:
    """Speaks the protocol by hand, to send what a well-behaved sender never would."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.conn = Connection(Role.CLIENT)
        self.sock.sendall(self.conn.send(Hello(service="files", nick="mallory", machine="evil")))
        assert isinstance(self.next(), Welcome)

    def next(self):
        while True:
            event = self.conn.next_event()
            if event is not NEED_DATA:
                return event
            self.conn.receive_data(self.sock.recv(65536))

    def send(self, message) -> None:
        self.sock.sendall(self.conn.send(message))

    def close(self) -> None:
        self.sock.close()


def test_a_100mb_folder_arrives_verified_with_its_structure(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    root = make_tree(tmp_path, 100)
    files, problems = collect([root])
    assert not problems and len(files) == 56
    outcome = FileSender(file_worker.host, file_worker.port, files, nick="ana").run()
    assert outcome.ok, outcome.message
    assert all(r.status == "verified" for r in outcome.results)
    assert tree_digests(receive_dir / "lab handout") == tree_digests(root)
    assert not list(receive_dir.rglob("*.part"))
    received = [file_worker.wait(lambda e: isinstance(e, FileReceived)) for _ in range(3)]
    assert all(Path(r.path).is_file() for r in received)


def test_an_existing_file_is_never_overwritten(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    (receive_dir / "report.tar.gz").write_text("the teacher's own file")
    src = tmp_path / "report.tar.gz"
    src.write_bytes(b"new content")
    for expected in ("report (1).tar.gz", "report (2).tar.gz"):
        outcome = FileSender(file_worker.host, file_worker.port, collect([src])[0]).run()
        assert outcome.ok and outcome.results[0].stored_as == expected
        assert (receive_dir / expected).read_bytes() == b"new content"
    assert (receive_dir / "report.tar.gz").read_text() == "the teacher's own file"


def test_the_person_is_asked_and_a_decline_leaves_nothing(file_worker_factory, receive_dir: Path, tmp_path: Path) -> None:
    running = file_worker_factory(auto_accept=False)
    src = tmp_path / "photo.jpg"
    src.write_bytes(os.urandom(1000))
    result = {}
    thread = threading.Thread(target=lambda: result.update(
        outcome=FileSender(running.host, running.port, collect([src])[0], nick="ana", machine="lab-7").run()))
    thread.start()
    offer = running.wait(lambda e: isinstance(e, FileOffer))
    assert offer.sender == "ana / lab-7"
    assert [(f.path, f.size) for f in offer.files] == [("photo.jpg", 1000)]
    assert offer.total_bytes == 1000 and offer.destination == str(receive_dir)
    assert running.supervisor.send("files", OfferAnswer(offer.offer_id, accept=False))
    thread.join(20)
    outcome = result["outcome"]
    assert not outcome.ok and outcome.declined
    assert "declined" in outcome.message
    assert list(receive_dir.iterdir()) == []


def test_always_accept_from_this_machine_stops_asking(file_worker_factory, receive_dir: Path, tmp_path: Path) -> None:
    running = file_worker_factory(auto_accept=False)
    src = tmp_path / "a.txt"
    src.write_text("a")
    done = []
    thread = threading.Thread(target=lambda: done.append(
        FileSender(running.host, running.port, collect([src])[0], machine="lab-7").run()))
    thread.start()
    offer = running.wait(lambda e: isinstance(e, FileOffer))
    running.supervisor.send("files", OfferAnswer(offer.offer_id, accept=True, remember=True))
    thread.join(20)
    assert done[0].ok
    # The second offer from the same machine is accepted without a question.
    second = FileSender(running.host, running.port, collect([src])[0], machine="lab-7").run()
    assert second.ok and second.results[0].stored_as == "a (1).txt"



def test_an_offer_names_the_senders_machine_so_the_app_can_trust_it_across_restarts(
        file_worker_factory, supervisor, tmp_path: Path) -> None:
    """"Always accept" is saved in the settings by machine name; the offer must say which name that is."""
    running = file_worker_factory(auto_accept=False)
    src = tmp_path / "b.txt"
    src.write_text("b")
    done = []
    thread = threading.Thread(target=lambda: done.append(
        FileSender(running.host, running.port, collect([src])[0], nick="ana / x", machine="lab-8").run()))
    thread.start()
    offer = running.wait(lambda e: isinstance(e, FileOffer))
    assert offer.machine == "lab-8" and offer.sender == "ana / x / lab-8"  # the sender words alone are ambiguous
    running.supervisor.send("files", OfferAnswer(offer.offer_id, accept=False))
    thread.join(20)
    # A receiver started later with that name trusted (what the saved settings give it) does not ask.
    supervisor.stop("files")
    supervisor.set_config("files", replace(supervisor.config("files"), trusted_senders=(offer.machine,)))
    events = supervisor.subscribe()
    supervisor.start("files")
    listening = wait_for(events, lambda e: isinstance(e, Listening) and e.worker == "files")
    outcome = FileSender(listening.host, listening.port, collect([src])[0], machine="lab-8").run()
    assert outcome.ok, outcome.message

HOSTILE = [
    "../escape.txt", "a/../../escape.txt", "/etc/passwd", "C:/Windows/win.ini", "c:evil.txt",
    "dir\\..\\..\\escape.txt", "nul", "CON.txt", "com1", "LPT9.log", "bad\x00name", "bell\x07.txt",
    "trailing.", "trailing ", "x" * 256, "a/./b", "a//b", "", "what?.txt", "pipe|.txt", "ads.txt:stream",
]


def test_hostile_names_are_refused_and_the_rest_of_the_batch_arrives(file_worker, receive_dir: Path) -> None:
    sender = RawSender(file_worker.host, file_worker.port)
    files = (*(FileEntry(name, 3) for name in HOSTILE), FileEntry("good/fine.txt", 3))
    sender.send(Offer(batch="b", files=files))
    accept = sender.next()
    assert isinstance(accept, Accept)
    assert sorted(accept.skip) == list(range(len(HOSTILE)))
    refusals = [sender.next() for _ in HOSTILE]
    assert all(isinstance(r, FileFailed) and r.code == "unsafe_path" for r in refusals)
    assert all("was refused" in r.message for r in refusals)
    good = len(HOSTILE)
    sender.send(FileStart(good))
    sender.sock.sendall(sender.conn.data_header(3) + b"abc")
    sender.send(FileEnd(good, hashlib.sha256(b"abc").hexdigest()))
    assert sender.next() == FileOk(good, "good/fine.txt", hashlib.sha256(b"abc").hexdigest())
    sender.send(Done("b"))
    summary = sender.next()
    assert isinstance(summary, Summary) and summary.received == 1
    sender.close()
    assert [p.relative_to(receive_dir).as_posix() for p in receive_dir.rglob("*")] == ["good", "good/fine.txt"]
    assert not (receive_dir.parent / "escape.txt").exists()


def test_an_offer_with_only_hostile_names_is_declined_in_words(file_worker) -> None:
    sender = RawSender(file_worker.host, file_worker.port)
    sender.send(Offer(batch="b", files=(FileEntry("../../x", 1),)))
    decline = sender.next()
    assert isinstance(decline, Decline) and decline.reason == "unsafe_path"
    assert "leave the receive folder" in decline.message
    sender.close()


def test_a_symlink_in_the_receive_folder_is_not_followed(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (receive_dir / "shared").symlink_to(outside, target_is_directory=True)
    sender = RawSender(file_worker.host, file_worker.port)
    sender.send(Offer(batch="b", files=(FileEntry("shared/x.txt", 1),)))
    answer = sender.next()
    assert isinstance(answer, Decline) and "link" in answer.message
    sender.close()
    assert list(outside.iterdir()) == []


def test_a_damaged_file_is_not_kept(file_worker, receive_dir: Path) -> None:
    sender = RawSender(file_worker.host, file_worker.port)
    sender.send(Offer(batch="b", files=(FileEntry("a.bin", 4),)))
    assert isinstance(sender.next(), Accept)
    sender.send(FileStart(0))
    sender.sock.sendall(sender.conn.data_header(4) + b"abcd")
    sender.send(FileEnd(0, hashlib.sha256(b"abce").hexdigest()))
    failed = sender.next()
    assert isinstance(failed, FileFailed) and failed.code == "hash_mismatch"
    assert "damaged" in failed.message
    sender.close()
    assert list(receive_dir.iterdir()) == []


def test_garbage_gets_an_error_and_the_receiver_keeps_serving(file_worker, tmp_path: Path) -> None:
    with socket.create_connection((file_worker.host, file_worker.port), timeout=5) as s:
        s.sendall(b'{"type":"hello","service":"files"}\n{"type":"offer","batch":"b","files":"nope"}\n')
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    assert b'"type":"error"' in data and b'"fatal":true' in data
    src = tmp_path / "after.txt"
    src.write_text("still fine")
    assert FileSender(file_worker.host, file_worker.port, collect([src])[0]).run().ok


SENDER_THAT_DIES = r"""
import socket, sys, hashlib
from core.protocol import Connection, Role, NEED_DATA
from core.protocol.messages import Hello, Offer, FileEntry, FileStart, Accept, Welcome
host, port, path, cut = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
data = open(path, "rb").read()
sock = socket.create_connection((host, port))
conn = Connection(Role.CLIENT)
sock.sendall(conn.send(Hello(service="files", nick="ana", machine="lab-3")))
def nxt():
    while (ev := conn.next_event()) is NEED_DATA:
        conn.receive_data(sock.recv(65536))
    return ev
assert isinstance(nxt(), Welcome)
sock.sendall(conn.send(Offer(batch="b", files=(FileEntry("big.bin", len(data)),))))
assert isinstance(nxt(), Accept)
sock.sendall(conn.send(FileStart(0)))
for start in range(0, cut, 1 << 20):
    piece = data[start:min(start + (1 << 20), cut)]
    sock.sendall(conn.data_header(len(piece)) + piece)
print("SENT", cut, flush=True)
import time
time.sleep(600)
"""


def test_resume_after_the_sender_is_killed_mid_file(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(24 * 1024 * 1024))
    cut = 10 * 1024 * 1024
    proc = start_process([sys.executable, "-c", SENDER_THAT_DIES, file_worker.host, str(file_worker.port), str(src),
                          str(cut)])
    try:
        assert proc.stdout.readline().strip() == f"SENT {cut}"
        part = receive_dir / "big.bin.part"
        deadline = time.monotonic() + 20
        while (not part.exists() or part.stat().st_size < cut) and time.monotonic() < deadline:
            time.sleep(0.02)  # the receiver writes what is in flight; nothing to wait on but the file
        assert part.stat().st_size == cut
        os.killpg(proc.pid, signal.SIGKILL)
        finished = file_worker.wait(lambda e: isinstance(e, TransferFinished))
        assert "partial files are kept" in finished.message
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert part.exists() and not (receive_dir / "big.bin").exists()  # never a truncated final file

    outcome = FileSender(file_worker.host, file_worker.port, collect([src])[0]).run()
    assert outcome.ok, outcome.message
    assert outcome.bytes_sent == src.stat().st_size - cut  # only the rest travelled
    assert digest(receive_dir / "big.bin") == digest(src)
    assert not part.exists()


class CuttingProxy:
    """A real TCP relay in front of the receiver that cuts its first connection after ``cut`` bytes
    from the sender, the way a pulled cable or a Wi-Fi drop would; later connections pass through."""

    def __init__(self, target: tuple[str, int], cut: int) -> None:
        self.target, self.cut = target, cut
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.sockets: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            limit = self.cut if self.connections == 1 else None
            for args in ((client, upstream, limit), (upstream, client, None)):
                thread = threading.Thread(target=self._pipe, args=args, daemon=True)
                self.threads.append(thread)
                thread.start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, limit: int | None) -> None:
        moved = 0
        try:
            while limit is None or moved < limit:
                data = src.recv(65536 if limit is None else min(65536, limit - moved))
                if not data:
                    break
                dst.sendall(data)
                moved += len(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (Linux)
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self.threads:
            thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


def test_a_dropped_connection_is_reconnected_and_the_file_resumes(file_worker, receive_dir: Path,
                                                                   tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(8 * 1024 * 1024))
    proxy = CuttingProxy((file_worker.host, file_worker.port), cut=3 * 1024 * 1024)
    steps: list[str] = []
    try:
        outcome = FileSender("127.0.0.1", proxy.port, collect([src])[0], retry_delay=0.2,
                             on_progress=lambda p: steps.append(p.current)).run()
    finally:
        proxy.close()
    assert outcome.ok, outcome.message
    assert proxy.connections == 2
    assert any(step.startswith("Connection lost; trying again (1/3)") for step in steps)
    assert outcome.bytes_sent < 2 * src.stat().st_size  # resumed from the receiver's .part, not resent whole
    assert digest(receive_dir / "big.bin") == digest(src)
    assert not (receive_dir / "big.bin.part").exists()


def test_nothing_listening_fails_at_once_without_retrying(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("hello")
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    steps: list[str] = []
    outcome = FileSender("127.0.0.1", port, collect([src])[0], retry_delay=30,
                         on_progress=lambda p: steps.append(p.current)).run()
    assert not outcome.ok and outcome.layer == "refused"
    assert outcome.message.startswith(f"Nothing is listening at 127.0.0.1:{port}")
    assert not any("trying again" in step for step in steps)  # a 30 s retry delay would have shown here


def test_a_part_from_a_different_file_is_kept_and_not_resumed(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    (receive_dir / "notes.txt.part").write_bytes(b"someone else's half file")
    src = tmp_path / "notes.txt"
    src.write_bytes(b"completely different content, longer than the old part")
    outcome = FileSender(file_worker.host, file_worker.port, collect([src])[0]).run()
    assert outcome.ok and outcome.bytes_sent == src.stat().st_size
    assert (receive_dir / "notes.txt").read_bytes() == src.read_bytes()
    assert (receive_dir / "notes.txt.part").read_bytes() == b"someone else's half file"


def test_an_offer_that_would_fill_the_disk_is_declined(file_worker_factory, tmp_path: Path) -> None:
    running = file_worker_factory(auto_accept=True, min_free_bytes=2**62)
    src = tmp_path / "a.txt"
    src.write_text("x")
    outcome = FileSender(running.host, running.port, collect([src])[0]).run()
    assert outcome.declined and "enough free disk space" in outcome.message


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs that can fill up")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_file_in_words_keeps_what_arrived_and_keeps_serving(
        supervisor, tiny_disk: Path, tmp_path: Path) -> None:
    from core.config import FileConfig
    from tests.core.servers.conftest import start_worker

    running = start_worker(supervisor, "files", "core.workers.files:run",
                           FileConfig(port=0, receive_dir=str(tiny_disk), min_free_bytes=0, auto_accept=True))
    sender = RawSender(running.host, running.port)
    size = 4 * 1024 * 1024
    sender.send(Offer(batch="b", files=(FileEntry("big.bin", size),)))
    assert isinstance(sender.next(), Accept)  # it fitted when it was offered...
    (tiny_disk / "filler").write_bytes(b"\0" * (6 * 1024 * 1024))  # ...then something else filled the disk
    sender.send(FileStart(0))
    for _ in range(4):
        try:
            sender.sock.sendall(sender.conn.data_header(1024 * 1024) + os.urandom(1024 * 1024))
        except OSError:
            break
    failed = sender.next()
    assert isinstance(failed, FileFailed) and failed.code == "disk_full"
    assert "disk is full" in failed.message and "resume" in failed.message
    sender.close()
    running.wait(lambda e: isinstance(e, TransferFinished))
    assert (tiny_disk / "big.bin.part").exists() and not (tiny_disk / "big.bin").exists()
    os.unlink(tiny_disk / "filler")
    small = tmp_path / "small.txt"
    small.write_text("fits")
    assert FileSender(running.host, running.port, collect([small])[0]).run().ok


def test_the_tutorial_sender_script_can_send_to_wirelab(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    for name, content in (("data.csv", b"1,2,3\n4,5,6\n" * 5000), ("photo.bin", os.urandom(300_000))):
        src = tmp_path / name
        src.write_bytes(content)
        code = f"import tutorial_sender; tutorial_sender.send_file({str(src)!r}, {file_worker.host!r}, {file_worker.port})"
        result = subprocess.run([sys.executable, "-c", code], cwd=SEED_SENDER.parent, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        received = file_worker.wait(lambda e: isinstance(e, FileReceived) and e.path.endswith(name))
        assert received.size == len(content)
        assert (receive_dir / name).read_bytes() == content  # a file starting with digits is split right too


def test_a_file_starting_with_digits_survives_the_ambiguous_tutorial_header(file_worker, receive_dir: Path) -> None:
    content = b"2024 was a year\n" * 10
    with socket.create_connection((file_worker.host, file_worker.port)) as s:
        s.sendall(f"years.txt<SEPARATOR>{len(content)}".encode() + content)  # header and data in one segment
    received = file_worker.wait(lambda e: isinstance(e, FileReceived))
    assert received.size == len(content)
    assert (receive_dir / "years.txt").read_bytes() == content


def test_reachability_check_names_the_layer_that_failed(file_worker, echo_worker) -> None:
    assert check_reachable(file_worker.host, file_worker.port) == "receiver"
    with pytest.raises(ConnectFailure) as wrong:
        check_reachable(echo_worker.host, echo_worker.port, timeout=2)
    assert wrong.value.layer == "wrong_program"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(ConnectFailure) as refused:
        check_reachable("127.0.0.1", closed_port)
    assert refused.value.layer == "refused" and "Nothing is listening" in refused.value.message
    with pytest.raises(ConnectFailure) as name:
        check_reachable("no-such-machine.invalid", 5051)
    assert name.value.layer == "name"


def test_cancel_keeps_a_resumable_part(file_worker, receive_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "movie.bin"
    src.write_bytes(os.urandom(64 * 1024 * 1024))
    sender: FileSender

    def on_progress(p) -> None:
        if p.current_done > 8 * 1024 * 1024:
            sender.cancel()

    sender = FileSender(file_worker.host, file_worker.port, collect([src])[0], on_progress=on_progress,
                        progress_interval=0, chunk=1024 * 1024)
    outcome = sender.run()
    assert outcome.cancelled and not outcome.ok
    finished = file_worker.wait(lambda e: isinstance(e, TransferFinished))
    assert "cancelled" in finished.message
    part = receive_dir / "movie.bin.part"
    assert part.exists() and 0 < part.stat().st_size < src.stat().st_size
    again = FileSender(file_worker.host, file_worker.port, collect([src])[0]).run()
    assert again.ok and again.bytes_sent < src.stat().st_size
    assert digest(receive_dir / "movie.bin") == digest(src)



def test_cancel_while_the_receiver_is_still_asking_ends_the_send_at_once(
        file_worker_factory, receive_dir: Path, tmp_path: Path) -> None:
    """The receiver reads a cancel only after its person answers; the sender must not wait minutes for that."""
    running = file_worker_factory(auto_accept=False)  # answer_timeout: the default 300 s
    src = tmp_path / "slides.pdf"
    src.write_bytes(os.urandom(5000))
    sender = FileSender(running.host, running.port, collect([src])[0], machine="lab-9")
    done = []
    thread = threading.Thread(target=lambda: done.append(sender.run()))
    thread.start()
    offer = running.wait(lambda e: isinstance(e, FileOffer))
    sender.cancel()
    thread.join(20)  # far below the 300 s the person has to answer
    assert not thread.is_alive(), "run() still waits for the person at the receiver after cancel()"
    assert done[0].cancelled and not done[0].ok
    assert [r.status for r in done[0].results] == ["cancelled"]
    # The person answers late: the receiver copes with the sender being gone, and keeps serving.
    assert running.supervisor.send("files", OfferAnswer(offer.offer_id, accept=True))
    running.wait(lambda e: isinstance(e, ClientDisconnected))
    assert check_reachable(running.host, running.port) == "receiver"
    assert not [p for p in receive_dir.rglob("*") if p.is_file()]


def test_a_cancel_that_crossed_a_decline_is_ignored_and_the_connection_stays_usable(file_worker_factory) -> None:
    running = file_worker_factory(auto_accept=False)
    sender = RawSender(running.host, running.port)
    try:
        sender.send(Offer(batch="b1", files=(FileEntry("one.txt", 3),)))
        offer = running.wait(lambda e: isinstance(e, FileOffer))
        assert running.supervisor.send("files", OfferAnswer(offer.offer_id, accept=False))
        assert isinstance(sender.next(), Decline)
        sender.send(Cancel("b1"))  # what a sender whose cancel was already on its way sends
        sender.send(Offer(batch="b2", files=(FileEntry("two.txt", 3),)))
        second = running.wait(lambda e: isinstance(e, FileOffer))
        assert [f.path for f in second.files] == ["two.txt"]
        assert running.supervisor.send("files", OfferAnswer(second.offer_id, accept=False))
        assert isinstance(sender.next(), Decline)
    finally:
        sender.close()

def test_a_sender_that_goes_silent_is_dropped_and_others_are_served(file_worker_factory, tmp_path: Path) -> None:
    running = file_worker_factory(auto_accept=True, idle_timeout=0.5)
    silent = RawSender(running.host, running.port)
    silent.send(Offer(batch="b", files=(FileEntry("slow.bin", 100),)))
    assert isinstance(silent.next(), Accept)
    silent.send(FileStart(0))
    silent.sock.sendall(silent.conn.data_header(100) + b"x" * 10)
    src = tmp_path / "other.txt"
    src.write_text("meanwhile")
    assert FileSender(running.host, running.port, collect([src])[0]).run().ok
    finished = running.wait(lambda e: isinstance(e, TransferFinished) and "partial" in e.message)
    assert "stopped sending" in finished.message
    try:
        with pytest.raises(RemoteProtocolError) as cut:
            silent.next()
        assert cut.value.code == "truncated"  # the receiver hung up on the half-sent file
    finally:
        silent.close()


# --- file groups: many small files under one control line ------------------------------------------


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_damaged_file_in_a_group_fails_alone(file_worker, receive_dir: Path) -> None:
    contents = [b"alpha\n" * 50, b"bravo\n" * 70, b"", b"charlie\n" * 30]
    sender = RawSender(file_worker.host, file_worker.port)
    assert "file_group" in sender.conn.features
    sender.send(Offer(batch="g", files=tuple(FileEntry(f"notes/{i}.txt", len(c)) for i, c in enumerate(contents))))
    assert isinstance(sender.next(), Accept)
    digests = [sha(c) for c in contents]
    digests[1] = sha(b"something else")
    body = b"".join(contents)
    cut = len(contents[0]) + 100  # the first frame ends inside the damaged file
    sender.sock.sendall(sender.conn.send(FileGroup((0, 1, 2, 3), tuple(digests)))
                        + sender.conn.data_header(cut) + body[:cut]
                        + sender.conn.data_header(len(body) - cut) + body[cut:] + sender.conn.send(Done("g")))
    answers = [sender.next() for _ in range(5)]
    sender.close()
    assert [type(a).__name__ for a in answers] == ["FileOk", "FileFailed", "FileOk", "FileOk", "Summary"]
    assert answers[1].index == 1 and answers[1].code == "hash_mismatch"
    assert answers[4].received == 3 and answers[4].failed == (1,)
    assert sorted(p.name for p in (receive_dir / "notes").iterdir()) == ["0.txt", "2.txt", "3.txt"]
    assert (receive_dir / "notes" / "3.txt").read_bytes() == contents[3]
    assert (receive_dir / "notes" / "2.txt").read_bytes() == b""


def test_a_cancel_inside_a_group_keeps_what_arrived_and_the_rest_resumes(file_worker, receive_dir: Path,
                                                                          tmp_path: Path) -> None:
    src = tmp_path / "handout"
    src.mkdir()
    contents = [os.urandom(3000), os.urandom(5000), os.urandom(100)]
    for i, c in enumerate(contents):
        (src / f"{i}.bin").write_bytes(c)
    files, _ = collect([src])
    sender = RawSender(file_worker.host, file_worker.port)
    sender.send(Offer(batch="g", files=tuple(FileEntry(f.rel, f.size) for f in files)))
    assert isinstance(sender.next(), Accept)
    partial = contents[0] + contents[1][:2000]
    sender.sock.sendall(sender.conn.send(FileGroup((0, 1, 2), tuple(sha(c) for c in contents)))
                        + sender.conn.data_header(len(partial)) + partial + sender.conn.send(Cancel("g")))
    assert isinstance(sender.next(), FileOk)
    summary = sender.next()
    sender.close()
    assert isinstance(summary, Summary) and summary.received == 1 and summary.failed == (1, 2)
    assert (receive_dir / "handout" / "0.bin").read_bytes() == contents[0]
    assert (receive_dir / "handout" / "1.bin.part").read_bytes() == contents[1][:2000]
    assert not (receive_dir / "handout" / "2.bin").exists()
    outcome = FileSender(file_worker.host, file_worker.port, files[1:]).run()  # the rest, sent again
    assert outcome.ok, outcome.message
    assert tree_digests(receive_dir / "handout") == tree_digests(src)


def test_a_small_file_that_changed_since_the_offer_is_named_in_the_failure(file_worker, tmp_path: Path) -> None:
    src = tmp_path / "class"
    src.mkdir()
    for i in range(5):
        (src / f"{i}.txt").write_text(f"file {i}\n")
    files, _ = collect([src])
    (src / "2.txt").write_text("this one grew after it was offered\n")
    outcome = FileSender(file_worker.host, file_worker.port, files).run()
    assert not outcome.ok
    by_name = {r.rel: r for r in outcome.results}
    assert by_name["class/2.txt"].status == "failed" and "changed while it was being sent" in by_name["class/2.txt"].detail
    assert "class/2.txt" in outcome.message


@pytest.mark.parametrize("features", [("file_group",), ()], ids=["groups", "older-receiver"])
def test_small_files_travel_in_groups_only_when_the_receiver_offers_them(monkeypatch, tmp_path: Path,
                                                                        features: tuple) -> None:
    """An older receiver (no "file_group" in its welcome) is sent one file at a time, and gets them all."""
    from core.config import FileConfig
    from core.servers import files as server_module

    monkeypatch.setattr(server_module, "FEATURES", features)
    seen: set[str] = set()
    on_event = server_module._Session._on_event
    monkeypatch.setattr(server_module._Session, "_on_event",
                        lambda self, event: (seen.add(type(event).__name__), on_event(self, event))[1])
    inbox = tmp_path / "inbox"
    server = server_module.FileServer(FileConfig(port=0, host="127.0.0.1", receive_dir=inbox, min_free_bytes=0,
                                                 auto_accept=True), lambda event: None)
    host, port = server.start()
    try:
        src = tmp_path / "many"
        for i in range(300):
            folder = src / f"d{i % 3}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{i}.txt").write_bytes(os.urandom(i * 7))
        (src / "big.bin").write_bytes(os.urandom(300_000))  # between groups: sent on its own
        outcome = FileSender(host, port, collect([src])[0]).run()
        assert outcome.ok, outcome.message
        assert tree_digests(inbox / "many") == tree_digests(src)
    finally:
        server.close()
    assert ("FileGroup" in seen) == bool(features)
    assert "FileStart" in seen  # the big file, either way


def test_the_next_connection_receives_into_the_buffers_the_last_one_left(monkeypatch, tmp_path: Path) -> None:
    """A new 2 MiB buffer costs page faults; a second transfer reuses the first one's warm buffers."""
    from core.config import FileConfig
    from core.files import hashing
    from core.servers import files as server_module

    reused: list[bytearray] = []
    take = hashing.SpareBuffers.take

    def take_and_note(self, size: int) -> bytearray | None:
        buf = take(self, size)
        if buf is not None:
            reused.append(buf)
        return buf

    monkeypatch.setattr(hashing.SpareBuffers, "take", take_and_note)
    inbox = tmp_path / "inbox"
    server = server_module.FileServer(FileConfig(port=0, host="127.0.0.1", receive_dir=inbox, min_free_bytes=0,
                                                 auto_accept=True), lambda event: None)
    host, port = server.start()
    try:
        for name in ("first.bin", "second.bin"):
            (tmp_path / name).write_bytes(os.urandom(12 * 1024 * 1024))
            outcome = FileSender(host, port, collect([tmp_path / name])[0]).run()
            assert outcome.ok, outcome.message
            assert digest(inbox / name) == digest(tmp_path / name)
            deadline = time.monotonic() + 10
            while not len(server.spare_buffers) and time.monotonic() < deadline:
                time.sleep(0.01)  # the session ends just after the sender's summary
            assert 1 <= len(server.spare_buffers) <= server_module.POOL_BUFFERS
    finally:
        server.close()
    assert reused  # the second connection took the first one's buffers
