"""``/todos``: JSONPlaceholder's todos, answered the same way, except that the changes really stay.

The seed's ``requests`` snippets print what JSONPlaceholder answers; this answers the same bodies (the
same field order too) and status codes: POST 201 with the next id (201 on a fresh database), PUT
replaces, PATCH merges, DELETE 200 ``{}``. Unlike JSONPlaceholder, a changed todo stays changed, new
todos stay, and ids go on from the last one; ``POST /reset`` brings the 200 seed todos back.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from core.api.db import get_db, write
from core.api.errors import ApiError
from core.api.jsonio import MAX_INT, Fields, parse_int_text, read_json

bp = Blueprint("todos", __name__)

FIELDS = ("userId", "title", "completed")
TITLE_MAX = 500
#: SQLite's largest integer: an id above it cannot exist (and would not fit a query parameter).
MAX_ID = 2**63 - 1
MAX_FILTER_VALUES = 100
#: No max= here: werkzeug would then answer 405 instead of 404 for ids that are too large; _row_id checks.
ID = "<int:todo_id>"


def _as_read(row: Any) -> dict[str, Any]:
    """The order JSONPlaceholder uses for GET and PATCH answers."""
    return {"userId": row["userId"], "id": row["id"], "title": row["title"], "completed": bool(row["completed"])}


def _as_written(values: dict[str, Any], todo_id: int) -> dict[str, Any]:
    """The order JSONPlaceholder echoes for POST and PUT: the body's fields, then the id."""
    return {"userId": values["userId"], "title": values["title"], "completed": values["completed"], "id": todo_id}


def _checked(body: dict[str, Any], *, partial: bool, todo_id: int | None) -> dict[str, Any]:
    fields = Fields(body, FIELDS, "todo")
    fields.errors.pop("id", None)  # an id may come along (a todo fetched, changed, sent back): checked here
    if "id" in body:
        if todo_id is None:
            fields.fail("id", "is chosen by the server; leave it out")
        elif body["id"] != todo_id or isinstance(body["id"], bool):
            fields.fail("id", f"must be {todo_id}, the id in the address, or be left out")
    fields.integer("userId", required=not partial, minimum=1, maximum=MAX_INT)
    fields.text("title", required=not partial, max_length=TITLE_MAX)
    fields.boolean("completed", required=False)
    values = fields.check()
    if not partial:
        values.setdefault("completed", False)
    return values


def _not_found(todo_id: int) -> ApiError:
    return ApiError(404, f"There is no todo {todo_id}. GET /todos lists them; POST /reset brings the seed todos back.")


def _row_id(todo_id: int) -> int:
    """The id, when a todo could have it (SQLite cannot even be asked about larger numbers)."""
    if not 1 <= todo_id <= MAX_ID:
        raise _not_found(todo_id)
    return todo_id


def _filter_values(name: str) -> list[str]:
    values = request.args.getlist(name)
    if len(values) > MAX_FILTER_VALUES:
        raise ApiError(400, f"Too many {name} filters: use at most {MAX_FILTER_VALUES}.",
                       fields={name: f"at most {MAX_FILTER_VALUES} values"})
    return values


def _int_filter(name: str) -> list[int]:
    values = []
    for raw in _filter_values(name):
        value = parse_int_text(raw)
        if value is None or not -MAX_ID <= value <= MAX_ID:
            raise ApiError(400, f"The filter {name}={raw[:40]!r} is not right: use a whole number, like {name}=1.",
                           fields={name: "must be a whole number"})
        values.append(value)
    return values


@bp.get("/todos")
def list_todos():
    """All todos, or those matching ``?userId=``, ``?completed=``, ``?id=`` and ``?title=`` (repeat one for "or")."""
    where, params = [], []
    for column in ("userId", "id"):
        values = _int_filter(column)
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    completed = _filter_values("completed")
    if completed:
        wanted = {"true": 1, "false": 0}
        if any(v not in wanted for v in completed):
            raise ApiError(400, "The filter completed must be true or false, like completed=true.",
                           fields={"completed": "must be true or false"})
        where.append(f"completed IN ({', '.join('?' * len(completed))})")
        params.extend(wanted[v] for v in completed)
    titles = _filter_values("title")
    if titles:
        where.append(f"title IN ({', '.join('?' * len(titles))})")
        params.extend(titles)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = get_db().execute(f"SELECT userId, id, title, completed FROM todos{clause} ORDER BY id", params).fetchall()
    return jsonify([_as_read(r) for r in rows])


@bp.get(f"/todos/{ID}")
def get_todo(todo_id: int):
    _row_id(todo_id)
    row = get_db().execute("SELECT userId, id, title, completed FROM todos WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        raise _not_found(todo_id)
    return jsonify(_as_read(row))


@bp.post("/todos")
def create_todo():
    values = _checked(read_json(), partial=False, todo_id=None)
    rows = write(
        "INSERT INTO todos (userId, title, completed) VALUES (?, ?, ?) RETURNING id",
        (values["userId"], values["title"], int(values["completed"])),
    )
    todo_id = rows[0]["id"]
    response = jsonify(_as_written(values, todo_id))
    response.status_code = 201
    response.headers["Location"] = f"/todos/{todo_id}"
    return response


@bp.put(f"/todos/{ID}")
def replace_todo(todo_id: int):
    _row_id(todo_id)
    values = _checked(read_json(), partial=False, todo_id=todo_id)
    rows = write(
        "UPDATE todos SET userId = ?, title = ?, completed = ? WHERE id = ? RETURNING id",
        (values["userId"], values["title"], int(values["completed"]), todo_id),
    )
    if not rows:
        raise _not_found(todo_id)
    return jsonify(_as_written(values, todo_id))


@bp.patch(f"/todos/{ID}")
def change_todo(todo_id: int):
    _row_id(todo_id)
    values = _checked(read_json(), partial=True, todo_id=todo_id)
    completed = values.get("completed")
    rows = write(
        "UPDATE todos SET userId = coalesce(?, userId), title = coalesce(?, title), "
        "completed = coalesce(?, completed) WHERE id = ? RETURNING userId, id, title, completed",
        (values.get("userId"), values.get("title"), None if completed is None else int(completed), todo_id),
    )
    if not rows:
        raise _not_found(todo_id)
    return jsonify(_as_read(rows[0]))


@bp.delete(f"/todos/{ID}")
def delete_todo(todo_id: int):
    _row_id(todo_id)
    if not write("DELETE FROM todos WHERE id = ? RETURNING id", (todo_id,)):
        raise _not_found(todo_id)
    return jsonify({})
