"""The send window against the real file receiver workers: drops, targets, sending, cancel, resume."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from core.discovery import Advertiser
from core.messages import FileOffer, OfferAnswer
from core.net.interfaces import lan_addresses
from core.settings import Settings
from gui.files.model import FileListModel
from tests.conftest import free_port
from tests.gui.files.conftest import digest, drop, make_tree, tree_digests

STATUS = FileListModel.STATUS


def own_address(window: Any) -> str:
    host, port = window.context.address("files")
    return f"{host}:{port}"


def statuses(window: Any) -> dict[str, str]:
    model = window.files_model
    return {f.rel: model.data(model.index(i, STATUS)) for i, f in enumerate(model.rows)}


def add(qtbot: Any, window: Any, paths: list[Path]) -> None:
    with qtbot.waitSignal(window.files_added, timeout=10000):
        assert drop(window.drop_area, paths)


def send_and_wait(qtbot: Any, window: Any, timeout: int = 30000) -> list[Any]:
    with qtbot.waitSignal(window.send_finished, timeout=timeout) as finished:
        assert window.send()
    return finished.args[0]


def test_window_title_icon_and_what_to_do_first(make_window) -> None:
    window = make_window()
    assert window.windowTitle() == "Wirelab — Send files"
    assert not window.windowIcon().isNull()
    assert not window.send_button.isEnabled() and not window.cancel_button.isEnabled()
    assert "Drop files" in window.overall.text() and window.summary.text() == "No files yet"
    assert window.send() == []  # pressing Send anyway says what is missing
    assert "Add files first" in window.notice.text()


def test_dropped_folders_and_files_are_listed_with_names_sizes_and_the_total(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    folder = make_tree(tmp_path, big=2048)
    loose = tmp_path / "photo.jpg"
    loose.write_bytes(b"x" * 1536)
    add(qtbot, window, [folder, loose])
    model = window.files_model
    names = [f.rel for f in model.rows]
    assert names[0] == "handout/empty.txt" and "handout/slides/week 1 – intro.pdf" in names
    assert names[-1] == "photo.jpg" and len(names) == 8
    row = names.index("photo.jpg")
    assert model.data(model.index(row, FileListModel.SIZE)) == "1.5 KB"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) + 1536
    assert model.total_bytes == total
    assert window.summary.text().startswith("8 files · ")
    # the same again: nothing doubles, and the window says why
    add(qtbot, window, [loose])
    assert len(model.rows) == 8 and "“photo.jpg” is already in the list" in window.notice.text()
    # a web link is not a file: the drag is refused
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDragEnterEvent

    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/file.zip")])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.drop_area, enter)
    assert not enter.isAccepted()


def test_remove_with_delete_and_clear(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(name * 10)
    add(qtbot, window, [tmp_path / n for n in ("a.txt", "b.txt", "c.txt")])
    window.files_view.selectRow(1)
    assert window.remove_button.isEnabled()
    window.files_view.setFocus()
    qtbot.keyClick(window.files_view, Qt.Key.Key_Delete)
    assert [f.rel for f in window.files_model.rows] == ["a.txt", "c.txt"]
    assert window.files_model.total_bytes == 100 and window.summary.text() == "2 files · 100 bytes"
    window.clear_button.click()
    assert window.files_model.rows == [] and window.summary.text() == "No files yet"


def test_a_dropped_folder_goes_to_the_real_receiver_and_is_verified_on_disk_by_hash(
        make_window, lab, qtbot, tmp_path) -> None:
    window = make_window()
    folder = make_tree(tmp_path, name=f"handout-{uuid.uuid4().hex[:6]}")
    add(qtbot, window, [folder])
    window.targets.set_checked(own_address(window))
    assert window.send_button.isEnabled()
    outcomes = send_and_wait(qtbot, window)
    assert [o.ok for o in outcomes] == [True]
    assert tree_digests(lab.inbox / folder.name) == tree_digests(folder)
    assert not list((lab.inbox / folder.name).rglob("*.part"))
    assert set(statuses(window).values()) == {"✓ Verified"}
    job = window.jobs[0]
    assert job.state == "verified" and "checked by SHA-256" in job.words
    model = window.transfer_model
    assert model.data(model.index(0, model.RESULT)) == "✓ Verified"
    assert model.data(model.index(0, model.MACHINE)) == "This computer"
    assert "Sent to 1 of 1 machine" in window.overall.text()
    assert window.overall_bar.value() == 1000
    assert window.context.settings.recent_file_targets == ()  # its own receiver is always listed anyway


def test_one_send_reaches_several_machines_each_with_its_own_answer(make_window, lab, qtbot, tmp_path) -> None:
    """A teacher sends a handout to a room: one machine accepts, the person at another declines."""
    window = make_window()
    src = tmp_path / f"exercise-{uuid.uuid4().hex[:6]}.txt"
    src.write_text("exercise 1\n" * 1000)
    add(qtbot, window, [src])
    window.targets.set_checked(own_address(window))
    host, port = lab.address("asking")
    window.targets.add_typed(f"localhost:{port}")  # the same computer by another name: another "machine"
    offers: list[FileOffer] = []
    lab.bridge.event.connect(lambda e: offers.append(e) if isinstance(e, FileOffer) else None)
    with qtbot.waitSignal(window.send_finished, timeout=30000) as finished:
        jobs = window.send()
        assert len(jobs) == 2
        qtbot.waitUntil(lambda: any(o.files[0].path == src.name for o in offers))
        offer = next(o for o in offers if o.files[0].path == src.name)
        qtbot.waitUntil(lambda: jobs[1].state == "waiting")
        assert "Waiting for the person at receiver to accept" in jobs[1].words
        assert "waiting for the person there to accept" in window.overall.text()
        assert lab.bridge.send("asking", OfferAnswer(offer.offer_id, accept=False))
    by_target = {o.ok: o for o in finished.args[0]}
    assert by_target[True] and by_target[False].declined
    assert digest(lab.inbox / src.name) == digest(src)
    assert not (lab.asking_inbox / src.name).exists()
    assert not list(lab.asking_inbox.glob(f"{src.name}*"))
    window.transfers_view.selectRow(1)
    assert statuses(window) == {src.name: "Declined"}
    window.transfers_view.selectRow(0)
    assert statuses(window) == {src.name: "✓ Verified"}
    assert "localhost:" in window.overall.text() and "Declined" in window.overall.text()


@pytest.fixture
def not_wirelab() -> Any:
    """A real server that is not Wirelab: it greets like SSH and hangs up."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)  # closing a socket does not wake a thread blocked in accept(): poll the stop flag
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()
    thread.join(5)


def test_typed_addresses_are_checked_and_a_failure_names_the_layer(make_window, qtbot, not_wirelab) -> None:
    window = make_window()
    picker = window.targets
    assert picker.add_typed("lab-3:99999") is None
    assert "not a port number" in picker.problem.text() and picker.problem.isVisible()
    cases = [
        (f"127.0.0.1:{free_port()}", "Connection refused: Nothing is listening at"),
        ("no-such-machine.invalid:5051", "Name lookup failed: Could not find a computer called"),
        (f"127.0.0.1:{not_wirelab}", "Not a Wirelab file receiver: The program at"),
    ]
    for text, words in cases:
        with qtbot.waitSignal(picker.checked_address, timeout=15000) as checked:
            target = picker.add_typed(text)
        assert checked.args[0] == target.address
        assert checked.args[1].startswith(words), checked.args[1]
        entry = picker.entry(target.address)
        assert entry.status == "bad" and entry.checked and "✗ does not answer" in entry.text
        assert picker.problem.text().startswith(words)


def test_an_unreachable_machine_fails_in_words_and_the_others_still_get_the_files(
        make_window, lab, qtbot, tmp_path) -> None:
    window = make_window()
    src = tmp_path / f"lab-{uuid.uuid4().hex[:6]}.txt"
    src.write_text("hello")
    add(qtbot, window, [src])
    window.targets.set_checked(own_address(window))
    refused = f"127.0.0.1:{free_port()}"
    window.targets.add_typed(refused)
    outcomes = send_and_wait(qtbot, window)
    assert [o.ok for o in outcomes] == [True, False]
    failed = window.jobs[1]
    assert failed.state == "unreachable" and failed.outcome.layer == "refused"
    assert failed.words.startswith(f"Could not reach {refused} (connection refused). Nothing is listening")
    window.transfers_view.selectRow(1)
    assert statuses(window)[src.name] == "✗ Not sent"
    tip = window.files_model.data(window.files_model.index(0, STATUS), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Nothing is listening")
    assert f"{refused} (connection refused)" in window.detail.text()
    assert digest(lab.inbox / src.name) == digest(src)
    assert window.again_button.isEnabled()


def test_cancel_leaves_a_resumable_part_and_send_again_resumes_it(make_window, lab, qtbot, tmp_path) -> None:
    window = make_window()
    src = tmp_path / f"video-{uuid.uuid4().hex[:6]}.bin"
    size = 24 * 1024 * 1024
    src.write_bytes(os.urandom(size))
    add(qtbot, window, [src])
    window.targets.set_checked(own_address(window))
    window.sender_options = {"progress_interval": 0, "chunk": 1024 * 1024}
    paused, release = threading.Event(), threading.Event()

    def hold_a_quarter_in(progress: Any) -> None:  # runs on the sender's thread
        if progress.current_done >= size // 4 and not paused.is_set():
            paused.set()
            release.wait(20)

    window.progress_hook = hold_a_quarter_in
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.sending and window.cancel_button.isEnabled()
    qtbot.waitUntil(paused.is_set, timeout=15000)
    qtbot.waitUntil(lambda: window.jobs[0].state == "sending")
    qtbot.waitUntil(lambda: statuses(window)[src.name].startswith("Sending "))
    with qtbot.waitSignal(window.send_finished, timeout=20000):
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert window.jobs[0].cancel_requested and not window.cancel_button.isEnabled()
        release.set()
    job = window.jobs[0]
    assert job.state == "cancelled" and "continues where it stopped" in job.words
    assert statuses(window)[src.name] == "Cancelled"
    part = lab.inbox / f"{src.name}.part"
    assert part.exists() and size // 4 <= part.stat().st_size < size
    assert not (lab.inbox / src.name).exists()
    window.progress_hook = None
    assert window.again_button.isEnabled()
    with qtbot.waitSignal(window.send_finished, timeout=30000) as finished:
        window.again_button.click()
    outcome = finished.args[0][0]
    assert outcome.ok and outcome.bytes_sent <= size - size // 4  # only the rest went over the network
    assert digest(lab.inbox / src.name) == digest(src) and not part.exists()
    assert statuses(window)[src.name] == "✓ Verified" and window.jobs[0].state == "verified"


def test_many_small_files_reach_the_window_in_batches_not_one_signal_each(make_window, lab, qtbot, tmp_path) -> None:
    window = make_window()
    folder = tmp_path / f"many-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    for i in range(1500):
        (folder / f"f{i:04d}.txt").write_text(f"{i}\n")
    add(qtbot, window, [folder])
    window.targets.set_checked(own_address(window))
    signals = {"results": 0, "progress": 0}

    def count(jobs: list[Any]) -> None:
        jobs[0].results.connect(lambda _r: signals.__setitem__("results", signals["results"] + 1))
        jobs[0].progressed.connect(lambda _p: signals.__setitem__("progress", signals["progress"] + 1))

    window.send_started.connect(count)
    outcomes = send_and_wait(qtbot, window)
    assert outcomes[0].ok
    assert set(statuses(window).values()) == {"✓ Verified"}
    assert 1 <= signals["results"] < 1500 and signals["progress"] < 1500
    assert len(list((lab.inbox / folder.name).iterdir())) == 1500


def test_ctrl_o_opens_the_file_picker(make_window, qtbot) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    seen = []

    def close_picker() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        if dialog is not None:
            dialog.reject()

    QTimer.singleShot(200, close_picker)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    assert isinstance(seen[0], QFileDialog)
    assert window.files_model.rows == []


def test_hint_names_the_address_to_type_when_nothing_can_be_found(make_window, context, lab) -> None:
    window = make_window()
    status = window.targets.status.text()
    assert "Type the other computer's address" in status and "192.168.1.20:5051" in status
    assert "receives files only from itself" in status  # not serving the network: say so
    if not lan_addresses():
        return
    from gui.context import AppContext

    serving = AppContext(Settings(nick="tester", serve_network=True), lab.bridge, persist=False)
    other = make_window(serving)
    port = lab.address("files")[1]
    assert f"Others can send to this computer at {lan_addresses()[0].for_url}:{port}" in other.targets.status.text()


def test_a_receiver_announced_on_the_network_appears_live_and_leaves(make_window, lab, monkeypatch, qtbot) -> None:
    if not lan_addresses():
        pytest.skip("this machine has no network interface besides loopback, so mDNS has nowhere to go")
    from gui.files.window import SendWindow

    monkeypatch.setattr(SendWindow, "discover", True)
    window = make_window()
    picker = window.targets
    machine = f"lab-{uuid.uuid4().hex[:6]}"
    advertiser = Advertiser(machine, "ana", 5999)
    advertiser.start()
    try:
        qtbot.waitUntil(lambda: any(machine in e.target.label for e in picker.entries.values()), timeout=15000)
        entry = next(e for e in picker.entries.values() if machine in e.target.label)
        assert entry.kind == "peer" and entry.target.port == 5999
        assert entry.target.label.startswith(f"ana on {machine} (") and entry.target.address.endswith(":5999")
        assert not picker.hint_shown and "Found" in picker.status.text()
        advertiser.close()
        qtbot.waitUntil(lambda: not any(machine in e.target.label for e in picker.entries.values()), timeout=15000)
        assert picker.hint_shown == (not picker.peers)
    finally:
        advertiser.close()


def test_machines_sent_to_are_remembered_and_listed_as_recent(make_window, lab, context, qtbot, tmp_path) -> None:
    window = make_window()
    src = tmp_path / f"r-{uuid.uuid4().hex[:6]}.txt"
    src.write_text("r")
    add(qtbot, window, [src])
    port = lab.address("files")[1]
    window.targets.add_typed(f"localhost:{port}")
    assert send_and_wait(qtbot, window)[0].ok
    assert context.settings.recent_file_targets == (f"localhost:{port}",)
    later = make_window()
    entry = later.targets.entry(f"localhost:{port}")
    assert entry is not None and entry.kind == "recent" and not entry.checked
    assert "— recent" in entry.text


def test_closing_while_sending_asks_first(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(8 * 1024 * 1024))
    add(qtbot, window, [src])
    window.targets.set_checked(own_address(window))
    window.sender_options = {"progress_interval": 0, "chunk": 1024 * 1024}
    release = threading.Event()
    window.progress_hook = lambda _p: release.wait(20)
    window.send()
    qtbot.waitUntil(lambda: window.jobs[0].state == "sending", timeout=15000)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "still being sent" in box.text()
        box.button(next(answers)).click()

    QTimer.singleShot(100, answer)
    window.close()
    assert window.isVisible() and not window.jobs[0].cancel_requested
    QTimer.singleShot(100, answer)
    window.close()
    assert not window.isVisible() and window.jobs[0].cancel_requested
    release.set()
    qtbot.waitUntil(lambda: window.idle, timeout=20000)
    assert window.jobs[0].state == "cancelled"
