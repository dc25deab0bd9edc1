"""``/api/data``: the slides' endpoint that stores each posted JSON body as a timestamped file.

The seed writes ``{"data": <body>, "time": <timestamp>}`` to ``<timestamp>.json`` in its working folder; here
the files go to the ``api-data`` folder inside the data folder. Two posts in the same second get
``<timestamp>.json`` and ``<timestamp>-2.json``: a file is written under a temporary name first and then
linked to the first free final name, so a name is never taken twice (not even by two worker processes)
and a half-written file never appears under a final name.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, jsonify

from core.api.errors import ApiError
from core.api.jsonio import int_arg, read_json

bp = Blueprint("data", __name__)

FOLDER = "api-data"
#: The seed's own error body has "status": "error"; ours keeps it next to code, reason and message.
SEED_ERROR = {"status": "error"}
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(?:-(\d{1,6}))?\.json")
MAX_SAME_SECOND = 100_000


def data_folder() -> Path:
    return Path(current_app.config["DATA_DIR"]) / FOLDER


@bp.post("/api/data")
def receive_data():
    body = read_json(require_object=False, extra=SEED_ERROR)
    timestamp = datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    collected_info = {"data": body, "time": timestamp}
    store(data_folder(), timestamp, collected_info)
    return {"status": "success"}, 200


def store(folder: Path, timestamp: str, content: dict) -> str:
    """Write ``content`` to ``<timestamp>.json`` (or ``-2``, ``-3``… when taken); return the file name."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(content, f, indent=4)  # the seed's format; ensure_ascii keeps any text writable
        for n in range(1, MAX_SAME_SECOND):
            name = f"{timestamp}.json" if n == 1 else f"{timestamp}-{n}.json"
            try:
                os.link(tmp, folder / name)  # fails if the name exists: the check and the claim are one step
            except FileExistsError:
                continue
            return name
        raise ApiError(503, "Too many posts arrived in the same second. Try again in a moment.", extra=SEED_ERROR)
    finally:
        os.unlink(tmp)


def _sort_key(name: str) -> tuple[str, int]:
    match = _NAME.fullmatch(name)
    return (match.group(1), int(match.group(2) or 1)) if match else ("", 0)


@bp.get("/api/data")
def list_data():
    """What was stored, newest first: name, time, size and the address of each file."""
    limit = int_arg("limit", default=100, minimum=1, maximum=1000)
    offset = int_arg("offset", default=0, minimum=0, maximum=10**9)
    folder = data_folder()
    try:
        names = [e.name for e in os.scandir(folder) if e.is_file() and _NAME.fullmatch(e.name)]
    except FileNotFoundError:
        names = []
    names.sort(key=_sort_key, reverse=True)
    items = []
    for name in names[offset : offset + limit]:
        try:
            size = (folder / name).stat().st_size
        except FileNotFoundError:  # deleted by hand meanwhile
            continue
        items.append({"name": name, "time": _NAME.fullmatch(name).group(1), "size": size, "url": f"/api/data/{name}"})
    return jsonify({"total": len(names), "limit": limit, "offset": offset, "items": items})


@bp.get("/api/data/<name>")
def get_data(name: str):
    """One stored file, as it was written: ``{"data": ..., "time": ...}``."""
    missing = ApiError(404, f"No stored data is called {name[:80]!r}. GET /api/data lists what there is.", extra=SEED_ERROR)
    if not _NAME.fullmatch(name):
        raise missing
    try:
        text = (data_folder() / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise missing from None
    try:
        content = json.loads(text)
    except ValueError:
        raise ApiError(
            500, f"The file {name} in the data folder is not valid JSON any more (was it edited by hand?).",
            extra=SEED_ERROR,
        ) from None
    return jsonify(content)
