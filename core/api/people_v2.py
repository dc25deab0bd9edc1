"""``/people/v2/users``: the same users, done the way the API-design guide the seeds cite recommends.

JSON in and out everywhere; errors are JSON objects with a message; 201 with a ``Location`` header;
PUT replaces, PATCH changes only the fields sent; 422 names each field that is wrong; lists are paged
with ``?limit=&offset=`` and say the ``total``.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request, url_for

from core.api import users
from core.api.errors import ApiError
from core.api.jsonio import Fields, int_arg, read_json

bp = Blueprint("people_v2", __name__, url_prefix="/people/v2")

FIELDS = ("name", "email")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
#: Deliberately simple: one @ with something on each side and no spaces. Real checks send an email.
#: Spelled without ``\s``, which means slightly different things in Python and in JSON Schema's regexes.
EMAIL = re.compile(r"[^@ \t\r\n]+@[^@ \t\r\n]+")
NAME_PATTERN = r"[^ \t\r\n]"  # at least one character that is not a space


def _checked(body: dict, *, partial: bool) -> dict[str, str]:
    fields = Fields(body, FIELDS, "user")
    fields.text("name", required=not partial, max_length=users.NAME_MAX, blank_ok=False)
    fields.text("email", required=not partial, max_length=users.EMAIL_MAX)
    email = fields.values.get("email")
    if email is not None and not EMAIL.fullmatch(email):
        fields.fail("email", "must look like an email address, such as ada@example.org")
    return fields.check()


def _not_found(user_id: str) -> ApiError:
    return ApiError(404, f"There is no user with id {user_id[:80]}. GET /people/v2/users lists them.")


@bp.get("/users")
def list_users():
    limit = int_arg("limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = int_arg("offset", default=0, minimum=0, maximum=10**9)
    items, total = users.listing(
        name=request.args.get("name") or None, email=request.args.get("email") or None,
        limit=limit, offset=offset,
    )
    return jsonify({"items": items, "total": total, "limit": limit, "offset": offset})


@bp.post("/users")
def create_user():
    values = _checked(read_json(), partial=False)
    user = users.create(values["name"], values["email"])
    response = jsonify(user)
    response.status_code = 201
    response.headers["Location"] = url_for(".get_user", user_id=user["id"])
    return response


@bp.get("/users/<string:user_id>")
def get_user(user_id: str):
    user = users.get(user_id)
    if user is None:
        raise _not_found(user_id)
    return jsonify(user)


@bp.put("/users/<string:user_id>")
def replace_user(user_id: str):
    values = _checked(read_json(), partial=False)
    user = users.update(user_id, values)
    if user is None:
        raise _not_found(user_id)
    return jsonify(user)


@bp.patch("/users/<string:user_id>")
def change_user(user_id: str):
    values = _checked(read_json(), partial=True)
    user = users.update(user_id, values)
    if user is None:
        raise _not_found(user_id)
    return jsonify(user)


@bp.delete("/users/<string:user_id>")
def delete_user(user_id: str):
    if not users.delete(user_id):
        raise _not_found(user_id)
    return Response(status=204)
