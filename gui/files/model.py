"""What the send window lists: the files to send, and one transfer per machine.

Both are table models, so a folder of 3,000 files costs one row object each, not one widget each. The
file list shows, per file, what happened at the machine whose transfer is selected.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from core.file_sender import FileResult, LocalFile
from core.text import human_duration, human_rate, human_size
from gui.common.style import BLUE, GREEN, GREY, ORANGE, RED
from gui.common.tables import ColumnsModel

#: The fraction done (0..1) for a progress cell, or None when not known yet.
FractionRole = Qt.ItemDataRole.UserRole + 1

#: Per-file status: (colour, words). "sending" and "queued" are the window's own, the others core's.
FILE_LOOK = {
    "verified": (GREEN, "✓ Verified"),
    "failed": (RED, "✗ Failed"),
    "declined": (ORANGE, "Declined"),
    "cancelled": (GREY, "Cancelled"),
    "skipped": (GREY, "Skipped"),
    "sending": (BLUE, "Sending"),
    "queued": (GREY, "Waiting"),
}

#: A per-file failure reason longer than this is left to the tooltip.
SHORT_REASON = 48

#: Machine states in which nothing was sent (no progress to show).
NOTHING_SENT = ("declined", "unreachable")

#: Per-machine state: (colour, words), for :class:`gui.files.jobs.SendJob` states.
JOB_LOOK = {
    "new": (GREY, "Not started"),
    "checking": (BLUE, "Checking…"),
    "waiting": (BLUE, "Waiting for their OK"),
    "sending": (BLUE, "Sending"),
    "retrying": (ORANGE, "Reconnecting…"),
    "verified": (GREEN, "✓ Verified"),
    "partial": (ORANGE, "Some failed"),
    "declined": (ORANGE, "Declined"),
    "unreachable": (RED, "✗ Not reachable"),
    "failed": (RED, "✗ Failed"),
    "cancelled": (GREY, "Cancelled"),
}


class FileListModel(ColumnsModel):
    """The files to send: name (the path the receiver sees), size, and status at the selected machine."""

    COLUMNS = ("Name", "Size", "Status")
    NAME, SIZE, STATUS = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LocalFile] = []
        self._row_of: dict[str, int] = {}
        self.total_bytes = 0
        self.job: Any = None  # the gui.files.jobs.SendJob whose results the Status column shows

    # --- content ----------------------------------------------------------------------------------

    def add(self, files: list[LocalFile]) -> tuple[int, list[str]]:
        """Append files; one with a name already in the list is left out. (added, names left out)."""
        fresh: list[LocalFile] = []
        doubles: list[str] = []
        seen = set(self._row_of)
        for f in files:
            if f.rel in seen:
                doubles.append(f.rel)
                continue
            seen.add(f.rel)
            fresh.append(f)
        if fresh:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for i, f in enumerate(fresh, first):
                self.rows.append(f)
                self._row_of[f.rel] = i
            self.total_bytes += sum(f.size for f in fresh)
            self.endInsertRows()
        return len(fresh), doubles

    def remove_rows(self, rows: list[int]) -> int:
        """Remove these rows (any order); returns how many went."""
        doomed = sorted({r for r in rows if 0 <= r < len(self.rows)}, reverse=True)
        if not doomed:
            return 0
        # contiguous runs, from the end, so earlier indexes stay valid
        runs: list[tuple[int, int]] = []
        for r in doomed:
            if runs and runs[-1][0] == r + 1:
                runs[-1] = (r, runs[-1][1])
            else:
                runs.append((r, r))
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            del self.rows[first:last + 1]
            self.endRemoveRows()
        self._reindex()
        return len(doomed)

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {f.rel: i for i, f in enumerate(self.rows)}
        self.total_bytes = sum(f.size for f in self.rows)

    def files(self) -> list[LocalFile]:
        return list(self.rows)

    def row_of(self, rel: str) -> int | None:
        return self._row_of.get(rel)

    # --- status of the selected transfer -----------------------------------------------------------

    def show_job(self, job: Any) -> None:
        self.job = job
        self._status_changed(0, len(self.rows) - 1)

    def results_changed(self, results: list[FileResult]) -> None:
        rows = [r for r in (self._row_of.get(x.rel) for x in results) if r is not None]
        if rows:
            self._status_changed(min(rows), max(rows))

    def current_changed(self, *rels: str) -> None:
        rows = [r for r in (self._row_of.get(rel) for rel in rels if rel) if r is not None]
        if rows:
            self._status_changed(min(rows), max(rows))

    def _status_changed(self, first: int, last: int) -> None:
        if last >= first >= 0:
            self.dataChanged.emit(self.index(first, self.STATUS), self.index(last, self.STATUS))

    def status(self, f: LocalFile) -> tuple[str, str, str]:
        """(status key, short words, details) of one file at the selected machine."""
        job = self.job
        if job is None:
            return "", "", ""
        result = job.file_results.get(f.rel)
        if result is not None:
            colour_words = FILE_LOOK.get(result.status, (GREY, result.status))[1]
            if result.status == "verified" and result.stored_as and result.stored_as != f.rel:
                return result.status, f"{colour_words} · saved as {result.stored_as}", result.detail
            if result.status == "failed" and job.state == "unreachable":
                return result.status, "✗ Not sent", result.detail  # the row of the machine says why
            if result.status == "failed" and result.detail:
                # the whole reason is in the tooltip and under the transfers; a long one would be cut mid-word
                words = result.detail if len(result.detail) <= SHORT_REASON else "see the tooltip"
                return result.status, f"{colour_words}: {words}", result.detail
            return result.status, colour_words, result.detail
        if f.rel not in job.rels:  # not part of this send (e.g. added afterwards)
            return "", "", ""
        progress = job.progress
        if progress is not None and progress.current == f.rel and job.running:
            if progress.current_size:
                pct = progress.current_done * 100 // progress.current_size
                return "sending", f"Sending {pct}%", ""
            return "sending", "Sending", ""
        if job.running:
            return "queued", FILE_LOOK["queued"][1], ""
        return "", "", ""

    # --- Qt model API ------------------------------------------------------------------------------

    def items(self) -> list[Any]:
        return self.rows

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return f.rel
            if column == self.SIZE:
                return human_size(f.size)
            return self.status(f)[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATUS:
                return self.status(f)[2] or None
            return str(f.path)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            key = self.status(f)[0]
            if key:
                return QColor(FILE_LOOK.get(key, (GREY, ""))[0])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class TransferModel(ColumnsModel):
    """One row per machine of the last send: progress, speed, time left and what happened."""

    COLUMNS = ("Machine", "Progress", "Speed", "Time left", "Result")
    MACHINE, PROGRESS, SPEED, ETA, RESULT = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs: list[Any] = []

    def set_jobs(self, jobs: list[Any]) -> None:
        self.beginResetModel()
        self.jobs = list(jobs)
        self.endResetModel()

    def replace(self, old: Any, new: Any) -> None:
        row = self.jobs.index(old)
        self.jobs[row] = new
        self.job_changed(new)

    def job_changed(self, job: Any) -> None:
        try:
            row = self.jobs.index(job)
        except ValueError:
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def items(self) -> list[Any]:
        return self.jobs

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self.jobs[index.row()]
        column = index.column()
        progress = job.progress
        if role == FractionRole and column == self.PROGRESS:
            return None if job.state in NOTHING_SENT else job.fraction
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.MACHINE:
                return job.short_name
            if column == self.PROGRESS:
                if progress is None or job.state in NOTHING_SENT:
                    return ""
                return f"{human_size(progress.done_bytes)} of {human_size(progress.total_bytes)}"
            outcome = job.outcome
            if column == self.SPEED:
                if progress is not None and job.state == "sending":
                    return human_rate(progress.bytes_per_second)
                if outcome is not None and outcome.bytes_sent and outcome.seconds > 0:
                    return human_rate(outcome.bytes_sent / outcome.seconds)  # the average, once it is over
                return ""
            if column == self.ETA:
                if progress is not None and job.state == "sending" and progress.eta_seconds is not None:
                    if progress.eta_seconds < 1.5:
                        return "a moment"
                    return f"about {human_duration(progress.eta_seconds)}"
                if outcome is not None and outcome.seconds > 0 and outcome.bytes_sent:
                    return f"took {human_duration(outcome.seconds)}"
                return ""
            return JOB_LOOK.get(job.state, (GREY, job.state))[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{job.display_name}\n{job.words}" if job.words else job.display_name
        if role == Qt.ItemDataRole.ForegroundRole and column == self.RESULT:
            return QColor(JOB_LOOK.get(job.state, (GREY, ""))[0])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.SPEED, self.ETA):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ProgressDelegate(QStyledItemDelegate):
    """A slim bar in the cell with its text beside it, in the palette's colours (light and dark themes).

    Painted by hand: a style's own progress bar squeezed into a table row cuts its text in half.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        fraction = index.data(FractionRole)
        if fraction is None:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        rect = option.rect.adjusted(6, 4, -6, -4)
        bar = QRect(rect.left(), rect.bottom() - 4, rect.width(), 5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QColor(text_colour)
        track.setAlphaF(0.18)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 2.5, 2.5)
        done = QRect(bar)
        done.setWidth(max(0, round(bar.width() * max(0.0, min(1.0, fraction)))))
        if done.width():
            painter.setBrush(QColor(palette.highlightedText().color() if selected else QColor(BLUE)))
            painter.drawRoundedRect(done, 2.5, 2.5)
        painter.setPen(text_colour)
        painter.setFont(option.font)
        text = index.data(Qt.ItemDataRole.DisplayRole) or f"{fraction:.0%}"
        text_rect = QRect(rect.left(), rect.top() - 1, rect.width(), bar.top() - rect.top())
        shown = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.restore()
