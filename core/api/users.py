"""The users both ``/people/v1`` and ``/people/v2`` serve: one table, two versions of the interface.

A user made through v1 is listed by v2 and the other way round; only the shape of the requests and
answers differs. That is the point of the versioning lesson: the data stays, the contract changes.
"""

from __future__ import annotations

import uuid
from typing import Any

from core.api.db import get_db, now_text, write

NAME_MAX = 200
EMAIL_MAX = 254
_COLUMNS = "id, name, email, created, updated"


def create(name: str, email: str) -> dict[str, Any]:
    user_id = str(uuid.uuid4())
    now = now_text()
    write("INSERT INTO users (id, name, email, created, updated) VALUES (?, ?, ?, ?, ?)", (user_id, name, email, now, now))
    return {"id": user_id, "name": name, "email": email, "created": now, "updated": now}


def get(user_id: str) -> dict[str, Any] | None:
    row = get_db().execute(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
    return dict(row) if row else None


def listing(
    *, name: str | None = None, email: str | None = None, limit: int = -1, offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Users in the order they were made, optionally only those with exactly this name/email; and the total."""
    where, params = [], []
    if name is not None:
        where.append("name = ?")
        params.append(name)
    if email is not None:
        where.append("email = ?")
        params.append(email)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    conn = get_db()
    total = conn.execute(f"SELECT count(*) FROM users{clause}", params).fetchone()[0]
    rows = conn.execute(f"SELECT {_COLUMNS} FROM users{clause} ORDER BY seq LIMIT ? OFFSET ?", [*params, limit, offset])
    return [dict(r) for r in rows], total


def update(user_id: str, changes: dict[str, str]) -> dict[str, Any] | None:
    """Set the given fields (name, email); None when there is no such user."""
    names = [k for k in ("name", "email") if k in changes]
    assignments = "".join(f"{k} = ?, " for k in names)
    rows = write(
        f"UPDATE users SET {assignments}updated = ? WHERE id = ? RETURNING {_COLUMNS}",
        [*(changes[k] for k in names), now_text(), user_id],
    )
    return dict(rows[0]) if rows else None


def delete(user_id: str) -> bool:
    return bool(write("DELETE FROM users WHERE id = ? RETURNING id", (user_id,)))


def v1_view(user: dict[str, Any]) -> dict[str, Any]:
    """A user as the seed's v1 shows it: id, name and email only."""
    return {"id": user["id"], "name": user["name"], "email": user["email"]}
