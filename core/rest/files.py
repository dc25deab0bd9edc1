"""Requests kept on disk: collections (one plain JSON file per request), history, environments.

Collection files are written for people and for git: two-space indentation, keys in a fixed order,
defaults left out, multi-line bodies as a list of lines, a newline at the end -- so a change to one
header shows up as a one-line diff. A collection is just a folder the person chooses; sub-folders are
groups. History is a JSON Lines file (one request per line, newest last) under ``data_dir()/rest``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core import config
from core.rest.model import Environment, Request, environment_from_data, environment_to_data, from_data, to_data

SUFFIX = ".json"
HISTORY_KEEP = 500


def rest_dir() -> Path:
    return config.data_dir() / "rest"


def default_collection_dir() -> Path:
    return rest_dir() / "collections" / "My requests"


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def request_text(request: Request) -> str:
    return json.dumps(to_data(request), indent=2, ensure_ascii=False) + "\n"


def write_request(path: Path, request: Request) -> None:
    atomic_write(path, request_text(request))


def read_request(path: Path) -> Request:
    """The request saved in ``path``; :class:`ValueError` in plain words when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f'"{path.name}" cannot be read ({exc.strerror or exc}).') from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ValueError(f'"{path.name}" is not valid JSON{where}; fix it in a text editor.') from exc
    try:
        request = from_data(data)
    except ValueError as exc:
        raise ValueError(f'"{path.name}": {exc}.') from exc
    return request if request.name else replace(request, name=path.stem)


def slug(name: str) -> str:
    """A file name for a request name: readable, safe on every system, never empty."""
    text = re.sub(r"[^\w\s.-]", "", name, flags=re.UNICODE).strip()
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:80] or "request"


@dataclass(frozen=True)
class Item:
    """One file of a collection: its request, or the reason it could not be read."""

    path: Path
    group: str  # the sub-folder ("" at the top)
    request: Request | None
    error: str = ""

    @property
    def name(self) -> str:
        return self.request.name if self.request is not None and self.request.name else self.path.stem


class Collection:
    """A folder of request files."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    @property
    def name(self) -> str:
        return self.folder.name

    def items(self) -> list[Item]:
        """Every request file, by group then name; unreadable files are listed with their error."""
        if not self.folder.is_dir():
            return []
        out = []
        for path in sorted(self.folder.rglob("*" + SUFFIX)):
            relative = path.relative_to(self.folder)
            if any(part.startswith(".") for part in relative.parts):
                continue
            group = "/".join(relative.parts[:-1])
            try:
                out.append(Item(path, group, read_request(path)))
            except ValueError as exc:
                out.append(Item(path, group, None, str(exc)))
        return out

    def path_for(self, name: str, group: str = "") -> Path:
        folder = self.folder.joinpath(*[slug(g) for g in group.split("/") if g]) if group else self.folder
        return folder / (slug(name) + SUFFIX)

    def save(self, request: Request, group: str = "", *, overwrite: bool = True) -> Path:
        """Write ``request`` as ``<group>/<name>.json``; with ``overwrite=False`` a free name is picked."""
        name = request.name or request.title()
        path = self.path_for(name, group)
        if not overwrite:
            n = 2
            while path.exists():
                path = path.with_name(f"{slug(name)} {n}{SUFFIX}")
                n += 1
        write_request(path, replace(request, name=name))
        return path

    def delete(self, path: Path) -> None:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class HistoryEntry:
    time: float
    request: Request
    environment: str = ""
    status: int = 0
    reason: str = ""
    seconds: float = 0.0
    size: int = 0
    error: str = ""  # the problem's title when no answer came

    def summary(self) -> str:
        return f"{self.status} {self.reason}".strip() if self.status else (self.error or "no answer")

    def matches(self, text: str) -> bool:
        text = text.lower().strip()
        if not text:
            return True
        haystack = " ".join((self.request.method, self.request.full_url(), self.request.name, self.summary(),
                             self.environment)).lower()
        return all(word in haystack for word in text.split())

    def to_data(self) -> dict[str, Any]:
        return {"time": round(self.time, 3), "request": to_data(self.request), "environment": self.environment,
                "status": self.status, "reason": self.reason, "seconds": round(self.seconds, 4), "size": self.size,
                "error": self.error}

    @staticmethod
    def from_data(data: Any) -> HistoryEntry:
        if not isinstance(data, dict):
            raise ValueError("not a history entry")
        return HistoryEntry(float(data.get("time", 0)), from_data(data.get("request")), str(data.get("environment", "")),
                            int(data.get("status", 0)), str(data.get("reason", "")), float(data.get("seconds", 0)),
                            int(data.get("size", 0)), str(data.get("error", "")))


class History:
    """Every request sent, newest first; thread-safe (the request threads add to it)."""

    def __init__(self, path: Path | None = None, keep: int = HISTORY_KEEP) -> None:
        self.path = path or rest_dir() / "history.jsonl"
        self.keep = keep
        self._lock = threading.Lock()
        self._entries: list[HistoryEntry] | None = None

    def _load(self) -> list[HistoryEntry]:
        if self._entries is None:
            entries = []
            try:
                with open(self.path, encoding="utf-8") as f:
                    for line in f:
                        try:
                            entries.append(HistoryEntry.from_data(json.loads(line)))
                        except (ValueError, TypeError):
                            continue  # a damaged line loses one entry, not the history
            except OSError:
                pass
            self._entries = entries[-self.keep:]
        return self._entries

    def entries(self) -> list[HistoryEntry]:
        with self._lock:
            return list(reversed(self._load()))

    def search(self, text: str) -> list[HistoryEntry]:
        return [e for e in self.entries() if e.matches(text)]

    def add(self, entry: HistoryEntry) -> None:
        with self._lock:
            entries = self._load()
            entries.append(entry)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if len(entries) > self.keep * 2:  # rewrite now and then instead of on every request
                del entries[: len(entries) - self.keep]
                atomic_write(self.path, "".join(json.dumps(e.to_data(), ensure_ascii=False) + "\n" for e in entries))
            else:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry.to_data(), ensure_ascii=False) + "\n")

    def clear(self) -> None:
        with self._lock:
            self._entries = []
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


def entry_for(outcome: Any) -> HistoryEntry:
    """A history entry for a :class:`core.rest.runner.Outcome`."""
    return HistoryEntry(outcome.started_at, outcome.request, outcome.environment, outcome.status, outcome.reason,
                        outcome.total_seconds, outcome.body.size if outcome.body is not None else 0,
                        outcome.problem.title if outcome.problem is not None and not outcome.ok else "")


# --- environments --------------------------------------------------------------------------------------


def environments_path() -> Path:
    return rest_dir() / "environments.json"


def load_environments(path: Path | None = None) -> list[Environment]:
    """The saved environments (never raises: a damaged file gives the presets only)."""
    path = path or environments_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for item in data.get("environments", []) if isinstance(data, dict) else []:
        try:
            out.append(environment_from_data(item))
        except ValueError:
            continue
    return out


def save_environments(environments: list[Environment], path: Path | None = None) -> None:
    path = path or environments_path()
    data = {"environments": [environment_to_data(e) for e in environments]}
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
