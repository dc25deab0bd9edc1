"""The file sender window: drop files and folders, tick machines, send, see each file verified.

    window = SendWindow(context)      # context: gui.context.AppContext, or None to run standalone
    window.show()

Several may be open at once. The window only drives core: :func:`core.file_sender.collect` lists the
files (on a thread), :class:`core.file_sender.FileSender` sends them, one per machine, each on its own
thread (:mod:`gui.files.jobs`); :mod:`core.discovery` finds the machines. Keys: Ctrl+O adds files,
Ctrl+Enter sends, Esc cancels, Delete removes the selected files from the list.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.file_sender import FileResult, LocalFile, SendProgress
from core.text import human_duration, human_rate, human_size
from gui.common.icons import app_icon
from gui.common.keys import send_and_cancel_keys, shortcut
from gui.common.style import ORANGE
from gui.context import AppContext
from gui.files.jobs import Collector, SendJob, Target
from gui.files.model import JOB_LOOK, NOTHING_SENT, FileListModel, ProgressDelegate, TransferModel
from gui.files.targets import TargetPicker
from gui.files.widgets import DropArea, DropZone, EmptyHintTable, SlimBar

TITLE = "Wirelab — Send files"

NOTICE_STYLE = f"QLabel {{ border-left: 3px solid {ORANGE}; padding: 4px 8px; }}"


def section(words: str) -> QLabel:
    label = QLabel(words)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
    label.setFont(font)
    label.setStyleSheet("color: palette(placeholder-text); letter-spacing: 1px;")
    return label


class SendWindow(QMainWindow):
    """Send files and folders to one or several machines. Works without an :class:`AppContext`."""

    #: Look for receivers on the LAN with zeroconf (tests turn it off).
    discover = True
    #: Say "nothing found: type the address" after this long without finding a machine.
    hint_after_ms = 4000

    #: Files were added to the list (carries how many), after a drop or a pick.
    files_added = Signal(int)
    #: Sending started (carries the list of :class:`gui.files.jobs.SendJob`, one per machine).
    send_started = Signal(list)
    #: Every machine of the last send is done (carries the list of :class:`core.file_sender.SendOutcome`).
    send_finished = Signal(list)

    def __init__(self, context: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context if context is not None else AppContext()
        self.setWindowTitle(TITLE)
        self.setWindowIcon(app_icon())
        self.resize(1120, 720)
        self.jobs: list[SendJob] = []
        #: Extra keyword arguments for every FileSender (tests and the benchmark: retries, chunk...).
        self.sender_options: dict[str, Any] = {}
        #: Called on each sender's thread with every SendProgress (tests and screenshots pause there).
        self.progress_hook: Callable[[SendProgress], None] | None = None
        #: Ask before closing while files are being sent.
        self.ask_before_closing = True
        self._collectors: list[Collector] = []
        self._current: dict[SendJob, str] = {}  # the file each job was sending at its last update
        self._build()
        self._shortcuts()
        bridge = getattr(self.context, "bridge", None)
        if bridge is not None:
            bridge.worker_changed.connect(self.on_worker_changed)
        self.context.settings_changed.connect(self.on_settings_changed)
        self._update_summary()
        self._update_buttons()
        self._show_overall()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.drop_area = DropArea()
        self.drop_area.paths_dropped.connect(self.add_paths)
        outer = QVBoxLayout(self.drop_area)
        outer.setContentsMargins(14, 12, 14, 10)
        outer.setSpacing(10)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        # left: what to send
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        ll.setSpacing(8)
        ll.addWidget(section("FILES TO SEND"))
        self.drop_zone = DropZone()
        self.drop_zone.add_files_clicked.connect(self.on_add_files)
        self.drop_zone.add_folder_clicked.connect(self.on_add_folder)
        self.drop_area.hovering.connect(self.drop_zone.set_hover)
        ll.addWidget(self.drop_zone)
        self.files_model = FileListModel(self)
        self.files_view = QTableView()
        self.files_view.setModel(self.files_model)
        self.files_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setShowGrid(False)
        self.files_view.setWordWrap(False)
        self.files_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files_view.verticalHeader().hide()
        self.files_view.verticalHeader().setDefaultSectionSize(24)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(FileListModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(FileListModel.SIZE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(FileListModel.STATUS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(FileListModel.SIZE, 80)
        header.resizeSection(FileListModel.STATUS, 150)
        self.files_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        ll.addWidget(self.files_view, 1)
        row = QHBoxLayout()
        self.summary = QLabel()
        row.addWidget(self.summary, 1)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Take the selected files off the list (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.remove_button)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Take every file off the list")
        self.clear_button.clicked.connect(self.clear_files)
        row.addWidget(self.clear_button)
        ll.addLayout(row)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        ll.addWidget(self.notice)
        splitter.addWidget(left)

        # right: where to, and how it goes
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        rl.setSpacing(8)
        rl.addWidget(section("SEND TO"))
        self.targets = TargetPicker(self.context, discover=self.discover, hint_after_ms=self.hint_after_ms)
        self.targets.selection_changed.connect(self._update_buttons)
        rl.addWidget(self.targets, 1)
        rl.addWidget(section("TRANSFERS"))
        self.transfer_model = TransferModel(self)
        self.transfers_view = EmptyHintTable("Each machine you send to gets a row here, with its progress and "
                                             "what happened to the files.")
        self.transfers_view.setModel(self.transfer_model)
        self.transfers_view.setItemDelegateForColumn(TransferModel.PROGRESS, ProgressDelegate(self.transfers_view))
        self.transfers_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.transfers_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.transfers_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.transfers_view.setShowGrid(False)
        self.transfers_view.verticalHeader().hide()
        self.transfers_view.setWordWrap(False)
        self.transfers_view.verticalHeader().setDefaultSectionSize(34)
        self.transfers_view.setToolTip("Click a machine to see what happened to each file there")
        th = self.transfers_view.horizontalHeader()
        th.setSectionResizeMode(TransferModel.MACHINE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((TransferModel.PROGRESS, 150), (TransferModel.SPEED, 86), (TransferModel.ETA, 92),
                              (TransferModel.RESULT, 150)):
            th.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            th.resizeSection(column, width)
        self.transfers_view.selectionModel().currentRowChanged.connect(self.on_transfer_selected)
        rl.addWidget(self.transfers_view, 2)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.detail)
        splitter.addWidget(right)
        splitter.setSizes([540, 600])  # the transfers table has more columns than the file list

        # bottom: overall progress and the buttons
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)
        bottom = QHBoxLayout()
        bottom.setSpacing(10)
        status = QVBoxLayout()
        status.setSpacing(4)
        self.overall_bar = SlimBar()
        status.addWidget(self.overall_bar)
        self.overall = QLabel()
        self.overall.setWordWrap(True)
        status.addWidget(self.overall)
        bottom.addLayout(status, 1)
        self.again_button = QPushButton("Send again")
        self.again_button.setToolTip("Send what did not arrive again; partial files continue where they stopped")
        self.again_button.clicked.connect(self.send_again)
        bottom.addWidget(self.again_button)
        self.cancel_button = QPushButton("Cancel   Esc")
        self.cancel_button.setToolTip("Stop sending; what arrived stays there and “Send again” continues it")
        self.cancel_button.clicked.connect(self.cancel)
        bottom.addWidget(self.cancel_button)
        self.send_button = QPushButton("Send   Ctrl+Enter")
        self.send_button.setDefault(True)
        self.send_button.setMinimumWidth(170)
        self.send_button.setMinimumHeight(34)
        font = self.send_button.font()
        font.setBold(True)
        self.send_button.setFont(font)
        self.send_button.clicked.connect(self.send)
        bottom.addWidget(self.send_button)
        outer.addLayout(bottom)
        self.setCentralWidget(self.drop_area)

    def _shortcuts(self) -> None:
        self.add_action = QAction("Add files…", self)
        self.add_action.setShortcut(QKeySequence("Ctrl+O"))
        self.add_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.add_action.triggered.connect(self.on_add_files)
        self.addAction(self.add_action)
        send_and_cancel_keys(self, self.send, self.cancel)
        shortcut(self.files_view, QKeySequence.StandardKey.Delete, self.remove_selected,
                 Qt.ShortcutContext.WidgetShortcut)

    # --- the list of files ------------------------------------------------------------------------

    def add_paths(self, paths: list[Path]) -> Collector:
        """Add dropped or picked files and folders (listed on a thread); ``files_added`` follows."""
        collector = Collector([Path(p) for p in paths])
        collector.collected.connect(self.on_collected)
        self._collectors.append(collector)
        self.drop_zone.set_busy(True)
        collector.start()
        return collector

    def on_collected(self, files: list[LocalFile], problems: list[str]) -> None:
        collector = self.sender()
        if collector in self._collectors:
            self._collectors.remove(collector)
        self.drop_zone.set_busy(bool(self._collectors))
        added, doubles = self.files_model.add(files)
        words = list(problems)
        if doubles:
            first = ", ".join(f"“{d}”" for d in doubles[:3])
            more = f" and {len(doubles) - 3} more" if len(doubles) > 3 else ""
            words.append(f"{first}{more} {'is' if len(doubles) == 1 else 'are'} already in the list "
                         "(each name is sent once).")
        if not files and not problems:
            words.append("That folder is empty: there is nothing in it to send.")
        self._notice(self._problem_words(words))
        self._update_summary()
        self._update_buttons()
        self.files_added.emit(added)

    @staticmethod
    def _problem_words(words: list[str]) -> str:
        if len(words) <= 3:
            return " ".join(words)
        return " ".join(words[:3]) + f" (and {len(words) - 3} more problems)"

    def remove_selected(self) -> int:
        rows = [index.row() for index in self.files_view.selectionModel().selectedRows()]
        removed = self.files_model.remove_rows(rows)
        self._update_summary()
        self._update_buttons()
        return removed

    def clear_files(self) -> None:
        self.files_model.clear()
        self._notice("")
        self._update_summary()
        self._update_buttons()

    def on_add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add files to send", str(Path.home()))
        if names:
            self.add_paths([Path(n) for n in names])

    def on_add_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Add a folder to send", str(Path.home()))
        if name:
            self.add_paths([Path(name)])

    # --- sending ----------------------------------------------------------------------------------

    @property
    def sending(self) -> bool:
        return any(not job.done for job in self.jobs)

    @property
    def idle(self) -> bool:
        """Nothing is being sent, listed or checked (every thread this window started is over)."""
        return not self.sending and not self._collectors and self.targets.idle

    def send(self) -> list[SendJob]:
        """Send the listed files to every ticked machine at once (Ctrl+Enter)."""
        if self.sending:
            return []
        files = self.files_model.files()
        targets = self.targets.checked_targets()
        if not files:
            self._notice("Add files first: drop them on this window, or press Ctrl+O.")
            return []
        if not targets:
            self._notice("Tick at least one machine to send to on the right, or type its address there.")
            return []
        self._notice("")
        jobs = [self._make_job(target, files) for target in targets]
        self.jobs = jobs
        self._current = {}
        self.transfer_model.set_jobs(jobs)
        for job in jobs:
            job.start()
        self.transfers_view.selectRow(0)
        self.files_model.show_job(jobs[0])
        self._update_buttons()
        self._show_overall()
        self.send_started.emit(list(jobs))
        return jobs

    def send_again(self) -> list[SendJob]:
        """Send again to each machine where something did not arrive; partial files resume there."""
        if self.sending:
            return []
        again: list[SendJob] = []
        for i, old in enumerate(self.jobs):
            if old.outcome is None or old.outcome.ok:
                continue
            kept = {rel: r for rel, r in old.file_results.items() if r.status == "verified"}
            new = self._make_job(old.target, old.unverified(), already=kept)
            new.receiver = old.receiver
            self.jobs[i] = new
            self.transfer_model.replace(old, new)
            self._current.pop(old, None)
            again.append(new)
        for job in again:
            job.start()
        if again:
            self.on_transfer_selected(self.transfers_view.currentIndex())
            self._update_buttons()
            self._show_overall()
            self.send_started.emit(list(again))
        return again

    def cancel(self) -> None:
        """Stop every transfer of this window (Esc); what arrived stays there, to resume."""
        for job in self.jobs:
            job.cancel()
        self._update_buttons()

    def _make_job(self, target: Target, files: list[LocalFile], already: dict[str, FileResult] | None = None) -> SendJob:
        job = SendJob(target, files, nick=self.context.settings.nick, already=already,
                      sender_options=self.sender_options, progress_hook=self.progress_hook)
        # bound methods (not lambdas): Qt drops the connections if this window is deleted first
        job.state_changed.connect(self.on_job_state)
        job.progressed.connect(self.on_job_progress)
        job.results.connect(self.on_job_results)
        job.finished.connect(self.on_job_finished)
        return job

    # --- what the jobs report ---------------------------------------------------------------------

    def _shown_job(self) -> SendJob | None:
        row = self.transfers_view.currentIndex().row()
        return self.jobs[row] if 0 <= row < len(self.jobs) else None

    def on_job_state(self, state: str, words: str) -> None:
        job = self.sender()
        if not isinstance(job, SendJob):
            return
        self.transfer_model.job_changed(job)
        if state == "waiting" and not job.cancel_requested:
            self._remember(job.target)
        if job is self._shown_job():
            self._show_detail(job)
            if state not in ("checking", "waiting"):
                self.files_model.show_job(job)
        self._show_overall()  # "waiting for the person there to accept" is a state, not a progress

    def on_job_progress(self, progress: SendProgress) -> None:
        job = self.sender()
        if not isinstance(job, SendJob):
            return
        self.transfer_model.job_changed(job)
        before = self._current.get(job, "")
        self._current[job] = progress.current
        if job is self.files_model.job:
            self.files_model.current_changed(before, progress.current)
        self._show_overall()

    def on_job_results(self, results: list[FileResult]) -> None:
        job = self.sender()
        if job is self.files_model.job:
            self.files_model.results_changed(results)

    def on_job_finished(self, outcome: Any) -> None:
        job = self.sender()
        if isinstance(job, SendJob):
            self.transfer_model.job_changed(job)
            if job is self._shown_job():
                self._show_detail(job)
                self.files_model.show_job(job)
        self._update_buttons()
        self._show_overall()
        if self.jobs and not self.sending:
            self.send_finished.emit([j.outcome for j in self.jobs])

    def on_transfer_selected(self, current: QModelIndex, previous: QModelIndex | None = None) -> None:
        row = current.row()
        if 0 <= row < len(self.jobs):
            self.files_model.show_job(self.jobs[row])
            self._show_detail(self.jobs[row])

    def _show_detail(self, job: SendJob) -> None:
        colour = JOB_LOOK.get(job.state, ("", ""))[0]
        self.detail.setText(f"<b style='color:{colour}'>{job.display_name}</b>: {job.words}" if job.words else "")

    def _remember(self, target: Target) -> None:
        entry = self.targets.entry(target.address)
        if entry is not None and entry.kind == "own":
            return  # its port may change at each start; it is always listed anyway
        recent = self.context.settings.recent_file_targets
        if not recent or recent[0] != target.address:
            self.context.remember("recent_file_targets", target.address)

    # --- what the window says ---------------------------------------------------------------------

    def _notice(self, words: str) -> None:
        self.notice.setText(words)
        self.notice.setVisible(bool(words))

    def _update_summary(self) -> None:
        n = len(self.files_model.rows)
        if not n:
            self.summary.setText("No files yet")
        else:
            self.summary.setText(f"{n} file{'s' if n != 1 else ''} · {human_size(self.files_model.total_bytes)}")

    def _update_buttons(self) -> None:
        sending = self.sending
        has_files = bool(self.files_model.rows)
        self.send_button.setEnabled(not sending and has_files and bool(self.targets.checked_targets()))
        self.cancel_button.setEnabled(sending and any(not j.cancel_requested for j in self.jobs if not j.done))
        self.again_button.setEnabled(not sending and any(j.outcome is not None and not j.outcome.ok for j in self.jobs))
        self.remove_button.setEnabled(self.files_view.selectionModel().hasSelection())
        self.clear_button.setEnabled(has_files)

    def _show_overall(self) -> None:
        jobs = self.jobs
        self.overall_bar.setVisible(bool(jobs))
        if not jobs:
            self.overall_bar.setValue(0)
            self.overall.setText("Drop files, tick one or more machines, then press Send.")
            return
        # machines that said no, or could not be reached, get nothing: they do not hold the bar back
        counted = [j for j in jobs if j.state not in NOTHING_SENT] or jobs
        total = sum(j.total_bytes for j in counted) or 1
        done = 0
        for j in counted:
            if j.outcome is not None and j.outcome.ok:
                done += j.total_bytes
            elif j.progress is not None:
                done += min(j.progress.done_bytes, j.total_bytes)
        self.overall_bar.setValue(int(done * 1000 / total))
        running = [j for j in jobs if not j.done]
        if running:
            sending = [j for j in running if j.state == "sending" and j.progress is not None]
            rate = sum(j.progress.bytes_per_second for j in sending)
            etas = [j.progress.eta_seconds for j in sending if j.progress.eta_seconds is not None]
            parts = [f"Sending to {len(running)} machine{'s' if len(running) != 1 else ''}",
                     f"{done * 100 // total}%"]
            if rate:
                parts.append(human_rate(rate))
            if etas:
                eta = max(etas)
                parts.append("a moment left" if eta < 1.5 else f"about {human_duration(eta)} left")
            waiting = sum(1 for j in running if j.state == "waiting")
            if waiting:
                parts.append(f"{waiting} waiting for the person there to accept")
            self.overall.setText(" · ".join(parts))
            return
        verified = [j for j in jobs if j.state == "verified"]
        others = [j for j in jobs if j.state != "verified"]
        text = (f"Sent to {len(verified)} of {len(jobs)} machine{'s' if len(jobs) != 1 else ''}; every file "
                "checked by SHA-256." if verified else "Nothing was sent.")
        if others:
            text += " " + " ".join(f"{j.display_name}: {JOB_LOOK.get(j.state, ('', j.state))[1].lstrip('✓✗ ')}."
                                   for j in others[:4])
            if len(others) > 4:
                text += f" And {len(others) - 4} more."
            if any(j.state in ("cancelled", "failed", "partial", "unreachable") for j in others):
                text += " “Send again” sends what is missing."
        self.overall.setText(text)

    # --- app events -------------------------------------------------------------------------------

    def on_worker_changed(self, name: str) -> None:
        if name == "files":
            self.targets.refresh_own()

    def on_settings_changed(self, settings: Any) -> None:
        self.targets.refresh_recent()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.sending and self.ask_before_closing:
            running = sum(1 for j in self.jobs if not j.done)
            answer = QMessageBox.question(
                self, "Files are still being sent",
                f"Files are still being sent to {running} machine{'s' if running != 1 else ''}. Stop and close? "
                "What arrived so far is kept there, and sending the same files again later continues where it "
                "stopped.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.cancel()
        self.targets.close_browser()
        super().closeEvent(event)
