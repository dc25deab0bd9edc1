"""Raw mode: a graphical nc. Bytes go out exactly as typed (text, escapes or hex); every recv() is shown.

The socket is :class:`core.raw_client.RawClient`'s (through :class:`RawConnection`); escapes, hex and
encodings are :mod:`core.text_codec`'s. Two views of one transcript: "Lines" joins what arrived into
lines like a terminal shows them; "recv() calls" shows each read on its own row, so the lesson of the
socket tutorial is visible: TCP is a stream, and message boundaries are the program's business.
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.raw_client import DEFAULT_RECV_SIZE, MAX_RECV_SIZE, Chunk, RawState, format_transcript
from core.text import human_size
from core.text_codec import ENCODINGS, LINE_ENDINGS, SEND_MODES, CodecError, build_payload, to_hex
from gui.chat.connections import RawConnection
from gui.chat.delegates import TranscriptDelegate, small_font
from gui.chat.listview import MessageListView
from gui.chat.model import TranscriptModel
from gui.chat.widgets import Banner, StatusPill, muted_label
from gui.common.style import GREY, ORANGE, RED, mono_font

#: Transcript events kept for saving (the views keep their own bounded rows).
LOG_LIMIT = 100_000


class RawPane(QWidget):
    """One raw TCP connection with its transcript."""

    #: The connection state changed: (state, words for people) - for the window's status bar.
    state_changed = Signal(str, str)
    #: The person asked for the connect dialog.
    connect_dialog_requested = Signal()
    #: A transcript was saved: the path.
    saved = Signal(str)
    #: Saving failed: words for people.
    save_failed = Signal(str)
    #: internal: the save thread is done (path, error words or "").
    _save_done = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection: RawConnection | None = None
        self.state = "idle"
        self.detail = ""
        self.address: tuple[str, int] | None = None
        self.log: deque[Chunk | RawState] = deque(maxlen=LOG_LIMIT)
        self.totals = {"in": [0, 0], "out": [0, 0]}  # direction -> [chunks, bytes]
        self._closing: list[RawConnection] = []
        self.lines_model = TranscriptModel(lines=True, parent=self)
        self.chunks_model = TranscriptModel(lines=False, parent=self)
        self._save_done.connect(self.on_save_done, Qt.ConnectionType.QueuedConnection)
        self._build()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QFrame()
        hl = QHBoxLayout(header)
        hl.setContentsMargins(16, 10, 12, 10)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = QLabel("Raw TCP")
        tf = QFont(self.title.font())
        tf.setPointSizeF(max(9.0, tf.pointSizeF()) * 1.3)
        tf.setBold(True)
        self.title.setFont(tf)
        titles.addWidget(self.title)
        self.subtitle = muted_label("Bytes exactly as they cross the socket, like the nc command")
        titles.addWidget(self.subtitle)
        hl.addLayout(titles, 1)
        self.pill = StatusPill()
        hl.addWidget(self.pill)
        self.half_close_button = QPushButton("Finish sending")
        self.half_close_button.setToolTip(
            "Half-close (shutdown of the writing side): tell the server you will send nothing more.\n"
            "You can still receive its answer; many servers answer and then close too.")
        self.half_close_button.clicked.connect(self.half_close)
        hl.addWidget(self.half_close_button)
        self.reconnect_button = QPushButton("Reconnect")
        self.reconnect_button.clicked.connect(self.reconnect)
        hl.addWidget(self.reconnect_button)
        self.disconnect_button = QPushButton("Disconnect")
        self.disconnect_button.clicked.connect(self.disconnect)
        hl.addWidget(self.disconnect_button)
        self.connect_button = QPushButton("Connect…")
        self.connect_button.setToolTip("Connect to another server (Ctrl+K)")
        self.connect_button.clicked.connect(self.connect_dialog_requested)
        hl.addWidget(self.connect_button)
        layout.addWidget(header)
        self.banner = Banner()
        self.banner.action_clicked.connect(self.reconnect)
        layout.addWidget(self.banner)

        tools = QFrame()
        tl = QHBoxLayout(tools)
        tl.setContentsMargins(12, 4, 12, 6)
        tl.setSpacing(6)
        self.view_group = QButtonGroup(self)
        self.lines_button = QPushButton("Lines")
        self.lines_button.setToolTip("What arrived, joined into lines, as a terminal running nc shows it")
        self.chunks_button = QPushButton("recv() calls")
        self.chunks_button.setToolTip("Each read on its own row, exactly as recv() returned it: see where the "
                                      "stream was cut")
        for i, button in enumerate((self.lines_button, self.chunks_button)):
            button.setCheckable(True)
            self.view_group.addButton(button, i)
            tl.addWidget(button)
        self.lines_button.setChecked(True)
        self.view_group.idToggled.connect(self.on_view_toggled)
        tl.addSpacing(10)
        self.hex_button = QPushButton("Hex")
        self.hex_button.setCheckable(True)
        self.hex_button.setToolTip("Show the bytes as hex instead of text")
        self.hex_button.toggled.connect(self.on_hex_toggled)
        tl.addWidget(self.hex_button)
        tl.addSpacing(10)
        tl.addWidget(QLabel("Encoding"))
        self.encoding = QComboBox()
        for key, words in ENCODINGS.items():
            self.encoding.addItem(words, key)
        self.encoding.setToolTip("How bytes are turned into characters, both ways")
        self.encoding.currentIndexChanged.connect(self.on_encoding_changed)
        tl.addWidget(self.encoding)
        tl.addSpacing(10)
        tl.addWidget(QLabel("Read size"))
        self.recv_size = QSpinBox()
        self.recv_size.setRange(1, MAX_RECV_SIZE)
        self.recv_size.setValue(DEFAULT_RECV_SIZE)
        self.recv_size.setSuffix(" bytes")
        self.recv_size.setToolTip("How many bytes each recv() asks for. Try 4: one message then arrives as "
                                  "several reads.")
        self.recv_size.valueChanged.connect(self.on_recv_size_changed)
        tl.addWidget(self.recv_size)
        tl.addStretch(1)
        self.copy_hex_button = QPushButton("Copy as hex")
        self.copy_hex_button.setToolTip("Copy the selected rows (or everything) as hex")
        self.copy_hex_button.clicked.connect(self.copy_hex)
        tl.addWidget(self.copy_hex_button)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save the transcript as a text file (times, sizes, text and hex)")
        self.save_button.clicked.connect(self.on_save_clicked)
        tl.addWidget(self.save_button)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear)
        tl.addWidget(self.clear_button)
        layout.addWidget(tools)

        self.view = MessageListView()
        self.delegate = TranscriptDelegate(self.view)
        self.delegate.lines_view = True
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.lines_model)
        copy = QAction("Copy as hex", self.view)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_hex)
        self.view.addAction(copy)
        for model in (self.lines_model, self.chunks_model):
            model.rowsInserted.connect(self.on_rows_inserted)
        layout.addWidget(self.view, 1)

        self.stats = muted_label()
        self.stats.setFont(small_font(self.stats.font()))
        self.stats.setContentsMargins(14, 4, 14, 4)
        layout.addWidget(self.stats)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)

        composer = QFrame()
        cl = QVBoxLayout(composer)
        cl.setContentsMargins(12, 8, 12, 8)
        cl.setSpacing(6)
        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setFont(mono_font())
        self.input.setPlaceholderText("Type what to send, then press Enter")
        self.input.returnPressed.connect(self.on_send_pressed)
        self.input.textChanged.connect(self.on_input_changed)
        row.addWidget(self.input, 1)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.on_send_pressed)
        row.addWidget(self.send_button)
        cl.addLayout(row)
        options = QHBoxLayout()
        options.addWidget(QLabel("Send as"))
        self.send_mode = QComboBox()
        for key, words in SEND_MODES.items():
            self.send_mode.addItem(words, key)
        self.send_mode.currentIndexChanged.connect(self.on_input_changed)
        options.addWidget(self.send_mode)
        options.addSpacing(10)
        options.addWidget(QLabel("Line ending"))
        self.line_ending = QComboBox()
        for key, (words, _) in LINE_ENDINGS.items():
            self.line_ending.addItem(words, key)
        self.line_ending.setCurrentIndex(list(LINE_ENDINGS).index("lf"))
        self.line_ending.setToolTip("Added after what you type (not to hex). Web and mail servers expect CRLF.")
        self.line_ending.currentIndexChanged.connect(self.on_input_changed)
        options.addWidget(self.line_ending)
        options.addSpacing(10)
        self.preview = QLabel()
        self.preview.setFont(small_font(mono_font()))
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        options.addWidget(self.preview, 1)
        cl.addLayout(options)
        layout.addWidget(composer)
        self._refresh()
        self.on_input_changed()

    # --- connecting -------------------------------------------------------------------------------

    def connect_to(self, host: str, port: int) -> None:
        """Open a raw TCP connection to ``host:port`` (closing any current one). The transcript is kept."""
        self.disconnect(quiet=True)
        self.address = (host, port)
        conn = RawConnection(host, port, recv_size=self.recv_size.value())
        conn.state_changed.connect(self.on_state)
        conn.chunk.connect(self.on_chunk)
        self.connection = conn
        self.title.setText(f"{host}:{port}" if ":" not in host else f"[{host}]:{port}")
        conn.start()

    def reconnect(self) -> None:
        if self.address is not None:
            self.connect_to(*self.address)

    def disconnect(self, quiet: bool = False) -> None:
        conn, self.connection = self.connection, None
        if conn is None:
            return
        conn.state_changed.disconnect()
        conn.chunk.disconnect()
        conn.close()
        self._closing = [c for c in self._closing if not c.is_finished] + [conn]
        if not quiet:
            self._add_state(RawState("closed", "You disconnected."))

    def half_close(self) -> None:
        if self.connection is not None:
            self.connection.shutdown_write()

    @property
    def idle(self) -> bool:
        return self.connection is None and all(c.is_finished for c in self._closing)

    def on_state(self, state: str, detail: str) -> None:
        self._add_state(RawState(state, detail))

    def _add_state(self, event: RawState) -> None:
        self.state, self.detail = event.state, event.detail
        self.log.append(event)
        for model in (self.lines_model, self.chunks_model):
            model.add_info(event.detail or event.state)
        if event.state in ("closed", "failed") and self.connection is not None:
            conn, self.connection = self.connection, None
            conn.state_changed.disconnect()
            conn.chunk.disconnect()
            conn.close()
            self._closing = [c for c in self._closing if not c.is_finished] + [conn]
        self._refresh()
        self.state_changed.emit(self.state, self.detail)

    def _refresh(self) -> None:
        state = self.state
        self.pill.set_state(state)
        live = self.connection is not None and state in ("connecting", "connected", "half-closed", "peer-closed")
        can_send = self.connection is not None and state in ("connected", "peer-closed")
        self.half_close_button.setEnabled(can_send)
        self.disconnect_button.setVisible(live)
        self.reconnect_button.setVisible(not live and self.address is not None)
        self.send_button.setEnabled(can_send and not self.preview.property("bad"))
        if state == "failed":
            self.banner.show_message(RED, f"<b>Could not connect.</b> {self.detail}", "Try again")
        elif state == "closed" and self.address is not None:
            self.banner.show_message(GREY, self.detail, "Reconnect")
        elif state == "peer-closed":
            self.banner.show_message(ORANGE, self.detail)
        else:
            self.banner.hide()
        (i_chunks, i_bytes), (o_chunks, o_bytes) = self.totals["in"], self.totals["out"]
        self.stats.setText(
            f"Sent {o_chunks} time{'s' if o_chunks != 1 else ''}, {human_size(o_bytes)}   ·   "
            f"Received {human_size(i_bytes)} in {i_chunks} recv() call{'s' if i_chunks != 1 else ''}")

    # --- bytes ------------------------------------------------------------------------------------

    def on_chunk(self, chunk: Chunk) -> None:
        self.log.append(chunk)
        totals = self.totals[chunk.direction]
        totals[0] += 1
        totals[1] += chunk.size
        self.lines_model.add_chunk(chunk)
        self.chunks_model.add_chunk(chunk)
        self._refresh()

    def payload(self) -> bytes:
        """The bytes Send would send now, or :class:`CodecError` saying what to fix."""
        return build_payload(self.input.text(), self.send_mode.currentData(), self.encoding.currentData(),
                             self.line_ending.currentData())

    def on_input_changed(self, *_: Any) -> None:
        self.line_ending.setEnabled(self.send_mode.currentData() != "hex")
        try:
            data = self.payload()
        except CodecError as exc:
            self.preview.setText(str(exc))
            self.preview.setStyleSheet(f"color: {RED};")
            self.preview.setProperty("bad", True)
        else:
            shown = to_hex(data[:24]) + (" …" if len(data) > 24 else "")
            self.preview.setText(f"{human_size(len(data))}: {shown}" if data else "nothing to send")
            self.preview.setStyleSheet("")
            self.preview.setProperty("bad", False)
        self._refresh()

    def send_bytes(self, data: bytes) -> bool:
        if self.connection is None or self.state not in ("connected", "peer-closed"):
            return False
        self.connection.send(data)
        return True

    def on_send_pressed(self) -> None:
        try:
            data = self.payload()
        except CodecError:
            return
        if data and self.send_bytes(data):
            self.input.clear()

    def on_rows_inserted(self, *_: Any) -> None:
        if self.sender() is self.view.model():
            bar = self.view.verticalScrollBar()
            if bar.value() >= bar.maximum() - 8:
                self.view.scrollToBottom()

    # --- view options -----------------------------------------------------------------------------

    def on_view_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        lines = button_id == 0
        self.delegate.lines_view = lines
        self.view.setModel(self.lines_model if lines else self.chunks_model)
        self.view.scrollToBottom()

    def on_hex_toggled(self, on: bool) -> None:
        self.delegate.show_hex = on
        self.view.relayout()

    def on_encoding_changed(self, *_: Any) -> None:
        encoding = self.encoding.currentData()
        self.delegate.encoding = encoding
        for model in (self.lines_model, self.chunks_model):
            model.set_encoding(encoding)  # emits layoutChanged: the view measures its rows again
        self.on_input_changed()

    def on_recv_size_changed(self, size: int) -> None:
        if self.connection is not None:
            self.connection.set_recv_size(size)

    def show_chunks(self, on: bool = True) -> None:
        (self.chunks_button if on else self.lines_button).setChecked(True)

    # --- transcript -------------------------------------------------------------------------------

    def clear(self) -> None:
        self.log.clear()
        self.lines_model.clear()
        self.chunks_model.clear()
        self.totals = {"in": [0, 0], "out": [0, 0]}
        self._refresh()

    def copy_hex(self) -> str:
        model = self.view.model()
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()}) or range(model.rowCount())
        text = model.hex_of(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def on_save_clicked(self) -> None:
        dialog = QFileDialog(self, "Save transcript", str(Path.home() / "transcript.txt"), "Text files (*.txt)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("txt")
        dialog.fileSelected.connect(self.save_transcript)
        dialog.open()

    def save_transcript(self, path: str) -> None:
        """Write the transcript to ``path`` in the background; ``saved`` or ``save_failed`` follows."""
        items = list(self.log)
        encoding = self.encoding.currentData()

        def write() -> None:
            try:
                Path(path).write_text(format_transcript(items, encoding), encoding="utf-8")
            except OSError as exc:
                self._save_done.emit(path, f"Could not save the transcript to {path}: {exc.strerror or exc}.")
            else:
                self._save_done.emit(path, "")

        threading.Thread(target=write, name="save-transcript", daemon=True).start()

    def on_save_done(self, path: str, error: str) -> None:
        if error:
            self.banner.show_message(RED, error)
            self.save_failed.emit(error)
        else:
            self.saved.emit(path)

    def focus_input(self) -> None:
        self.input.setFocus()
