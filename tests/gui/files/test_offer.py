"""The offer dialog and the received-files list, answering a real file receiver worker.

The "asking" worker asks its person before accepting; the dialog is that person. Its answers go to the
worker through the bridge exactly as the main window sends them (``bridge.send(offer.worker, answer)``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.messages import FileOffer, FileReceived
from gui.files.offer import OfferDialog, remember_sender
from gui.files.received import ReceivedFilesView
from tests.gui.files.conftest import BackgroundSend, digest, drop, make_tree, tree_digests


class Person:
    """Shows an OfferDialog for every offer of the "asking" worker and passes its answer on."""

    def __init__(self, qtbot: Any, lab: Any, context: Any) -> None:
        self.qtbot, self.lab, self.context = qtbot, lab, context
        self.offers: list[FileOffer] = []
        self.dialogs: list[OfferDialog] = []
        lab.bridge.event.connect(self.on_event)

    def on_event(self, event: Any) -> None:
        if not isinstance(event, FileOffer) or event.worker != "asking":
            return
        self.offers.append(event)
        dialog = OfferDialog(event)
        self.qtbot.addWidget(dialog)

        def answered(answer: Any, offer: FileOffer = event) -> None:
            assert self.lab.bridge.send(offer.worker, answer)
            if answer.accept and answer.remember:
                remember_sender(self.context, offer)

        dialog.answered.connect(answered)
        dialog.show()
        self.dialogs.append(dialog)

    def next_dialog(self, count: int) -> OfferDialog:
        """Wait for the ``count``-th dialog (1-based)."""
        self.qtbot.waitUntil(lambda: len(self.dialogs) >= count, timeout=20000)
        return self.dialogs[count - 1]

    def close(self) -> None:
        self.lab.bridge.event.disconnect(self.on_event)


def asking_address(lab: Any) -> str:
    host, port = lab.address("asking")
    return f"{host}:{port}"


def start_window_send(qtbot: Any, make_window: Any, lab: Any, paths: list[Path]) -> Any:
    window = make_window()
    with qtbot.waitSignal(window.files_added, timeout=10000):
        assert drop(window.drop_area, paths)
    window.targets.add_typed(asking_address(lab))
    qtbot.waitUntil(lambda: window.targets.entry(asking_address(lab)).status == "ok", timeout=10000)
    assert window.send()
    return window


def test_the_dialog_lists_every_file_the_total_the_sender_and_the_destination(
        qtbot, make_window, lab, context, tmp_path) -> None:
    folder = make_tree(tmp_path, name=f"handout-{uuid.uuid4().hex[:6]}", big=4096)
    person = Person(qtbot, lab, context)
    try:
        window = start_window_send(qtbot, make_window, lab, [folder])
        dialog = person.next_dialog(1)
        offer = person.offers[0]
        assert dialog.files_model.rowCount() == 7 == len(offer.files)
        names = {dialog.files_model.index(r, 0).data() for r in range(7)}
        assert f"{folder.name}/slides/week 1 – intro.pdf" in names and f"{folder.name}/empty.txt" in names
        assert dialog.files_model.index(0, 1).data().endswith(("bytes", "KB"))
        assert "tester" in dialog.headline.text() and "7 files" in dialog.headline.text()
        assert "Total: 7 files" in dialog.total.text()
        assert str(lab.asking_inbox) in dialog.destination.text() and "overwritten" in dialog.destination.text()
        assert "127.0.0.1" in dialog.from_label.text()
        assert dialog.always_button.isEnabled() and offer.machine in dialog.always_button.text()
        assert "Answer within" in dialog.countdown.text()
        qtbot.waitUntil(lambda: window.jobs[0].state == "waiting")
        with qtbot.waitSignal(window.send_finished, timeout=20000) as finished:
            qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        assert finished.args[0][0].ok
        assert tree_digests(lab.asking_inbox / folder.name) == tree_digests(folder)
        assert dialog.result() == QDialog.DialogCode.Accepted and dialog.answer.accept
        assert not dialog.answer.remember
    finally:
        person.close()


def test_decline_in_the_dialog_leaves_nothing_on_disk_and_the_window_says_declined(
        qtbot, make_window, lab, context, tmp_path) -> None:
    src = tmp_path / f"secret-{uuid.uuid4().hex[:6]}.bin"
    src.write_bytes(os.urandom(600 * 1024))
    person = Person(qtbot, lab, context)
    try:
        window = start_window_send(qtbot, make_window, lab, [src])
        dialog = person.next_dialog(1)
        with qtbot.waitSignal(window.send_finished, timeout=20000) as finished:
            qtbot.mouseClick(dialog.decline_button, Qt.MouseButton.LeftButton)
        outcome = finished.args[0][0]
        assert outcome.declined and not outcome.ok
        assert not list(lab.asking_inbox.glob(f"{src.name}*"))  # no file, no .part
        assert window.jobs[0].state == "declined"
        model = window.files_model
        assert model.data(model.index(0, model.STATUS)) == "Declined"
    finally:
        person.close()


def test_escape_and_running_out_of_time_decline(qtbot, lab, context, tmp_path) -> None:
    src = tmp_path / f"late-{uuid.uuid4().hex[:6]}.txt"
    src.write_text("late\n")
    person = Person(qtbot, lab, context)
    try:
        first = BackgroundSend(lab.address("asking"), [src], machine=f"lab-{uuid.uuid4().hex[:6]}")
        dialog = person.next_dialog(1)
        dialog.activateWindow()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: first.done, timeout=20000)
        assert first.outcome.declined and dialog.answer.accept is False
        # a dialog left alone declines by itself when the time is up (a short time here)
        late = OfferDialog(person.offers[0], timeout=0.05)
        qtbot.addWidget(late)
        with qtbot.waitSignal(late.answered, timeout=5000) as answered:
            late.show()
        assert answered.args[0].accept is False and "Nobody answered in time" in late.countdown.text()
        assert not list(lab.asking_inbox.glob(f"{src.name}*"))
    finally:
        person.close()


def test_always_accept_from_this_machine_reaches_the_worker_and_the_settings(qtbot, lab, context, tmp_path) -> None:
    machine = f"lab-{uuid.uuid4().hex[:6]}"
    one, two, three = (tmp_path / f"{n}-{uuid.uuid4().hex[:6]}.txt" for n in ("one", "two", "three"))
    for path in (one, two, three):
        path.write_text(path.name * 100)
    person = Person(qtbot, lab, context)
    try:
        first = BackgroundSend(lab.address("asking"), [one], machine=machine)
        dialog = person.next_dialog(1)
        assert dialog.always_button.text() == f"Always accept from {machine}"
        qtbot.mouseClick(dialog.always_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: first.done, timeout=20000)
        assert first.outcome.ok and digest(lab.asking_inbox / one.name) == digest(one)
        assert dialog.answer.accept and dialog.answer.remember
        assert machine in context.settings.trusted_senders
        # the worker itself now trusts that machine: no question the second time
        second = BackgroundSend(lab.address("asking"), [two], machine=machine)
        qtbot.waitUntil(lambda: second.done, timeout=20000)
        assert second.outcome.ok and digest(lab.asking_inbox / two.name) == digest(two)
        assert len(person.offers) == 1
        # ...and only that machine: another one is still asked
        third = BackgroundSend(lab.address("asking"), [three], machine=f"other-{machine}")
        dialog = person.next_dialog(2)
        dialog.reject()
        qtbot.waitUntil(lambda: third.done, timeout=20000)
        assert third.outcome.declined and not (lab.asking_inbox / three.name).exists()
    finally:
        person.close()


def test_a_sender_without_a_machine_name_cannot_be_remembered(qtbot, context) -> None:
    offer = FileOffer("asking", "o-1", "someone", "10.0.0.9:40000", (), 0, "/tmp/in", machine="")
    dialog = OfferDialog(offer, timeout=None)
    qtbot.addWidget(dialog)
    assert not dialog.always_button.isEnabled() and "did not say which computer" in dialog.always_button.toolTip()
    assert remember_sender(context, offer) is False
    assert dialog.countdown.text() == ""
    dialog.accept()
    assert dialog.answer.accept and not dialog.answer.remember


def test_received_files_are_listed_newest_first_filtered_and_opened(qtbot, lab, monkeypatch, tmp_path) -> None:
    view = ReceivedFilesView(limit=3)
    qtbot.addWidget(view)
    received: list[FileReceived] = []
    lab.bridge.event.connect(lambda e: (received.append(e), view.add(e)) if isinstance(e, FileReceived) else None)
    folder = make_tree(tmp_path, name=f"week-{uuid.uuid4().hex[:6]}", big=1024)
    send = BackgroundSend(lab.address("files"), [folder], machine="lab-9")
    qtbot.waitUntil(lambda: send.done and len(received) >= 7, timeout=20000)
    assert send.outcome.ok
    assert view.model.rowCount() == 3  # bounded: the oldest rows leave the list, never the files
    assert view.model.rows[0].path == received[-1].path
    for event in received:
        assert Path(event.path).exists() and digest(Path(event.path)) == event.sha256
    opened: list[str] = []
    monkeypatch.setattr("gui.files.received.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile()))
    view.filter.setText("note")
    assert 1 <= view.proxy.rowCount() <= 3
    assert not view.open_button.isEnabled()
    view.select_row(0)
    assert view.open_button.isEnabled() and view.open_selected()
    assert opened[-1].endswith(".txt") and "note" in opened[-1]
    assert view.show_selected_in_folder() and opened[-1] == str(Path(opened[-2]).parent)
    # a file moved away since: the list says so instead of failing silently
    Path(opened[-2]).rename(tmp_path / "moved.txt")
    assert not view.open_selected() and "no longer there" in view.problem.text()
