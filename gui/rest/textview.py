"""Text views that stay responsive with megabytes of text, and a small JSON highlighter."""

from __future__ import annotations

import re

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from gui.common import style

#: Text is put into the view in slices this big, one per event-loop turn (~20-30 ms of layout each here).
SLICE_CHARS = 64 * 1024
#: With the highlighter on, slices are smaller: it colours each new line as it arrives.
HIGHLIGHT_SLICE_CHARS = 24 * 1024
#: Above this size the highlighter is left off.
HIGHLIGHT_MAX_CHARS = 1024 * 1024
#: Qt lays out a whole line at once, and one 256 KB line takes ~0.15 s: longer lines are shown in pieces.
MAX_LINE_CHARS = 2000


def break_long_lines(text: str, width: int = MAX_LINE_CHARS) -> tuple[str, bool]:
    """``text`` with lines longer than ``width`` cut into pieces (for display only); True when any was cut."""
    if len(text) <= width or max((len(line) for line in text.split("\n")), default=0) <= width:
        return text, False
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
        else:
            out.extend(line[i:i + width] for i in range(0, len(line), width))
    return "\n".join(out), True


class JsonHighlighter(QSyntaxHighlighter):
    """Keys, strings, numbers and true/false/null in distinct colours (readable on light and dark)."""

    _TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\btrue\b|\bfalse\b|\bnull\b')

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        dark = style.is_dark()
        self.formats = {
            "key": self._format("#7fb4ff" if dark else "#1f5fa8", bold=True),
            "string": self._format("#7fd49a" if dark else "#23783c"),
            "number": self._format("#ffb86b" if dark else "#b35a00"),
            "literal": self._format("#f78fb3" if dark else "#a3246b"),
        }

    @staticmethod
    def _format(colour: str, bold: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(colour))
        if bold:
            fmt.setFontWeight(600)
        return fmt

    def highlightBlock(self, text: str) -> None:
        for match in self._TOKEN.finditer(text):
            token = match.group(0)
            if token.startswith('"'):
                kind = "key" if match.group(1) else "string"
                length = len(token) - (len(match.group(1)) if match.group(1) else 0)
            elif token[0] in "-0123456789":
                kind, length = "number", len(token)
            else:
                kind, length = "literal", len(token)
            self.setFormat(match.start(), length, self.formats[kind])


class BigTextView(QPlainTextEdit):
    """Read-only text that is filled in slices (``set_text``), so a few MB never freeze the window."""

    #: All the text given to set_text is in the view now.
    filled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(style.mono_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setUndoRedoEnabled(False)
        self._rest = ""
        self._pos = 0
        self._slice = SLICE_CHARS
        self._highlighter: JsonHighlighter | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.on_slice)

    @property
    def loading(self) -> bool:
        return self._timer.isActive()

    def set_text(self, text: str, *, json: bool = False) -> bool:
        """Show ``text`` (filled in slices when long); True when long lines had to be shown in pieces."""
        self._timer.stop()
        if self._highlighter is not None:
            self._highlighter.setDocument(None)
            self._highlighter = None
        self.clear()
        text, broken = break_long_lines(text)
        self._slice = SLICE_CHARS
        if json and len(text) <= HIGHLIGHT_MAX_CHARS:
            self._highlighter = JsonHighlighter(self.document())
            self._slice = HIGHLIGHT_SLICE_CHARS
        if len(text) <= self._slice:
            self.setPlainText(text)
            self._rest = ""
            self.filled.emit()
            return broken
        self._rest = text
        self._pos = 0
        self._timer.start()
        return broken

    def on_slice(self) -> None:
        end = min(len(self._rest), self._pos + self._slice)
        newline = self._rest.rfind("\n", self._pos, end)
        if end < len(self._rest) and newline > self._pos:
            end = newline + 1  # whole lines keep the layout cheap
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(self._rest[self._pos:end])
        self._pos = end
        if self._pos >= len(self._rest):
            self._timer.stop()
            self._rest = ""
            self.moveCursor(QTextCursor.MoveOperation.Start)
            self.filled.emit()

    def find_text(self, text: str, backward: bool = False) -> bool:
        """Select the next (or previous) match, wrapping around; False when there is none."""
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.find(text, flags):
            return True
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.setTextCursor(cursor)
        return self.find(text, flags)


def mark_line(editor: QPlainTextEdit, line: int | None, colour: str = style.ORANGE) -> None:
    """Underline one line of an editor (an error position) or clear the mark (``None``)."""
    if line is None:
        editor.setExtraSelections([])
        return
    block = editor.document().findBlockByNumber(max(0, line - 1))
    selection = QTextEdit.ExtraSelection()
    selection.cursor = QTextCursor(block)
    selection.cursor.select(QTextCursor.SelectionType.LineUnderCursor)
    fmt = QTextCharFormat()
    background = QColor(colour)
    background.setAlpha(60)
    fmt.setBackground(background)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor(colour))
    selection.format = fmt
    editor.setExtraSelections([selection])

