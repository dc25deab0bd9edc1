"""Screenshots of the file sender window (scripts/screenshots.py files): real receivers, real transfers.

Three more receiver workers join the app's own ("lab-3", whose person answers with the offer dialog;
"lab-5", whose person declines; and an address where nothing listens), so one send shows every kind
of result. The transfer in progress is a real one, held at 40 % on the sender's thread.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any

from core.config import FileConfig
from core.messages import FileOffer, OfferAnswer
from core.supervisor import WorkerSpec

BIG = 96 * 1024 * 1024  # the lecture recording: big enough to be caught halfway
HOLD_AT = 0.4


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _handout(base: Path) -> Path:
    """A folder as a teacher would hand it out."""
    root = base / "week 3 - sockets"
    (root / "slides").mkdir(parents=True)
    (root / "photos").mkdir()
    (root / "lecture recording.mp4").write_bytes(os.urandom(BIG))
    (root / "slides" / "01 - what is a socket.pdf").write_bytes(os.urandom(1_800_000))
    (root / "slides" / "02 - TCP is a byte stream.pdf").write_bytes(os.urandom(2_300_000))
    (root / "worksheet.pdf").write_bytes(os.urandom(240_000))
    (root / "echo_server.py").write_text("import socket\n" * 80, encoding="utf-8")
    (root / "README.txt").write_text("Open worksheet.pdf first.\n", encoding="utf-8")
    for i in range(1, 5):
        (root / "photos" / f"whiteboard {i}.jpg").write_bytes(os.urandom(400_000 + i * 50_000))
    return root


def _start_receiver(shooter: Any, name: str, nick: str) -> tuple[str, int]:
    supervisor = shooter.context.bridge.supervisor
    folder = shooter.workdir / name / "Downloads" / "Wirelab"
    folder.mkdir(parents=True)
    if name not in supervisor.names():
        supervisor.add(WorkerSpec(name, "core.workers.files:run",
                                  FileConfig(port=0, receive_dir=str(folder), auto_accept=False, server_name=name,
                                             nick=nick, min_free_bytes=0)))
    supervisor.start(name)
    shooter.wait_until(lambda: bool(supervisor.info(name).listening), timeout=30)
    listening = supervisor.info(name).listening[0]
    return listening.host, listening.port


def capture(shooter: Any) -> None:
    from gui.files.offer import OfferDialog
    from gui.files.window import SendWindow

    context = shooter.context
    bridge = context.bridge
    supervisor = bridge.supervisor
    supervisor.start("files")  # no-op when it already runs
    shooter.wait_until(lambda: context.address("files") is not None, timeout=30)
    lab3 = _start_receiver(shooter, "lab-3", "ana")
    lab5 = _start_receiver(shooter, "lab-5", "ben")
    nobody = f"127.0.0.1:{_closed_port()}"

    # The people at the receivers: lab-3 answers with the dialog (kept open for its picture), lab-5
    # declines; this computer's own receiver accepts (the app's own dialog is not what is shown here).
    dialogs: list[OfferDialog] = []

    def person(event: Any) -> None:
        if not isinstance(event, FileOffer):
            return
        if event.worker == "lab-3":
            dialog = OfferDialog(event)
            dialog.answered.connect(lambda answer, w=event.worker: bridge.send(w, answer))
            dialogs.append(dialog)
        elif event.worker == "lab-5":
            bridge.send(event.worker, OfferAnswer(event.offer_id, accept=False))
        elif event.worker == "files":
            bridge.send(event.worker, OfferAnswer(event.offer_id, accept=True))

    bridge.event.connect(person)
    release = threading.Event()
    window = SendWindow(context)
    context.keep(window)
    window.resize(1180, 740)
    window.show()
    try:
        folder = _handout(shooter.workdir / "teacher")
        shooter.wait(200)
        window.add_paths([folder])
        shooter.wait_until(lambda: len(window.files_model.rows) == 10)
        picker = window.targets
        picker.set_checked(f"{context.address('files')[0]}:{context.address('files')[1]}")
        for address in (f"{lab3[0]}:{lab3[1]}", f"{lab5[0]}:{lab5[1]}", nobody):
            picker.add_typed(address)
        shooter.wait_until(lambda: picker.idle, timeout=30)
        picker.problem.hide()  # the unreachable address is the send's story, not this picture's
        window.files_view.selectRow(2)
        shooter.save(window, "files-drop")
        window.files_view.clearSelection()

        # Sending: held at 40 % of the recording, on the sender's own thread.
        held = threading.Event()

        def hold(progress: Any) -> None:
            if release.is_set() or not progress.current.endswith(".mp4"):
                return
            if progress.current_done >= BIG * HOLD_AT:
                held.set()
                release.wait(120)

        window.sender_options = {"machine": "lab-1", "progress_interval": 0.0}
        window.progress_hook = hold
        jobs = {job.target.address: job for job in window.send()}
        own = jobs[f"{context.address('files')[0]}:{context.address('files')[1]}"]
        shooter.wait_until(lambda: held.is_set() and bool(dialogs) and own.state == "sending", timeout=60)
        shooter.wait_until(lambda: jobs[f"{lab5[0]}:{lab5[1]}"].done and jobs[nobody].done, timeout=30)
        shooter.wait(400)
        dialog = dialogs[0]
        dialog.move(window.geometry().center() - dialog.rect().center())
        shooter.save(window, "files-sending")
        shooter.save(dialog, "files-offer")
        dialog.accept()
        shooter.wait(200)
        release.set()
        window.progress_hook = None
        shooter.wait_until(lambda: window.idle, timeout=120)
        window.transfers_view.selectRow(0)
        shooter.save(window, "files-results")
        window.transfers_view.selectRow(window.jobs.index(jobs[nobody]))
        shooter.save(window, "files-results-unreachable")
    finally:
        release.set()
        bridge.event.disconnect(person)
        for dialog in dialogs:
            dialog.close()
        window.ask_before_closing = False
        window.close()
        shooter.wait_until(lambda: window.idle, timeout=60)
        for name in ("lab-3", "lab-5"):
            supervisor.stop(name)
