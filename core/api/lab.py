"""``POST /reset``: put the lab's data back to the start (the GUI's "Reset data" button calls it)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.api.db import database

bp = Blueprint("lab", __name__)


@bp.post("/reset")
def reset():
    """The 200 seed todos again (the next new todo is 201) and no users. Files under /api/data are kept."""
    counts = database().reset()
    return jsonify({
        "status": "reset",
        "message": f"The todos are back to the {counts['todos']} seed todos and there are no users. "
                   "Data posted to /api/data is kept.",
        **counts,
    })
