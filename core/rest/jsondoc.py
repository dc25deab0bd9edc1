"""Big JSON bodies, parsed and browsed in their own process so the window never waits.

``json.loads`` of 18 MB holds the GIL for ~0.4 s, so parsing in a thread would still freeze the window
(docs/REST.md). Instead a *JSON worker* process (``spawn``) parses the body file and keeps the value;
the window asks it for just what it shows -- one page of a node's children at a time (:class:`Node`),
the matches of a JSONPath query, a search, or pretty text written to a file -- and each answer is small.

:class:`Documents` holds the values and answers those questions; it is used directly (in the window's
process) for small bodies, and inside the worker process for big ones, so both paths behave the same.
:class:`JsonWorker` is the app side: commands go out in order from one thread, replies come back to a
callback. The worker reads commands from a pipe and exits at EOF, so it never outlives the app.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Children sent per request; a view asks for the next page when it scrolls there.
PAGE = 200
#: Search and query results kept (a result is itself a document the tree shows).
MAX_MATCHES = 5000
PREVIEW_CHARS = 160

Path = tuple[Any, ...]  # keys (str) and indexes (int) from the root


@dataclass(frozen=True)
class Node:
    """One row of the tree: its ``key`` (name or index), ``kind``, a short ``preview`` and child ``count``."""

    key: str
    kind: str  # "object", "array", "string", "number", "boolean", "null"
    preview: str
    count: int = 0
    step: Any = None  # the key or index that leads here from the parent


class JsonProblem(ValueError):
    """The body or the query cannot be used; ``str()`` says why in plain words."""


def kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def preview(value: Any, limit: int = PREVIEW_CHARS) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} {'key' if len(value) == 1 else 'keys'}}}"
    if isinstance(value, list):
        return f"[{len(value)} {'item' if len(value) == 1 else 'items'}]"
    if isinstance(value, str):
        text = json.dumps(value[: limit + 1], ensure_ascii=False)
        return text if len(value) <= limit else text[: limit] + "…\""
    return json.dumps(value)


def node(key: str, value: Any, step: Any = None) -> Node:
    count = len(value) if isinstance(value, (dict, list)) else 0
    return Node(key, kind(value), preview(value), count, step)


def get(value: Any, path: Path) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError) as exc:
            raise JsonProblem("That part of the document is no longer there.") from exc
    return value


def children(value: Any, start: int = 0, count: int = PAGE) -> list[Node]:
    if isinstance(value, list):
        return [node(f"[{i}]", value[i], i) for i in range(start, min(len(value), start + count))]
    if isinstance(value, dict):
        keys = itertools.islice(value.keys(), start, start + count)
        return [node(k, value[k], k) for k in keys]
    return []


def path_text(path: Path) -> str:
    """``("todos", 0, "title")`` -> ``$.todos[0].title`` (the JSONPath that selects it)."""
    out = "$"
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step.isidentifier():
            out += "." + step
        else:
            out += "[" + json.dumps(step, ensure_ascii=False) + "]"
    return out


class Documents:
    """Parsed JSON values by id, and the questions a tree view asks about them."""

    def __init__(self) -> None:
        self._docs: dict[int, Any] = {}
        self._ids = itertools.count(1)

    def add(self, value: Any) -> tuple[int, Node]:
        doc_id = next(self._ids)
        self._docs[doc_id] = value
        return doc_id, node("$", value)

    def load_file(self, path: str) -> tuple[int, Node]:
        try:
            with open(path, "rb") as f:
                value = json.load(f)
        except json.JSONDecodeError as exc:
            raise JsonProblem(f"The body is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") \
                from exc
        except UnicodeDecodeError as exc:
            raise JsonProblem("The body is not valid JSON: it is not UTF-8 text.") from exc
        except OSError as exc:
            raise JsonProblem(f"The downloaded body could not be read again ({exc.strerror or exc}).") from exc
        return self.add(value)

    def drop(self, doc_id: int) -> None:
        self._docs.pop(doc_id, None)

    def value(self, doc_id: int) -> Any:
        try:
            return self._docs[doc_id]
        except KeyError as exc:
            raise JsonProblem("That response is no longer open.") from exc

    def children(self, doc_id: int, path: Path, start: int = 0, count: int = PAGE) -> list[Node]:
        return children(get(self.value(doc_id), path), start, count)

    def text(self, doc_id: int, path: Path, limit: int = 1024 * 1024) -> str:
        """The JSON text of one node (for "Copy value"), at most ``limit`` characters."""
        value = get(self.value(doc_id), path)
        text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
        return text[:limit]

    def query(self, doc_id: int, expression: str) -> tuple[int, Node, int]:
        """Run a JSONPath query; the matches become a new document ``{path: value}``."""
        import jsonpath

        expression = expression.strip()
        if not expression.startswith("$"):
            expression = "$" + ("" if expression.startswith((".", "[")) else ".") + expression
        try:
            compiled = jsonpath.compile(expression)
        except jsonpath.JSONPathError as exc:
            raise JsonProblem(f"The query has a mistake: {exc}. Queries look like $.todos[0].title or "
                              "$..title or $.todos[?@.completed == true].") from exc
        results: dict[str, Any] = {}
        total = 0
        try:
            for match in compiled.finditer(self.value(doc_id)):
                total += 1
                if len(results) < MAX_MATCHES:
                    results[match.path] = match.obj
        except jsonpath.JSONPathError as exc:
            raise JsonProblem(f"The query could not run: {exc}.") from exc
        new_id, root = self.add(results)
        return new_id, root, total

    def search(self, doc_id: int, text: str) -> tuple[int, Node, int]:
        """Every key or value containing ``text`` (any case), as a new document ``{path: value}``."""
        needle = text.lower()
        results: dict[str, Any] = {}
        total = 0
        stack: list[tuple[Path, Any]] = [((), self.value(doc_id))]
        while stack:
            path, value = stack.pop()
            if isinstance(value, dict):
                items = list(value.items())
                for key, child in reversed(items):
                    if needle in key.lower():
                        total += 1
                        if len(results) < MAX_MATCHES:
                            results[path_text((*path, key))] = child
                    elif not isinstance(child, (dict, list)) and _matches(child, needle):
                        total += 1
                        if len(results) < MAX_MATCHES:
                            results[path_text((*path, key))] = child
                    if isinstance(child, (dict, list)):
                        stack.append(((*path, key), child))
            elif isinstance(value, list):
                for i in range(len(value) - 1, -1, -1):
                    child = value[i]
                    if isinstance(child, (dict, list)):
                        stack.append(((*path, i), child))
                    elif _matches(child, needle):
                        total += 1
                        if len(results) < MAX_MATCHES:
                            results[path_text((*path, i))] = child
        ordered = dict(sorted(results.items(), key=lambda kv: _sort_key(kv[0])))
        new_id, root = self.add(ordered)
        return new_id, root, total

    def pretty(self, doc_id: int, out_path: str, max_bytes: int) -> tuple[int, bool]:
        """Write the formatted JSON to ``out_path``, stopping near ``max_bytes``; (bytes written, cut short)."""
        written = 0
        encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
        with open(out_path, "w", encoding="utf-8") as f:
            for piece in encoder.iterencode(self.value(doc_id)):
                f.write(piece)
                written += len(piece)
                if written >= max_bytes:
                    return written, True
        return written, False


def _matches(value: Any, needle: str) -> bool:
    return needle in (value.lower() if isinstance(value, str) else json.dumps(value))


def _sort_key(path: str) -> list[Any]:
    # Keep results in document order: $.items[2] before $.items[10].
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path)]


# --- the worker process -----------------------------------------------------------------------------


@dataclass(frozen=True)
class JsonCommand:
    """App -> worker: call ``Documents.<op>(*args)``; the reply carries the same ``request_id``."""

    request_id: int
    op: str  # "load_file", "children", "text", "query", "search", "pretty", "drop"
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class JsonReply:
    request_id: int
    op: str
    value: Any = None
    error: str = ""  # plain words; empty when it worked


_OPS = {"load_file", "children", "text", "query", "search", "pretty", "drop"}


def handle(docs: Documents, command: JsonCommand) -> JsonReply:
    if command.op not in _OPS:
        return JsonReply(command.request_id, command.op, error=f"unknown operation {command.op!r}")
    try:
        value = getattr(docs, command.op)(*command.args)
    except JsonProblem as exc:
        return JsonReply(command.request_id, command.op, error=str(exc))
    except MemoryError:
        return JsonReply(command.request_id, command.op,
                         error="This JSON is too big to open on this computer. Save the body to a file instead.")
    except OSError as exc:
        return JsonReply(command.request_id, command.op, error=f"The JSON reader could not write its file: {exc}")
    return JsonReply(command.request_id, command.op, value)


def serve(conn: Any) -> None:
    """The worker process: answer commands until the pipe closes (the app quit or closed the window)."""
    docs = Documents()
    try:
        while True:
            try:
                command = conn.recv()
            except (EOFError, OSError):
                return
            conn.send(handle(docs, command))
    finally:
        conn.close()


class JsonWorker:
    """Runs :func:`serve` in a ``spawn`` process; ``submit`` returns at once, replies go to ``on_reply``.

    ``on_reply`` is called from the worker's own thread. The process is started by that thread (not by
    the caller), on the first command, and again if it ever dies.
    """

    def __init__(self, on_reply: Callable[[JsonReply], None]) -> None:
        self.on_reply = on_reply
        self._commands: queue.Queue[JsonCommand | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.process: Any = None
        self._conn: Any = None

    def submit(self, op: str, *args: Any) -> int:
        request_id = next(self._ids)
        with self._lock:
            if self._closed:
                raise RuntimeError("the JSON worker is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wirelab-json-worker", daemon=True)
                self._thread.start()
        self._commands.put(JsonCommand(request_id, op, args))
        return request_id

    def _ensure_process(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        self._release_process()
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(target=serve, args=(child,), name="wirelab-json", daemon=True)
        process.start()
        child.close()
        self.process, self._conn = process, parent

    def _run(self) -> None:
        while True:
            command = self._commands.get()
            if command is None:
                break
            try:
                self._ensure_process()
                self._conn.send(command)
                reply = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._release_process()
                reply = JsonReply(command.request_id, command.op,
                                  error="The JSON reader stopped unexpectedly (the body may be too big for this "
                                        "computer's memory). Try again, or save the body to a file.")
            except Exception as exc:  # noqa: BLE001 - e.g. the process could not start: say so, keep going
                self._release_process()
                reply = JsonReply(command.request_id, command.op,
                                  error=f"The JSON reader could not start ({exc}). The Raw view still shows the body.")
            if not self._closed:  # nobody is listening any more once the window closed
                self.on_reply(reply)
        self._release_process()

    def _release_process(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.process is not None:
            self.process.join(5)  # it exits at EOF on the pipe
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join()
            self.process.close()
            self.process = None

    def close(self) -> None:
        """Stop the worker process and the thread (waits for the command in progress)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._commands.put(None)
            thread.join()

    def kill(self) -> None:
        """Stop at once, even in the middle of a long parse (the window is closing)."""
        process = self.process
        if process is not None:
            try:
                process.kill()
            except (ValueError, AttributeError):
                pass
        self.close()
