"""The answer side of the window: status, explanation, body views, headers and the wire view.

Small JSON bodies were parsed in the request's thread already (``core.rest.body.analyze``); big ones are
parsed by the JSON worker process, and the tree shows them a page at a time (``gui.rest.jsontree``).
Text goes into the views in slices, and formatting a big body is only done when asked ("Format anyway").
"""

from __future__ import annotations

import html
import os
import shutil
import threading
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.rest import body as bodies
from core.rest.explain import LAYERS, Explanation
from core.rest.runner import ORIGIN_TEXT, Outcome
from gui.common import style
from gui.rest.jsontree import JsonTreeModel, JsonTreeView, LocalSource, ProcessSource
from gui.rest.textview import BigTextView

TONE_COLOURS = {"ok": style.GREEN, "info": style.BLUE, "warning": style.ORANGE, "error": style.RED}
ORIGIN_COLOURS = {"you": style.BLUE, "auth": "#9b59b6", "body": style.GREEN, "cookies": style.ORANGE,
                  "library": style.GREY}
ORIGIN_TAGS = {"you": "you", "auth": "auth", "body": "body", "cookies": "cookie", "library": "requests"}
#: "Format anyway" writes at most this much formatted text (and the view shows at most TEXT_SHOW_BYTES).
PRETTY_MAX_BYTES = 64 * 1024 * 1024
#: The Pretty view shows at most this much formatted text after "Format anyway" (Save… keeps all of it).
PRETTY_SHOW_BYTES = 2 * 1024 * 1024
#: The raw view of a big body shows this much at first.
RAW_PREVIEW_BYTES = 256 * 1024

VIEWS = ("tree", "pretty", "raw", "image", "hex")
VIEW_TITLES = {"tree": "Tree", "pretty": "Pretty", "raw": "Raw", "image": "Image", "hex": "Hex"}


class ExplainCard(QFrame):
    """What the result means, in plain words, with the layer that failed for transport errors."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explainCard")
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layers = QLabel()
        self.layers.setTextFormat(Qt.TextFormat.RichText)
        self.layers.setWordWrap(True)
        self.details_button = QToolButton()
        self.details_button.setText("Technical details")
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setFont(style.mono_font())
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setVisible(False)
        self.details_button.toggled.connect(self.details.setVisible)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.hint)
        layout.addWidget(self.layers)
        row = QHBoxLayout()
        row.addWidget(self.details_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.explanation: Explanation | None = None

    def show_explanation(self, explanation: Explanation) -> None:
        self.explanation = explanation
        colour = TONE_COLOURS.get(explanation.tone, style.GREY)
        self.setStyleSheet(f"#explainCard {{ border-left: 4px solid {colour}; border-radius: 3px;"
                           f" background: palette(alternate-base); }}")
        self.title.setText(explanation.title)
        self.text.setText(explanation.text)
        self.hint.setText(f"What to do: {explanation.hint}" if explanation.hint else "")
        self.hint.setVisible(bool(explanation.hint))
        failed = explanation.tone == "error" and explanation.layer != "http" or explanation.layer == "request"
        if failed:
            keys = [k for k, _ in LAYERS]
            at = keys.index(explanation.layer) if explanation.layer in keys else len(keys) - 1
            steps = []
            for i, (key, title) in enumerate(LAYERS):
                title = html.escape(title).replace(" ", "&nbsp;")  # wrap between the steps, not inside one
                if i < at:
                    steps.append(f'<span style="color:{style.GREEN}">✓&nbsp;{title}</span>')
                elif i == at:
                    steps.append(f'<b><span style="color:{style.RED}">✗&nbsp;{title}</span></b>')
                else:
                    steps.append(f'<span style="color:{style.GREY}">·&nbsp;{title}</span>')
            self.layers.setText(" &nbsp;→ ".join(steps))
        self.layers.setVisible(failed)
        self.details.setText(explanation.detail)
        self.details_button.setVisible(bool(explanation.detail))
        self.details_button.setChecked(False)


def wire_html(outcome: Outcome) -> str:
    """The request(s) as sent and the answer(s), one block per hop of the redirect chain."""
    mono = "font-family: monospace; white-space: pre-wrap;"
    legend = " ".join(
        f'<span style="color:{ORIGIN_COLOURS[k]}">■ {ORIGIN_TAGS[k]}</span>: {html.escape(ORIGIN_TEXT[k])}'
        for k in ("you", "auth", "body", "cookies", "library"))
    out = [f'<p style="color:{style.GREY}">Exactly what went over the connection. Who set each header: '
           f"{legend}.</p>"]
    hops = outcome.hops
    if not hops:
        out.append("<p>Nothing was sent: the request stopped before it reached the network.</p>")
    for n, hop in enumerate(hops, 1):
        if len(hops) > 1:
            what = "redirected" if 300 <= hop.status < 400 and n < len(hops) else "final answer"
            out.append(f"<h3>Step {n} of {len(hops)} · {html.escape(what)}</h3>")
        sent = hop.sent
        if sent is not None:
            lines = [f'<b style="color:{style.BLUE}">→ {html.escape(sent.request_line)}</b>']
            for h in sent.headers:
                tag = f'<span style="color:{ORIGIN_COLOURS[h.origin]}">[{ORIGIN_TAGS[h.origin]}]</span>'
                note = f' <span style="color:{style.GREY}"> ← {html.escape(h.note)}</span>' if h.note else ""
                lines.append(f"{html.escape(h.name)}: {html.escape(h.value)}  {tag}{note}")
            out.append(f'<div style="{mono}">' + "<br>".join(lines) + "</div>")
            if sent.body_size:
                preview = sent.body.decode("utf-8", errors="replace")
                if len(preview) > 4000:
                    preview = preview[:4000] + "…"
                shown = "" if len(sent.body) >= sent.body_size else f" (first {bodies.human_size(len(sent.body))})"
                out.append(f'<p style="color:{style.GREY}">Body, {bodies.human_size(sent.body_size)}{shown}:</p>')
                out.append(f'<div style="{mono}">{html.escape(preview)}</div>')
            else:
                out.append(f'<p style="color:{style.GREY}">No body.</p>')
        if hop.status:
            colour = style.status_colour(hop.status)
            lines = [f'<b style="color:{colour}">← {html.escape(outcome.http_version or "HTTP/1.1")} '
                     f"{hop.status} {html.escape(hop.reason)}</b>"]
            lines += [f"{html.escape(k)}: {html.escape(v)}" for k, v in hop.headers]
            out.append(f'<div style="{mono}">' + "<br>".join(lines) + "</div>")
        elif sent is not None:
            out.append(f'<p style="color:{style.RED}">← no answer</p>')
        out.append("<hr>")
    return "".join(out)


class ResponseView(QWidget):
    """Shows one :class:`Outcome` at a time."""

    #: The JSON tree has a document to show (carries the number of top-level rows loaded).
    tree_ready = Signal(int)
    #: Pretty text is in the Pretty view (after "Format anyway" too).
    pretty_ready = Signal()
    #: A filter or search finished (carries the plain-words result line).
    filtered = Signal(str)
    #: A message for the window's status bar.
    message = Signal(str)
    #: An image body was decoded in a thread (carries the QImage); internal, queued to the GUI thread.
    _image_decoded = Signal(object, int)
    #: Formatted text made in a thread (text, token); internal, queued to the GUI thread.
    _pretty_done = Signal(str, int)

    def __init__(self, body_dir: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body_dir = body_dir
        self.outcome: Outcome | None = None
        self.view: bodies.BodyView | None = None
        self.local = LocalSource(self)
        self.remote: ProcessSource | None = None
        self.source: Any = None
        self.doc_id = 0
        self.doc_root: Any = None
        self._token = 0
        self._raw_pending: bodies.BodyView | None = None
        self._hex_pending: Outcome | None = None

        self.status = QLabel("No answer yet")
        font = self.status.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.status.setFont(font)
        self.meta = QLabel()
        self.meta.setStyleSheet(f"color: {style.GREY};")
        self.progress = QProgressBar()
        self.progress.setFixedWidth(120)
        self.progress.setVisible(False)
        self.progress.setTextVisible(True)
        head = QHBoxLayout()
        head.addWidget(self.status)
        head.addSpacing(12)
        head.addWidget(self.meta, 1)
        head.addWidget(self.progress)

        self.card = ExplainCard()
        self.card.setVisible(False)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._body_page(), "Body")
        self.headers = QTableWidget(0, 2)
        self.headers.setHorizontalHeaderLabels(["Header", "Value"])
        self.headers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.headers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.headers.verticalHeader().setVisible(False)
        self.headers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.headers.setWordWrap(True)
        self.tabs.addTab(self.headers, "Headers")
        self.wire = QTextBrowser()
        self.wire.setOpenLinks(False)
        self.tabs.addTab(self.wire, "Wire")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.card)
        layout.addWidget(self.tabs, 1)
        self._image_decoded.connect(self.on_image_decoded, Qt.ConnectionType.QueuedConnection)
        self._pretty_done.connect(self.on_pretty_done, Qt.ConnectionType.QueuedConnection)
        self.clear()

    def _body_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 6, 4, 4)
        bar = QHBoxLayout()
        self.view_group = QButtonGroup(self)
        self.view_buttons: dict[str, QPushButton] = {}
        for i, name in enumerate(VIEWS):
            button = QPushButton(VIEW_TITLES[name])
            button.setCheckable(True)
            button.setFlat(False)
            self.view_group.addButton(button, i)
            self.view_buttons[name] = button
            bar.addWidget(button)
        self.view_group.idClicked.connect(lambda i: self.show_view(VIEWS[i]))
        bar.addSpacing(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search in the body")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.on_search)
        bar.addWidget(self.search, 1)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save the whole body to a file")
        self.save_button.clicked.connect(self.on_save)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        query_row = QHBoxLayout()
        self.query_label = QLabel("JSONPath")
        self.query = QLineEdit()
        self.query.setPlaceholderText("filter the JSON, e.g. $[*].title   $..email   $[?@.completed == true]")
        self.query.setFont(style.mono_font())
        self.query.returnPressed.connect(self.on_query)
        self.query_button = QPushButton("Filter")
        self.query_button.clicked.connect(self.on_query)
        self.query_clear = QPushButton("Show all")
        self.query_clear.clicked.connect(self.on_clear_filter)
        query_row.addWidget(self.query_label)
        query_row.addWidget(self.query, 1)
        query_row.addWidget(self.query_button)
        query_row.addWidget(self.query_clear)
        layout.addLayout(query_row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet(f"color: {style.GREY};")
        layout.addWidget(self.info)

        self.stack = QStackedWidget()
        self.tree_model = JsonTreeModel(self)
        self.tree_model.failed.connect(self.on_tree_failed)
        self.tree = JsonTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: ResizeToContents would measure up to 1000 rows through Python on every layout.
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.tree.setColumnWidth(2, 72)
        self.tree.header().setStretchLastSection(False)
        self.tree.setColumnWidth(0, 200)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.on_tree_menu)
        self.stack.addWidget(self.tree)

        pretty_page = QWidget()
        pl = QVBoxLayout(pretty_page)
        pl.setContentsMargins(0, 0, 0, 0)
        self.format_bar = QFrame()
        fb = QHBoxLayout(self.format_bar)
        fb.setContentsMargins(8, 6, 8, 6)
        self.format_note = QLabel()
        self.format_note.setWordWrap(True)
        self.format_button = QPushButton("Format anyway")
        self.format_button.clicked.connect(self.on_format_anyway)
        fb.addWidget(self.format_note, 1)
        fb.addWidget(self.format_button)
        self.format_bar.setStyleSheet("QFrame { background: palette(alternate-base); border-radius: 3px; }")
        self.pretty = BigTextView()
        self.pretty.filled.connect(self.pretty_ready)
        pl.addWidget(self.format_bar)
        pl.addWidget(self.pretty, 1)
        self.stack.addWidget(pretty_page)

        raw_page = QWidget()
        rl = QVBoxLayout(raw_page)
        rl.setContentsMargins(0, 0, 0, 0)
        self.raw = BigTextView()
        self.raw.setLineWrapMode(BigTextView.LineWrapMode.WidgetWidth)  # messages like the seed's read whole
        self.raw_more = QPushButton("Show more of the body")
        self.raw_more.clicked.connect(self.on_raw_more)
        rl.addWidget(self.raw, 1)
        rl.addWidget(self.raw_more, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(raw_page)

        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(True)
        self.stack.addWidget(scroll)

        self.hex = BigTextView()
        self.stack.addWidget(self.hex)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {style.GREY}; padding: 24px;")
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        return page

    # --- showing an outcome --------------------------------------------------------------------------

    def clear(self) -> None:
        self._token += 1
        self._raw_pending = self._hex_pending = None
        self.outcome = None
        self.view = None
        self.status.setText("No answer yet")
        self.status.setStyleSheet(f"color: {style.GREY};")
        self.meta.setText("Press Send (Ctrl+Enter) to send the request.")
        self.card.setVisible(False)
        self.progress.setVisible(False)
        self.tree_model.clear()
        self.pretty.set_text("")
        self.raw.set_text("")
        self.hex.set_text("")
        self.image.clear()
        self.headers.setRowCount(0)
        self.wire.clear()
        self.info.setText("")
        self._set_available(())
        self.empty.setText("The answer will show here: status, explanation, body, headers, and the Wire tab "
                           "with the request exactly as it was sent.")

    def show_running(self, title: str) -> None:
        self.status.setText("Sending…")
        self.status.setStyleSheet(f"color: {style.BLUE};")
        self.meta.setText(title)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.tree_model.clear()  # the old answer's rows would only cost layout work meanwhile

    def show_progress(self, done: int, total: int | None) -> None:
        # Text only: QProgressBar.setValue repaints at once (synchronously), which costs a full paint
        # of the panel on every update; the busy bar animates by itself.
        if total:
            self.meta.setText(f"Downloading: {bodies.human_size(done)} of {bodies.human_size(total)} "
                              f"({100 * min(done, total) // total}%)")
        else:
            self.meta.setText(f"Downloading: {bodies.human_size(done)} so far")

    def show_cancelled(self, explanation: Explanation) -> None:
        self.progress.setVisible(False)
        self.status.setText("Cancelled")
        self.status.setStyleSheet(f"color: {style.GREY};")
        self.meta.setText("")
        self.card.show_explanation(explanation)
        self.card.setVisible(True)

    def show_outcome(self, outcome: Outcome, view: bodies.BodyView | None, explanation: Explanation) -> None:
        self._discard_previous()
        self._token += 1
        self.outcome = outcome
        self.view = view
        self.progress.setVisible(False)
        self.card.show_explanation(explanation)
        self.card.setVisible(True)
        self.wire.setHtml(wire_html(outcome))
        self.headers.setRowCount(0)
        self.tree_model.clear()
        self.image.clear()
        self.pretty.set_text("")
        self.raw.set_text("")
        self.hex.set_text("")
        self.query.clear()
        self.search.clear()
        self._raw_pending = self._hex_pending = None
        if not outcome.ok:
            self.status.setText("No answer" if not outcome.cancelled else "Cancelled")
            self.status.setStyleSheet(f"color: {style.RED if not outcome.cancelled else style.GREY};")
            took = f"after {bodies.human_time(outcome.total_seconds)}" if outcome.total_seconds else ""
            self.meta.setText(took)
            self.tabs.setTabText(1, "Headers")
            self.info.setText("")
            self._set_available(())
            self.empty.setText("No answer came back, so there is nothing to show here." if not outcome.cancelled
                               else "The request was cancelled.")
            if outcome.hops:
                self.empty.setText(self.empty.text() + " The Wire tab shows what was sent.")
            self.tabs.setCurrentIndex(0)
            return
        self.status.setText(f"{outcome.status} {outcome.reason}")
        self.status.setStyleSheet(f"color: {style.status_colour(outcome.status)};")
        size = outcome.body.size if outcome.body is not None else 0
        redirects = len(outcome.hops) - 1
        parts = [f"Time {bodies.human_time(outcome.total_seconds)}", f"Size {bodies.human_size(size)}",
                 outcome.http_version]
        if redirects > 0:
            parts.append(f"{redirects} redirect{'s' if redirects > 1 else ''}")
        self.meta.setText("   ·   ".join(p for p in parts if p))
        self.meta.setToolTip(f"Headers arrived after {bodies.human_time(outcome.headers_seconds)}; the whole body "
                             f"after {bodies.human_time(outcome.total_seconds)} (measured by Wirelab's own clock).")
        for name, value in outcome.headers:
            row = self.headers.rowCount()
            self.headers.insertRow(row)
            self.headers.setItem(row, 0, QTableWidgetItem(name))
            self.headers.setItem(row, 1, QTableWidgetItem(value))
        self.tabs.setTabText(1, f"Headers ({len(outcome.headers)})")
        self._show_body(outcome, view)

    def _show_body(self, outcome: Outcome, view: bodies.BodyView | None) -> None:
        if view is None or view.kind == "empty" or outcome.body is None:
            self.info.setText("The answer has no body." if outcome.request.method != "HEAD" else
                              "HEAD answers never have a body.")
            self._set_available(())
            self.empty.setText(self.info.text() + " The Headers tab shows what the server said.")
            return
        size_text = bodies.human_size(view.size)
        cut = " The download stopped at the size limit." if outcome.body.truncated else ""
        if view.kind == "json":
            self._set_available(("tree", "pretty", "raw"))
            if view.large:
                self.info.setText(f"{size_text} of JSON: reading it in the background, the tree fills in as you "
                                  f"open it.{cut}")
                self._load_remote(outcome.body.path)
                self.format_note.setText(f"This JSON is {size_text}. Formatting all of it takes a while, so the "
                                         "Tree view is the quick way to look inside.")
                self.format_bar.setVisible(True)
                self.show_view("tree")
            elif view.parsed:
                self.info.setText(f"{size_text} of JSON.{cut}")
                self.source = self.local
                self.doc_id, self.doc_root = self.local.docs.add(view.doc)
                self.tree_model.set_document(self.local, self.doc_id, self.doc_root)
                self.tree.expandToDepth(0) if self.tree_model.rowCount() <= 20 else None
                self.tree_ready.emit(self.tree_model.rowCount())
                if view.pretty is not None:
                    self.format_bar.setVisible(False)
                    self.pretty.set_text(view.pretty, json=True)
                else:
                    self.format_note.setText(f"This JSON is {size_text}; it is not formatted automatically.")
                    self.format_bar.setVisible(True)
                self.show_view("tree" if isinstance(view.doc, (dict, list)) and view.doc else "pretty")
            else:
                self.info.setText(f"The server said this is JSON, but it is not valid JSON ({view.json_error}). "
                                  "The Raw view shows it as it came.")
                self._set_available(("raw",))
            self._update_raw(view)
            if not view.parsed and not view.large:
                self.show_view("raw")
            return
        if view.kind == "image":
            self._set_available(("image", "hex"))
            self.info.setText(f"{size_text} image ({bodies.media_type(outcome.body.content_type) or 'unknown type'}).")
            self._decode_image(outcome)
            self._fill_hex(outcome)
            self.show_view("image")
            return
        if view.kind == "binary":
            self._set_available(("hex",))
            self.info.setText(f"{size_text} of binary data ({bodies.media_type(outcome.body.content_type) or 'no type'})"
                              f". The hex view shows the first {bodies.human_size(bodies.HEX_SHOW_BYTES)}; use Save… "
                              "for the whole file.")
            self._fill_hex(outcome)
            self.show_view("hex")
            return
        self._set_available(("raw", "hex"))
        kind = {"html": "HTML", "xml": "XML"}.get(view.kind, "text")
        self.info.setText(f"{size_text} of {kind}.{cut}")
        self._update_raw(view)
        self._fill_hex(outcome)
        self.show_view("raw")

    def _update_raw(self, view: bodies.BodyView) -> None:
        """Fill the Raw view now if it is showing, else when it is first shown (saves work for big JSON)."""
        self._raw_pending = view
        if self.current_view() == "raw":
            self._fill_raw()

    def _fill_raw(self) -> None:
        view, self._raw_pending = self._raw_pending, None
        if view is None:
            return
        text = view.text
        if len(text) > RAW_PREVIEW_BYTES:
            self.raw.set_text(text[:RAW_PREVIEW_BYTES])
            self.raw_more.setVisible(True)
            self.raw_more.setText(f"Show more (up to {bodies.human_size(bodies.TEXT_SHOW_BYTES)})")
        else:
            self.raw.set_text(text)
            self.raw_more.setVisible(view.text_truncated)
            self.raw_more.setText("The rest is not shown: use Save… to keep the whole body")
            self.raw_more.setEnabled(False)
            return
        self.raw_more.setEnabled(True)

    def on_raw_more(self) -> None:
        if self.view is not None:
            self.raw.set_text(self.view.text)
            self.raw_more.setEnabled(False)
            self.raw_more.setText("The rest is not shown: use Save… to keep the whole body"
                                  if self.view.text_truncated else "All of the body is shown")

    def _fill_hex(self, outcome: Outcome) -> None:
        self._hex_pending = outcome
        if self.current_view() == "hex":
            self._show_hex()

    def _show_hex(self) -> None:
        outcome, self._hex_pending = self._hex_pending, None
        if outcome is not None and outcome.body is not None:
            self.hex.set_text(bodies.hexdump(outcome.body.read(bodies.HEX_SHOW_BYTES)))

    def _decode_image(self, outcome: Outcome) -> None:
        token = self._token
        body = outcome.body

        def work() -> None:
            image = QImage.fromData(body.read())  # QImage (not QPixmap) is safe outside the GUI thread
            self._image_decoded.emit(image, token)

        threading.Thread(target=work, name="wirelab-rest-image", daemon=True).start()

    def on_image_decoded(self, image: QImage, token: int) -> None:
        if token != self._token:
            return
        if image.isNull():
            self.image.setText("This image could not be shown (unknown or damaged format). The Hex view shows "
                               "its bytes.")
            return
        self.image.setPixmap(QPixmap.fromImage(image))
        self.info.setText(self.info.text().rstrip(".") + f", {image.width()} × {image.height()} pixels.")

    def _set_available(self, names: tuple[str, ...]) -> None:
        for name, button in self.view_buttons.items():
            button.setVisible(name in names)
        is_json = "tree" in names
        for widget in (self.query_label, self.query, self.query_button, self.query_clear):
            widget.setVisible(is_json)
        self.search.setVisible(bool(names))
        self.save_button.setVisible(bool(names))
        if not names:
            self.stack.setCurrentWidget(self.empty)
            self.raw_more.setVisible(False)

    def current_view(self) -> str:
        index = self.stack.currentIndex()
        return VIEWS[index] if index < len(VIEWS) else "empty"

    def show_view(self, name: str) -> None:
        self.stack.setCurrentIndex(VIEWS.index(name))
        self.view_buttons[name].setChecked(True)
        if name == "raw":
            self._fill_raw()
        elif name == "hex":
            self._show_hex()
        self.search.setPlaceholderText("Search keys and values (Enter)" if name == "tree" else
                                       "Find in the text (Enter for next)")

    # --- big JSON -------------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the JSON worker process now (a big body is on its way), so parsing can begin at once."""
        if self.remote is None:
            self._remote().call("drop", (0,), lambda *_: None)

    def _remote(self) -> ProcessSource:
        if self.remote is None:
            self.remote = ProcessSource(self)
        return self.remote

    def _load_remote(self, path: str | None) -> None:
        token = self._token
        source = self._remote()

        def loaded(value: Any, error: str) -> None:
            if token != self._token:
                if not error:
                    source.call("drop", (value[0],), lambda *_: None)
                return
            if error:
                self.info.setText(error)
                self._set_available(("raw",))
                self.show_view("raw")
                return
            self.source = source
            self.doc_id, self.doc_root = value
            self.tree_model.set_document(source, self.doc_id, self.doc_root)
            self.info.setText(f"{bodies.human_size(self.view.size if self.view else 0)} of JSON, "
                              f"{self.doc_root.preview.strip('{}[]')} at the top.")
            self.tree_ready.emit(self.tree_model.rowCount())

        source.call("load_file", (path,), loaded)

    def on_format_anyway(self) -> None:
        if self.source is None or self.view is None:
            return
        if self.source is self.local and self.view.parsed:
            # Small enough to have been parsed here: format in a thread (the indenting encoder is pure
            # Python, so it shares the GIL in small steps), then fill the view in slices.
            self.format_button.setEnabled(False)
            self.format_note.setText("Formatting…")
            token = self._token
            doc = self.view.doc

            def work() -> None:
                self._pretty_done.emit(bodies.pretty_json(doc), token)

            threading.Thread(target=work, name="wirelab-rest-format", daemon=True).start()
            return
        out = os.path.join(self.body_dir, f"pretty-{self._token}.json")
        self.format_button.setEnabled(False)
        self.format_note.setText("Formatting in the background…")
        token = self._token

        def written(value: Any, error: str) -> None:
            if token != self._token:
                return
            self.format_button.setEnabled(True)
            if error:
                self.format_note.setText(error)
                return
            size, cut = value
            with open(out, "rb") as f:
                text = f.read(PRETTY_SHOW_BYTES).decode("utf-8", errors="replace")
            shown = min(size, PRETTY_SHOW_BYTES)
            self.format_note.setText(
                f"Showing the first {bodies.human_size(shown)} of the formatted JSON"
                f"{' (it is longer still)' if cut or size > shown else ''}. Save… keeps the whole body.")
            self.format_button.setVisible(False)
            self.pretty.set_text(text, json=True)

        self.source.call("pretty", (self.doc_id, out, PRETTY_MAX_BYTES), written)

    def on_pretty_done(self, text: str, token: int) -> None:
        if token != self._token:
            return
        self.format_bar.setVisible(False)
        self.format_button.setEnabled(True)
        self.pretty.set_text(text[:PRETTY_SHOW_BYTES], json=True)

    def on_tree_failed(self, message: str) -> None:
        self.message.emit(message)

    def on_tree_menu(self, pos: Any) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid() or self.source is None:
            return
        path = self.tree_model.path_of(index)
        menu = QMenu(self)
        copy_value = menu.addAction("Copy value")
        from core.rest.jsondoc import path_text

        copy_path = menu.addAction(f"Copy path  {path_text(path)}")
        chosen = menu.exec(self.tree.viewport().mapToGlobal(pos))
        if chosen is copy_path:
            QGuiApplication.clipboard().setText(path_text(path))
        elif chosen is copy_value:
            self.source.call("text", (self.tree_model.doc_id, path),
                             lambda value, error: QGuiApplication.clipboard().setText(value) if not error else None)

    # --- search, filter, save ----------------------------------------------------------------------------

    def on_search(self) -> None:
        text = self.search.text()
        if not text:
            return
        view = self.current_view()
        if view == "tree":
            self._run_filter("search", text, f'containing "{text}"')
            return
        widget = {"pretty": self.pretty, "raw": self.raw, "hex": self.hex}.get(view)
        if widget is not None and not widget.find_text(text):
            self.message.emit(f'"{text}" is not in the text shown.')

    def on_query(self) -> None:
        expression = self.query.text().strip()
        if not expression:
            self.on_clear_filter()
            return
        self._run_filter("query", expression, f"for {expression}")

    def _run_filter(self, op: str, text: str, what: str) -> None:
        if self.source is None:
            return
        token = self._token

        def done(value: Any, error: str) -> None:
            if token != self._token:
                return
            if error:
                self.info.setText(error)
                self.filtered.emit(error)
                return
            doc_id, root, total = value
            self.tree_model.set_document(self.source, doc_id, root)
            self.show_view("tree")
            shown = f" (showing the first {root.count})" if total > root.count else ""
            line = f"{total} match{'es' if total != 1 else ''} {what}{shown}. Show all brings the whole body back."
            if total == 0:
                line = f"No matches {what}."
            self.info.setText(line)
            self.filtered.emit(line)

        self.source.call(op, (self.doc_id, text), done)

    def on_clear_filter(self) -> None:
        self.query.clear()
        if self.source is not None and self.doc_root is not None:
            self.tree_model.set_document(self.source, self.doc_id, self.doc_root)
            self.info.setText("")

    def on_save(self) -> None:
        if self.outcome is None or self.outcome.body is None:
            return
        suggested = _file_name(self.outcome)
        path, _ = QFileDialog.getSaveFileName(self, "Save the body", suggested)
        if path:
            self.save_body(path)

    def save_body(self, path: str) -> None:
        """Write the whole body to ``path`` in a thread; a status message says when it is done."""
        body = self.outcome.body if self.outcome else None
        if body is None:
            return

        def work() -> None:
            try:
                if body.path is not None:
                    shutil.copyfile(body.path, path)
                else:
                    with open(path, "wb") as f:
                        f.write(body.data or b"")
            except OSError as exc:
                self.message.emit(f"The body could not be saved to {path}: {exc.strerror or exc}")
                return
            self.message.emit(f"Saved the body ({bodies.human_size(body.size)}) to {path}")

        threading.Thread(target=work, name="wirelab-rest-save", daemon=True).start()

    # --- housekeeping -------------------------------------------------------------------------------------

    def _discard_previous(self) -> None:
        """Forget the last body: its file, its parsed documents."""
        if self.source is self.local:
            self.local.close()
        elif self.source is not None and self.doc_id:
            self.source.call("drop", (self.doc_id,), lambda *_: None)
        self.source = None
        self.doc_id = 0
        self.doc_root = None
        old = self.outcome.body.path if self.outcome is not None and self.outcome.body is not None else None
        if old:
            try:
                os.unlink(old)
            except OSError:
                pass

    def close_sources(self) -> None:
        self._token += 1
        if self.remote is not None:
            self.remote.close()
            self.remote = None


def _file_name(outcome: Outcome) -> str:
    media = bodies.media_type(outcome.body.content_type if outcome.body else "")
    ext = {"application/json": ".json", "text/html": ".html", "text/plain": ".txt", "application/xml": ".xml",
           "text/xml": ".xml", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
           "text/csv": ".csv"}.get(media, ".bin")
    name = (outcome.url.rstrip("/").rsplit("/", 1)[-1] or "body").split("?")[0] or "body"
    return name if name.endswith(ext) else name + ext

