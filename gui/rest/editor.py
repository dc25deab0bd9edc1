"""The request side of the window: method, address, and the Params/Headers/Auth/Body/Options tabs.

Widgets only: the editor turns what the person typed into a :class:`core.rest.model.Request`
(``request()``) and shows one (``set_request``). The query table and the address stay in step both
ways through ``Request.with_url`` and ``join_url``.
"""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.rest.model import AUTH_KINDS, AUTH_TITLES, BODY_MODE_TITLES, BODY_MODES, METHODS, Auth, Body, Options, \
    Request, join_url, split_url
from core.rest.runner import json_problem
from gui.common import style
from gui.rest.tables import PairTable, PartTable
from gui.rest.textview import JsonHighlighter, mark_line

METHOD_COLOURS = {"GET": style.GREEN, "POST": style.BLUE, "PUT": style.ORANGE, "PATCH": "#9b59b6",
                  "DELETE": style.RED, "HEAD": style.GREY, "OPTIONS": style.GREY}
RAW_TYPES = ("text/plain; charset=utf-8", "application/json", "application/xml", "text/html", "text/csv",
             "application/x-www-form-urlencoded")


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setStyleSheet(f"color: {style.GREY};")
    return label


def _path_row(edit: QLineEdit, title: str, parent: QWidget, folder: bool = False) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton("Choose…")

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, title)
        if path:
            edit.setText(path)

    button.clicked.connect(choose)
    layout.addWidget(button)
    return row


class RequestEditor(QWidget):
    """Everything about the request being built."""

    #: The request changed (any field); read ``request()``.
    changed = Signal()
    #: The Send button was pressed (or Enter in the address field).
    send_requested = Signal()
    #: The Cancel button was pressed while a request runs.
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._name = ""

        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(METHODS)
        self.method.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.method.setMinimumWidth(104)
        self.method.setToolTip("The HTTP method: what to do with the address (type your own for a custom one)")
        self.method.currentTextChanged.connect(self.on_method_changed)
        self.url = QLineEdit()
        self.url.setPlaceholderText("{{base_url}}/todos  or  http://127.0.0.1:5001/todos")
        self.url.setClearButtonEnabled(True)
        self.url.textEdited.connect(self.on_url_edited)
        self.url.returnPressed.connect(self.send_requested)
        self.url.setFont(style.mono_font())
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.send_button.setMinimumWidth(92)
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.send_button.clicked.connect(self.on_send_clicked)
        self._running = False
        self._style_send()

        self.preview = QLabel()
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setWordWrap(True)
        self.preview.setFont(style.mono_font())

        self.params = PairTable("Name", "Value")
        self.params.edited.connect(self.on_params_edited)
        self.headers = PairTable("Header", "Value")
        self.headers.edited.connect(self.on_changed)

        self.tabs = QTabWidget()
        params_page = QWidget()
        pl = QVBoxLayout(params_page)
        pl.addWidget(self.params)
        pl.addWidget(_hint("The query string (after ? in the address). Edit here or in the address: both stay "
                           "the same. Untick a row to keep it without sending it."))
        self.tabs.addTab(params_page, "Params")
        headers_page = QWidget()
        hl = QVBoxLayout(headers_page)
        hl.addWidget(self.headers)
        hl.addWidget(_hint("requests adds Host, User-Agent, Accept and a few more by itself; the Wire tab of the "
                           "answer shows every header that was really sent, and who added it."))
        self.tabs.addTab(headers_page, "Headers")
        self.tabs.addTab(self._auth_page(), "Auth")
        self.tabs.addTab(self._body_page(), "Body")
        self.tabs.addTab(self._options_page(), "Options")

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.method)
        top.addWidget(self.url, 1)
        top.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.preview)
        layout.addWidget(self.tabs, 1)

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(200)
        self._validate_timer.timeout.connect(self.on_validate_json)
        self.on_method_changed(self.method.currentText())

    # --- pages ------------------------------------------------------------------------------------------

    def _auth_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.auth_kind = QComboBox()
        for kind in AUTH_KINDS:
            self.auth_kind.addItem(AUTH_TITLES[kind], kind)
        self.auth_stack = QStackedWidget()
        self.auth_stack.addWidget(_hint("No Authorization header is sent."))
        basic = QWidget()
        bf = QFormLayout(basic)
        self.basic_user = QLineEdit()
        self.basic_password = QLineEdit()
        self.basic_password.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        bf.addRow("User", self.basic_user)
        bf.addRow("Password", self.basic_password)
        bf.addRow(_hint("Sent as Authorization: Basic … (user:password in base64, which anyone can decode: "
                        "use it over HTTPS outside the lab)."))
        self.auth_stack.addWidget(basic)
        bearer = QWidget()
        tf = QFormLayout(bearer)
        self.bearer_token = QLineEdit()
        self.bearer_token.setPlaceholderText("the token, or {{token}}")
        tf.addRow("Token", self.bearer_token)
        tf.addRow(_hint("Sent as Authorization: Bearer <token>."))
        self.auth_stack.addWidget(bearer)
        apikey = QWidget()
        af = QFormLayout(apikey)
        self.key_name = QLineEdit()
        self.key_name.setPlaceholderText("X-API-Key")
        self.key_value = QLineEdit()
        self.key_in = QComboBox()
        self.key_in.addItem("in a header", "header")
        self.key_in.addItem("in the query string", "query")
        af.addRow("Name", self.key_name)
        af.addRow("Value", self.key_value)
        af.addRow("Send it", self.key_in)
        self.auth_stack.addWidget(apikey)
        form = QFormLayout()
        form.addRow("Type", self.auth_kind)
        layout.addLayout(form)
        layout.addWidget(self.auth_stack)
        layout.addStretch(1)
        self.auth_kind.currentIndexChanged.connect(self.auth_stack.setCurrentIndex)
        self.auth_kind.currentIndexChanged.connect(self.on_changed)
        for edit in (self.basic_user, self.basic_password, self.bearer_token, self.key_name, self.key_value):
            edit.textChanged.connect(self.on_changed)
        self.key_in.currentIndexChanged.connect(self.on_changed)
        return page

    def _body_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        modes = QHBoxLayout()
        self.body_modes = QButtonGroup(self)
        for i, mode in enumerate(BODY_MODES):
            button = QRadioButton({"form": "Form", "multipart": "Multipart", "binary": "File"}.get(
                mode, BODY_MODE_TITLES[mode]))
            button.setToolTip(BODY_MODE_TITLES[mode])
            self.body_modes.addButton(button, i)
            modes.addWidget(button)
        modes.addStretch(1)
        self.body_modes.button(0).setChecked(True)
        self.body_stack = QStackedWidget()
        self.body_stack.addWidget(_hint("This request has no body. GET, HEAD and DELETE usually have none; "
                                        "POST, PUT and PATCH usually send JSON."))
        # JSON
        json_page = QWidget()
        jl = QVBoxLayout(json_page)
        jl.setContentsMargins(0, 0, 0, 0)
        self.json_edit = QPlainTextEdit()
        self.json_edit.setFont(style.mono_font())
        self.json_edit.setPlaceholderText('{"title": "Buy milk", "completed": false}')
        self.json_edit.setTabStopDistance(24)
        self._json_highlighter = JsonHighlighter(self.json_edit.document())
        self.json_edit.textChanged.connect(lambda: self._validate_timer.start())
        self.json_edit.textChanged.connect(self.on_changed)
        self.json_status = QLabel()
        self.json_status.setWordWrap(True)
        format_button = QPushButton("Format")
        format_button.setToolTip("Indent the JSON neatly")
        format_button.clicked.connect(self.on_format_json)
        row = QHBoxLayout()
        row.addWidget(self.json_status, 1)
        row.addWidget(format_button)
        jl.addWidget(self.json_edit, 1)
        jl.addLayout(row)
        jl.addWidget(_hint("Sent with Content-Type: application/json (like requests.post(url, json=…))."))
        self.body_stack.addWidget(json_page)
        # form
        self.form_table = PairTable("Field", "Value")
        self.form_table.edited.connect(self.on_changed)
        form_page = QWidget()
        fl = QVBoxLayout(form_page)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.form_table)
        fl.addWidget(_hint("Sent as name=value&… with Content-Type: application/x-www-form-urlencoded, like an "
                           "HTML form."))
        self.body_stack.addWidget(form_page)
        # multipart
        self.part_table = PartTable()
        self.part_table.edited.connect(self.on_changed)
        self.body_stack.addWidget(self.part_table)
        # raw
        raw_page = QWidget()
        rl = QVBoxLayout(raw_page)
        rl.setContentsMargins(0, 0, 0, 0)
        self.raw_type = QComboBox()
        self.raw_type.setEditable(True)
        self.raw_type.addItems(RAW_TYPES)
        self.raw_type.currentTextChanged.connect(self.on_changed)
        self.raw_edit = QPlainTextEdit()
        self.raw_edit.setFont(style.mono_font())
        self.raw_edit.textChanged.connect(self.on_changed)
        tf = QFormLayout()
        tf.addRow("Content-Type", self.raw_type)
        rl.addLayout(tf)
        rl.addWidget(self.raw_edit, 1)
        self.body_stack.addWidget(raw_page)
        # binary
        bin_page = QWidget()
        bl = QFormLayout(bin_page)
        self.binary_path = QLineEdit()
        self.binary_path.textChanged.connect(self.on_changed)
        self.binary_type = QLineEdit()
        self.binary_type.setPlaceholderText("guessed from the file name")
        self.binary_type.textChanged.connect(self.on_changed)
        bl.addRow("File", _path_row(self.binary_path, "Choose the file to send", self))
        bl.addRow("Content-Type", self.binary_type)
        bl.addRow(_hint("The file's bytes are the whole body, sent as they are."))
        self.body_stack.addWidget(bin_page)

        self.body_modes.idClicked.connect(self.body_stack.setCurrentIndex)
        self.body_modes.idClicked.connect(self.on_changed)
        layout.addLayout(modes)
        layout.addWidget(self.body_stack, 1)
        return page

    def _options_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(0.1, 3600)
        self.timeout.setDecimals(1)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(Options().timeout)
        self.timeout.setToolTip("How long to wait for the connection, and for each piece of the answer")
        self.follow = QCheckBox("Follow redirects (3xx answers)")
        self.follow.setChecked(True)
        self.verify = QCheckBox("Verify TLS certificates (https)")
        self.verify.setChecked(True)
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setPlaceholderText("the usual certificate authorities")
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText("none: connect directly (e.g. http://127.0.0.1:8080)")
        form.addRow("Timeout", self.timeout)
        form.addRow("", self.follow)
        form.addRow("", self.verify)
        form.addRow("Custom CA file", _path_row(self.ca_bundle, "Choose a CA certificate file (PEM)", self))
        form.addRow("Proxy", self.proxy)
        self.cookie_label = QLabel("No cookies stored for this environment.")
        self.clear_cookies = QPushButton("Clear cookies")
        cookies = QHBoxLayout()
        cookies.addWidget(self.cookie_label, 1)
        cookies.addWidget(self.clear_cookies)
        form.addRow("Cookies", cookies)
        form.addRow(_hint("Each environment keeps its own cookie jar: cookies a server sets are sent back to it "
                          "on the next requests, like a browser does."))
        self.timeout.valueChanged.connect(self.on_changed)
        for box in (self.follow, self.verify):
            box.toggled.connect(self.on_changed)
        self.ca_bundle.textChanged.connect(self.on_changed)
        self.proxy.textChanged.connect(self.on_changed)
        return page

    # --- the request -------------------------------------------------------------------------------------

    def request(self) -> Request:
        base, _ = split_url(self.url.text().strip())
        kind = self.auth_kind.currentData()
        auth = Auth(kind, self.basic_user.text(), self.basic_password.text(), self.bearer_token.text(),
                    self.key_name.text(), self.key_value.text(), self.key_in.currentData())
        if kind == "none":
            auth = Auth()
        mode = BODY_MODES[max(0, self.body_modes.checkedId())]
        body = Body(mode)
        if mode == "json":
            body = Body("json", text=self.json_edit.toPlainText())
        elif mode == "form":
            body = Body("form", form=self.form_table.pairs())
        elif mode == "multipart":
            body = Body("multipart", parts=self.part_table.parts())
        elif mode == "raw":
            body = Body("raw", text=self.raw_edit.toPlainText(), content_type=self.raw_type.currentText().strip())
        elif mode == "binary":
            body = Body("binary", file=self.binary_path.text().strip(), content_type=self.binary_type.text().strip())
        options = Options(self.timeout.value(), self.follow.isChecked(), self.verify.isChecked(),
                          self.ca_bundle.text().strip(), self.proxy.text().strip())
        method = self.method.currentText().strip() or "GET"
        return Request(method.upper() if method.upper() in METHODS else method, base, self.params.pairs(),
                       self.headers.pairs(), auth, body, options, self._name)

    def set_request(self, request: Request) -> None:
        request = request.with_url(request.full_url())  # a query typed into `url` goes to the table too
        self._loading = True
        try:
            self._name = request.name
            self.method.setCurrentText(request.method)
            self.url.setText(request.full_url())
            self.params.set_pairs(request.params)
            self.headers.set_pairs(request.headers)
            auth = request.auth
            self.auth_kind.setCurrentIndex(max(0, AUTH_KINDS.index(auth.kind) if auth.kind in AUTH_KINDS else 0))
            self.basic_user.setText(auth.username)
            self.basic_password.setText(auth.password)
            self.bearer_token.setText(auth.token)
            self.key_name.setText(auth.key_name)
            self.key_value.setText(auth.key_value)
            self.key_in.setCurrentIndex(1 if auth.key_in == "query" else 0)
            body = request.body
            index = BODY_MODES.index(body.mode) if body.mode in BODY_MODES else 0
            self.body_modes.button(index).setChecked(True)
            self.body_stack.setCurrentIndex(index)
            self.json_edit.setPlainText(body.text if body.mode == "json" else "")
            self.raw_edit.setPlainText(body.text if body.mode == "raw" else "")
            self.raw_type.setCurrentText(body.content_type if body.mode == "raw" and body.content_type else RAW_TYPES[0])
            self.form_table.set_pairs(body.form)
            self.part_table.set_parts(body.parts)
            self.binary_path.setText(body.file)
            self.binary_type.setText(body.content_type if body.mode == "binary" else "")
            options = request.options
            self.timeout.setValue(options.timeout)
            self.follow.setChecked(options.follow_redirects)
            self.verify.setChecked(options.verify_tls)
            self.ca_bundle.setText(options.ca_bundle)
            self.proxy.setText(options.proxy)
        finally:
            self._loading = False
        self.on_validate_json()
        self._update_tab_titles()
        if request.body.mode != "none" and self.tabs.currentIndex() == 0 and not request.params:
            self.tabs.setCurrentIndex(3)  # the body is what this request is about
        self.changed.emit()

    @property
    def name(self) -> str:
        return self._name

    def set_name(self, name: str) -> None:
        self._name = name

    # --- slots ------------------------------------------------------------------------------------------------

    def on_changed(self, *_: object) -> None:
        if not self._loading:
            self._update_tab_titles()
            self.changed.emit()

    def on_method_changed(self, text: str) -> None:
        colour = METHOD_COLOURS.get(text.strip().upper(), style.GREY)
        self.method.setStyleSheet(f"QComboBox {{ color: {colour}; font-weight: 600; }}")
        self.on_changed()

    def on_url_edited(self, text: str) -> None:
        """The address was typed into: its query becomes the Params table (disabled rows stay)."""
        base, params = split_url(text.strip())
        disabled = tuple(p for p in self.params.pairs() if not p.enabled)
        self.params.set_pairs(tuple(params) + disabled)
        self.on_changed()

    def on_params_edited(self) -> None:
        """The Params table was edited: rewrite the address's query from it."""
        base, _ = split_url(self.url.text().strip())
        position = self.url.cursorPosition()
        self.url.setText(join_url(base, self.params.pairs()))
        self.url.setCursorPosition(min(position, len(self.url.text())))
        self.on_changed()

    def on_validate_json(self) -> None:
        text = self.json_edit.toPlainText()
        if not text.strip():
            self.json_status.setText("Empty: no body will be sent." if self.current_body_mode() == "json" else "")
            self.json_status.setStyleSheet(f"color: {style.GREY};")
            mark_line(self.json_edit, None)
            return
        problem = json_problem(text)
        if problem is None:
            self.json_status.setText("✓ Valid JSON")
            self.json_status.setStyleSheet(f"color: {style.GREEN};")
            mark_line(self.json_edit, None)
            return
        line = int(problem.split(",", 1)[0].split()[1])
        self.json_status.setText(f"✗ Not valid JSON yet, at {problem}")
        self.json_status.setStyleSheet(f"color: {style.ORANGE};")
        mark_line(self.json_edit, line)

    def on_format_json(self) -> None:
        text = self.json_edit.toPlainText()
        try:
            value = json.loads(text)
        except ValueError:
            self.on_validate_json()
            return
        self.json_edit.setPlainText(json.dumps(value, indent=2, ensure_ascii=False))

    def on_send_clicked(self) -> None:
        if self._running:
            self.cancel_requested.emit()
        else:
            self.send_requested.emit()

    # --- state shown ------------------------------------------------------------------------------------------

    def current_body_mode(self) -> str:
        return BODY_MODES[max(0, self.body_modes.checkedId())]

    def set_running(self, running: bool) -> None:
        self._running = running
        self.send_button.setText("Cancel" if running else "Send")
        self.send_button.setToolTip("Stop waiting for the answer (Esc)" if running else "Send the request (Ctrl+Enter)")
        self._style_send()

    def _style_send(self) -> None:
        colour = style.RED if self._running else style.BLUE
        self.send_button.setStyleSheet(
            f"QPushButton {{ background: {colour}; color: white; font-weight: 600; padding: 5px 14px;"
            f" border-radius: 4px; border: none; }} QPushButton:pressed {{ background: {style.GREY}; }}")

    def set_preview(self, text: str, ok: bool) -> None:
        colour = self.palette().color(QPalette.ColorRole.PlaceholderText).name() if ok else style.ORANGE
        self.preview.setStyleSheet(f"color: {colour};")
        self.preview.setText(text)

    def set_cookie_count(self, count: int) -> None:
        self.cookie_label.setText("No cookies stored for this environment." if not count else
                                  f"{count} cookie{'s' if count != 1 else ''} stored for this environment.")
        self.clear_cookies.setEnabled(bool(count))

    def _update_tab_titles(self) -> None:
        n = self.params.enabled_count()
        self.tabs.setTabText(0, f"Params ({n})" if n else "Params")
        n = self.headers.enabled_count()
        self.tabs.setTabText(1, f"Headers ({n})" if n else "Headers")
        kind = self.auth_kind.currentData()
        self.tabs.setTabText(2, "Auth" if kind == "none" else f"Auth · {AUTH_TITLES[kind].split(' (')[0]}")
        mode = self.current_body_mode()
        self.tabs.setTabText(3, "Body" if mode == "none" else f"Body · {BODY_MODE_TITLES[mode].split(' (')[0]}")

    def with_name(self, name: str) -> Request:
        self._name = name
        return replace(self.request(), name=name)

