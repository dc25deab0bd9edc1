"""The REST request builder window: build a request, send it, understand the answer.

``RestWindow(context)`` works on its own (``context=None``: defaults, the API on port 5001) or inside the
app, where the "local lab" environment follows the port the app's own API worker really listens on.
Several windows may be open at once; each has its own runner, cookie jars and temporary files.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from requests.cookies import RequestsCookieJar

from core import config
from core.rest import codegen, curl, explain, files, openapi
from core.rest.body import SMALL_JSON_BYTES, BodyView
from core.rest.model import LOCAL_LAB, Environment, Request, RequestProblem, first_request, local_lab, resolve
from core.rest.runner import Outcome, Run
from gui.common.icons import app_icon
from gui.common.keys import send_and_cancel_keys, shortcut
from gui.rest.dialogs import CodeDialog, CurlImportDialog, EnvironmentsDialog
from gui.rest.editor import RequestEditor
from gui.rest.response import ResponseView
from gui.rest.runner import RequestRunner
from gui.rest.sidebar import CollectionPanel, HistoryPanel

TITLE = "Wirelab — REST requests"
NO_ENVIRONMENT = "No environment"


class _Tasks(QObject):
    """Runs small jobs (file reading, OpenAPI download) in threads; the callback runs on the GUI thread."""

    _done = Signal(object, object, object)  # callback, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done.connect(self.on_done, Qt.ConnectionType.QueuedConnection)
        self.threads: list[threading.Thread] = []

    def run(self, work: Callable[[], Any], callback: Callable[[Any, BaseException | None], None]) -> None:
        def target() -> None:
            try:
                result = work()
            except Exception as exc:  # noqa: BLE001 - the callback decides what to say
                self._done.emit(callback, None, exc)
                return
            self._done.emit(callback, result, None)

        thread = threading.Thread(target=target, name="wirelab-rest-task", daemon=True)
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        thread.start()

    def on_done(self, callback: Any, result: Any, error: Any) -> None:
        callback(result, error)


def _window_state_path() -> Path:
    return files.rest_dir() / "window.json"


class RestWindow(QMainWindow):
    """Send any HTTP request, see the status and body, and learn what happened."""

    #: A request finished and its answer is shown (carries the Outcome).
    outcome_shown = Signal(object)
    #: The collection list was (re)loaded (carries the number of items).
    collection_loaded = Signal(int)
    #: The history list was loaded from disk.
    history_loaded = Signal()

    def __init__(self, context: Any = None) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(TITLE)
        self.setWindowIcon(app_icon())
        self.resize(1440, 860)
        self._temp = tempfile.TemporaryDirectory(prefix="wirelab-rest-")
        self.tasks = _Tasks(self)
        self.history = files.History()
        self.runner = RequestRunner(self.history, self._temp.name, self)
        self.runner.finished.connect(self.on_finished)
        self.runner.progress.connect(self.on_progress)
        self.cookies: dict[str, RequestsCookieJar] = {}
        self.saved_path: Path | None = None  # the collection file the editor's request came from
        self._closed = False
        state = self._load_state()
        self.collection = files.Collection(state.get("collection") or files.default_collection_dir())

        self.editor = RequestEditor()
        self.editor.changed.connect(self.on_request_changed)
        self.editor.send_requested.connect(self.send)
        self.editor.cancel_requested.connect(self.cancel)
        self.editor.clear_cookies.clicked.connect(self.on_clear_cookies)
        self.response = ResponseView(self._temp.name)
        self.response.message.connect(self.show_message)
        self.history_panel = HistoryPanel()
        self.history_panel.restore.connect(self.open_request)
        self.history_panel.clear_requested.connect(self.on_clear_history)
        self.collection_panel = CollectionPanel()
        self.collection_panel.open_request.connect(self.on_open_saved)
        self.collection_panel.save_requested.connect(self.save_to_collection)
        self.collection_panel.choose_folder.connect(self.on_choose_folder)
        self.collection_panel.delete_requested.connect(self.on_delete_saved)

        self.side = QTabWidget()
        self.side.addTab(self.history_panel, "History")
        self.side.addTab(self.collection_panel, "Collection")
        self.side.setMinimumWidth(220)
        request_side = QWidget()
        rl = QVBoxLayout(request_side)
        rl.setContentsMargins(8, 8, 8, 8)
        rl.addWidget(self.editor)
        response_side = QWidget()
        sl = QVBoxLayout(response_side)
        sl.setContentsMargins(8, 8, 8, 8)
        sl.addWidget(self.response)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.side)
        self.splitter.addWidget(request_side)
        self.splitter.addWidget(response_side)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 5)
        self.splitter.setSizes([270, 520, 650])
        self.setCentralWidget(self.splitter)

        self.environment_box = QComboBox()
        self.environment_box.setMinimumWidth(170)
        self.environment_box.setToolTip("Where {{variables}} such as {{base_url}} get their values")
        self.environment_box.currentIndexChanged.connect(self.on_environment_changed)
        self.environments: list[Environment] = []
        self._build_actions()
        self.reload_environments()
        if context is not None and getattr(context, "bridge", None) is not None:
            context.bridge.worker_changed.connect(self.on_worker_changed)

        self.editor.set_request(first_request())
        self.statusBar().showMessage("Ready: press Send (Ctrl+Enter) to ask the local API for its todos.")
        self.reload_history()
        self.reload_collection()

    # --- building the window ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        toolbar = QToolBar("Request")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        toolbar.addWidget(QLabel(" Environment "))
        toolbar.addWidget(self.environment_box)
        self.edit_env_action = toolbar.addAction("Edit…", self.edit_environments)
        self.edit_env_action.setToolTip("Add environments or change their variables")
        toolbar.addSeparator()
        self.new_action = toolbar.addAction("New", self.new_request)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.import_curl_action = toolbar.addAction("Import curl…", self.import_curl)
        self.import_curl_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        openapi_button = QToolButton()
        openapi_button.setText("Import OpenAPI")
        openapi_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(openapi_button)
        self.import_local_api_action = menu.addAction("From the local API (/openapi.json)", self.import_openapi_local)
        menu.addAction("From a file…", self.import_openapi_file)
        openapi_button.setMenu(menu)
        toolbar.addWidget(openapi_button)
        toolbar.addSeparator()
        self.copy_curl_action = toolbar.addAction("Copy as curl", self.copy_as_curl)
        self.copy_python_action = toolbar.addAction("Copy as Python", self.copy_as_python)
        toolbar.addAction("Show code…", self.show_code)
        self.save_action = QAction("Save to collection", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save_to_collection)
        self.addAction(self.save_action)

        send_and_cancel_keys(self, self.send, self.cancel)
        shortcut(self, "Ctrl+L", self.focus_url)

    # --- environments -----------------------------------------------------------------------------------------

    def api_port(self) -> int:
        if self.context is not None:
            address = self.context.address("api")
            if address is not None:
                return address[1]
            settings = getattr(self.context, "settings", None)
            if settings is not None and getattr(settings, "api_port", 0):
                return settings.api_port
        return config.DEFAULT_API_PORT

    def local_environment(self, saved: Environment | None = None) -> Environment:
        preset = local_lab(self.api_port())
        extra = tuple(p for p in (saved.variables if saved else ()) if p.name != "base_url")
        return Environment(LOCAL_LAB, preset.variables + extra)

    def reload_environments(self, saved: list[Environment] | None = None) -> None:
        saved = files.load_environments() if saved is None else saved
        local_saved = next((e for e in saved if e.name == LOCAL_LAB), None)
        current = self.environment_box.currentText() or LOCAL_LAB
        self.environments = [self.local_environment(local_saved)] + [e for e in saved if e.name != LOCAL_LAB]
        self.environment_box.blockSignals(True)
        self.environment_box.clear()
        for env in self.environments:
            self.environment_box.addItem(env.name)
        self.environment_box.addItem(NO_ENVIRONMENT)
        index = self.environment_box.findText(current)
        self.environment_box.setCurrentIndex(max(0, index))
        self.environment_box.blockSignals(False)
        self.on_environment_changed()

    def environment(self) -> Environment | None:
        index = self.environment_box.currentIndex()
        if 0 <= index < len(self.environments):
            env = self.environments[index]
            return self.local_environment(env) if env.name == LOCAL_LAB else env
        return None

    def set_environment(self, name: str) -> None:
        index = self.environment_box.findText(name)
        if index >= 0:
            self.environment_box.setCurrentIndex(index)

    def cookie_jar(self) -> RequestsCookieJar:
        env = self.environment()
        return self.cookies.setdefault(env.name if env else "", RequestsCookieJar())

    def on_environment_changed(self, *_: object) -> None:
        self.editor.set_cookie_count(len(self.cookie_jar()))
        self.on_request_changed()

    def on_worker_changed(self, name: str) -> None:
        if name == "api":
            self.on_request_changed()

    def on_clear_cookies(self) -> None:
        self.cookie_jar().clear()
        self.editor.set_cookie_count(0)

    def edit_environments(self) -> None:
        dialog = EnvironmentsDialog(self.environments, f"http://127.0.0.1:{self.api_port()}", self)
        if dialog.exec():
            saved = [replace(e, variables=tuple(p for p in e.variables if p.name != "base_url"))
                     if e.name == LOCAL_LAB else e for e in dialog.environments]
            try:
                files.save_environments(saved)
            except OSError as exc:
                self.show_message(f"The environments could not be saved: {exc.strerror or exc}")
            self.reload_environments(saved)

    # --- the request ---------------------------------------------------------------------------------------

    def request(self) -> Request:
        return self.editor.request()

    def open_request(self, request: Request) -> None:
        self.saved_path = None
        self.editor.set_request(request)

    def new_request(self) -> None:
        self.saved_path = None
        self.editor.set_request(Request("GET", "{{base_url}}/"))
        self.focus_url()

    def focus_url(self) -> None:
        self.editor.url.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.url.selectAll()

    def on_request_changed(self) -> None:
        request = self.editor.request()
        try:
            resolved = resolve(request, self.environment())
        except RequestProblem as exc:
            self.editor.set_preview(str(exc), ok=False)
            return
        url = resolved.full_url()
        if request.full_url() != url:
            self.editor.set_preview(f"→ {resolved.method} {url}", ok=True)
        else:
            self.editor.set_preview("", ok=True)

    def send(self) -> None:
        request = self.editor.request()
        self.editor.set_running(True)
        self.response.show_running(f"{request.method} {request.full_url()}")
        self.runner.send(request, self.environment(), self.cookie_jar())

    def cancel(self) -> None:
        if self.runner.cancel():
            self.editor.set_running(False)
            self.response.show_cancelled(explain.cancelled())
            self.show_message("Cancelled.")

    def on_progress(self, done: int, total: int | None) -> None:
        self.response.show_progress(done, total)
        if done > SMALL_JSON_BYTES:
            self.response.warm_up()

    def on_finished(self, outcome: Outcome, view: BodyView | None) -> None:
        self.editor.set_running(False)
        self.response.show_outcome(outcome, view, self.explanation(outcome, view))
        self.editor.set_cookie_count(len(self.cookie_jar()))
        self.history_panel.model.add(files.entry_for(outcome))
        if outcome.ok:
            self.show_message(f"{outcome.status} {outcome.reason} from {outcome.url}")
        elif outcome.problem is not None:
            self.show_message(outcome.problem.title)
        self.outcome_shown.emit(outcome)

    def explanation(self, outcome: Outcome, view: BodyView | None) -> explain.Explanation:
        if outcome.problem is not None:
            return outcome.problem
        text = view.text[:2000] if view is not None and view.kind not in ("image", "binary") else ""
        sent = outcome.sent_request or outcome.request
        return explain.explain_status(outcome.status, outcome.reason, sent.method, outcome.url, outcome.headers,
                                      sent, text, sent.options.follow_redirects)

    # --- code --------------------------------------------------------------------------------------------

    def _code_request(self) -> tuple[Request, str]:
        request = self.editor.request()
        try:
            return resolve(request, self.environment()), ""
        except RequestProblem as exc:
            return request, f"Some variables have no value, so they are left as {{{{name}}}}: {exc}"

    def copy_as_curl(self) -> str:
        request, note = self._code_request()
        text = curl.to_curl(request)
        QGuiApplication.clipboard().setText(text)
        self.show_message(note or "Copied the request as a curl command.")
        return text

    def copy_as_python(self) -> str:
        request, note = self._code_request()
        text = codegen.to_python(request)
        QGuiApplication.clipboard().setText(text)
        self.show_message(note or "Copied the request as Python code (requests).")
        return text

    def show_code(self) -> None:
        request, note = self._code_request()
        CodeDialog(curl.to_curl(request, multiline=True), codegen.to_python(request), note, self).exec()

    def import_curl(self, text: str = "") -> None:
        dialog = CurlImportDialog(self)
        if text:
            dialog.set_text(text)
        elif QGuiApplication.clipboard().text().lstrip().startswith("curl"):
            dialog.set_text(QGuiApplication.clipboard().text())
        if dialog.exec() and dialog.parsed is not None:
            self.apply_curl(dialog.parsed)

    def apply_curl(self, parsed: curl.ParsedCurl) -> None:
        self.open_request(parsed.request)
        note = " ".join(parsed.warnings)
        self.show_message("Imported the curl command." + (f" {note}" if note else ""))

    # --- history and collections ---------------------------------------------------------------------------

    def reload_history(self) -> None:
        def done(entries: Any, error: BaseException | None) -> None:
            if self._closed:
                return
            self.history_panel.model.set_entries(entries or [])
            self.history_loaded.emit()

        self.tasks.run(self.history.entries, done)

    def on_clear_history(self) -> None:
        self.tasks.run(self.history.clear, lambda *_: None)
        self.history_panel.model.set_entries([])

    def reload_collection(self) -> None:
        collection = self.collection

        def done(items: Any, error: BaseException | None) -> None:
            if self._closed or collection is not self.collection:
                return
            self.collection_panel.set_items(collection.folder, items or [])
            self.collection_loaded.emit(len(items or []))

        self.tasks.run(collection.items, done)

    def set_collection_folder(self, folder: Path | str) -> None:
        self.collection = files.Collection(folder)
        self._save_state({"collection": str(self.collection.folder)})
        self.reload_collection()

    def on_choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the collection folder", str(self.collection.folder))
        if folder:
            self.set_collection_folder(folder)
            self.side.setCurrentWidget(self.collection_panel)

    def on_open_saved(self, request: Request, path: Path) -> None:
        self.editor.set_request(request)
        self.saved_path = path

    def save_to_collection(self, name: str | None = None) -> None:
        request = self.editor.request()
        if name is None:
            suggested = request.name or request.title().replace("{{base_url}}", "").strip()
            name, ok = QInputDialog.getText(self, "Save to collection", "Name of this request:", text=suggested)
            if not ok or not name.strip():
                return
        request = replace(request, name=name.strip())
        self.editor.set_name(request.name)
        collection = self.collection

        def work() -> Path:
            return collection.save(request)

        def done(path: Any, error: BaseException | None) -> None:
            if error is not None:
                self.show_message(f"The request could not be saved: {error}")
                return
            self.saved_path = path
            self.show_message(f"Saved as {path}")
            self.side.setCurrentWidget(self.collection_panel)
            self.reload_collection()

        self.tasks.run(work, done)

    def on_delete_saved(self, path: Path) -> None:
        self.tasks.run(lambda: self.collection.delete(path), lambda *_: self.reload_collection())

    # --- OpenAPI --------------------------------------------------------------------------------------------

    def import_openapi_local(self) -> None:
        env = self.environment() or self.local_environment()
        request = Request("GET", "{{base_url}}/openapi.json", options=replace(Request().options, timeout=10))
        self.show_message("Asking the API for its description…")

        def work() -> openapi.Imported:
            outcome = Run(request, env).execute()
            if not outcome.ok:
                raise openapi.OpenApiError(
                    f"{outcome.problem.title if outcome.problem else 'No answer'}: "
                    f"{outcome.problem.text if outcome.problem else ''}")
            if outcome.status != 200:
                raise openapi.OpenApiError(f"The API answered {outcome.status} {outcome.reason} for /openapi.json, "
                                           "so it has no description to import there.")
            return openapi.import_openapi(openapi.parse(outcome.body.read() if outcome.body else b""))

        self.tasks.run(work, self._openapi_done)

    def import_openapi_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import an OpenAPI description", "", "OpenAPI (*.json)")
            if not path:
                return

        def work() -> openapi.Imported:
            return openapi.import_openapi(openapi.parse(Path(path).read_bytes()))

        self.tasks.run(work, self._openapi_done)

    def _openapi_done(self, imported: Any, error: BaseException | None) -> None:
        if self._closed:
            return
        if error is not None:
            message = str(error) if isinstance(error, (openapi.OpenApiError, ValueError)) else \
                f"The description could not be read: {error}"
            self.show_message(message)
            return
        collection = self.collection
        folder = files.slug(imported.title)

        def work() -> int:
            for group, request in imported.requests:
                collection.save(request, f"{folder}/{group}" if group else folder)
            return len(imported.requests)

        def done(count: Any, error: BaseException | None) -> None:
            if error is not None:
                self.show_message(f"The imported requests could not be saved: {error}")
                return
            self.show_message(f'Imported {count} requests from "{imported.title}" into the collection.')
            self.side.setCurrentWidget(self.collection_panel)
            self.reload_collection()

        self.tasks.run(work, done)

    # --- state and closing ------------------------------------------------------------------------------------

    @staticmethod
    def _load_state() -> dict[str, Any]:
        try:
            data = json.loads(_window_state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_state(self, changes: dict[str, Any]) -> None:
        state = {**self._load_state(), **changes}
        try:
            files.atomic_write(_window_state_path(), json.dumps(state, indent=2) + "\n")
        except OSError:
            pass

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.runner.cancel()
        self.response.close_sources()
        self._cleanup_later()
        super().closeEvent(event)

    def _cleanup_later(self) -> None:
        # Cancelled runs finish within moments (their sockets are shut down); the folder goes after them.
        temp = self._temp
        if self.runner.wait_idle(0):
            temp.cleanup()
            return

        def work() -> None:
            self.runner.wait_idle(30)
            temp.cleanup()

        threading.Thread(target=work, name="wirelab-rest-cleanup", daemon=True).start()

