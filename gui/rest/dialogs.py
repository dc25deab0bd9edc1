"""Small dialogs: import a curl command, see the request as code, edit environments."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.rest.curl import CurlError, ParsedCurl, parse_curl
from core.rest.model import LOCAL_LAB, Environment, Pair
from gui.common import style
from gui.rest.tables import PairTable


class CurlImportDialog(QDialog):
    """Paste a curl command; what it will become is shown as you type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a curl command")
        self.resize(640, 320)
        self.edit = QPlainTextEdit()
        self.edit.setFont(style.mono_font())
        self.edit.setPlaceholderText("curl -i -X POST -H \"Content-Type: application/json\" "
                                     "-d '{\"name\": \"John\", \"email\": \"john@example.com\"}' "
                                     "http://127.0.0.1:5001/people/v1/users")
        self.summary = QLabel("Paste a command that starts with curl.")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Paste a curl command (from a tutorial, a terminal or a browser's developer tools):"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.parsed: ParsedCurl | None = None
        self.edit.textChanged.connect(self.on_text)
        self.on_text()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def on_text(self) -> None:
        text = self.edit.toPlainText().strip()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not text:
            self.parsed = None
            self.summary.setText("Paste a command that starts with curl.")
            self.summary.setStyleSheet(f"color: {style.GREY};")
            ok.setEnabled(False)
            return
        try:
            self.parsed = parse_curl(text)
        except CurlError as exc:
            self.parsed = None
            self.summary.setText(str(exc))
            self.summary.setStyleSheet(f"color: {style.ORANGE};")
            ok.setEnabled(False)
            return
        request = self.parsed.request
        bits = [f"{request.method} {request.full_url()}"]
        if request.headers:
            bits.append(f"{len(request.headers)} header{'s' if len(request.headers) > 1 else ''}")
        if request.body.mode != "none":
            bits.append(f"{request.body.mode} body")
        if request.auth.kind != "none":
            bits.append(f"{request.auth.kind} auth")
        lines = ["Becomes: " + " · ".join(bits)] + [f"⚠ {w}" for w in self.parsed.warnings]
        self.summary.setText("\n".join(lines))
        self.summary.setStyleSheet("")
        ok.setEnabled(True)


class CodeDialog(QDialog):
    """The request as curl and as Python requests code, each with a Copy button."""

    def __init__(self, curl: str, python: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The request as code")
        self.resize(720, 420)
        self.tabs = QTabWidget()
        for title, text in (("curl", curl), ("Python (requests)", python)):
            page = QWidget()
            pl = QVBoxLayout(page)
            edit = QPlainTextEdit(text)
            edit.setReadOnly(True)
            edit.setFont(style.mono_font())
            copy = QPushButton("Copy")
            copy.clicked.connect(lambda _=False, t=text: QGuiApplication.clipboard().setText(t))
            pl.addWidget(edit, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(copy)
            pl.addLayout(row)
            self.tabs.addTab(page, title)
        layout = QVBoxLayout(self)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {style.GREY};")
            layout.addWidget(label)
        layout.addWidget(self.tabs, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)


class EnvironmentsDialog(QDialog):
    """Add, rename and remove environments, and edit their variables."""

    def __init__(self, environments: list[Environment], local_base_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Environments")
        self.resize(680, 380)
        self.environments = list(environments)
        self.local_base_url = local_base_url
        self.list = QListWidget()
        self.list.setMaximumWidth(200)
        self.table = PairTable("Variable", "Value")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {style.GREY};")
        add = QPushButton("Add…")
        add.clicked.connect(self.on_add)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(self.on_remove)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove)
        left.addLayout(row)
        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.note)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Use a variable in a request as {{name}}: it is filled in when the request is sent."))
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self._current = -1
        self.list.currentRowChanged.connect(self.on_row)
        for env in self.environments:
            self.list.addItem(env.name)
        if self.environments:
            self.list.setCurrentRow(0)

    def _store(self) -> None:
        if 0 <= self._current < len(self.environments):
            env = self.environments[self._current]
            self.environments[self._current] = Environment(env.name, self.table.pairs())

    def on_row(self, row: int) -> None:
        self._store()
        self._current = row
        if 0 <= row < len(self.environments):
            env = self.environments[row]
            self.table.set_pairs(env.variables)
            local = env.name == LOCAL_LAB
            self.remove.setEnabled(not local)
            self.note.setText(f"base_url is set by Wirelab to this computer's REST API ({self.local_base_url}); "
                              "other variables you add here are kept." if local else "")

    def on_add(self) -> None:
        name, ok = QInputDialog.getText(self, "New environment", "Name (for example: teacher's server):")
        name = name.strip()
        if not ok or not name:
            return
        if any(e.name == name for e in self.environments):
            self.note.setText(f'There is already an environment called "{name}".')
            return
        self._store()
        self.environments.append(Environment(name, (Pair("base_url", "http://"),)))
        self.list.addItem(name)
        self.list.setCurrentRow(len(self.environments) - 1)

    def on_remove(self) -> None:
        row = self.list.currentRow()
        if row < 0 or self.environments[row].name == LOCAL_LAB:
            return
        self._current = -1
        del self.environments[row]
        self.list.takeItem(row)

    def on_save(self) -> None:
        self._store()
        self.accept()
