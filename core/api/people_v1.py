"""``/people/v1/users``: the seed lab's final users API, answers and status codes exactly as it gives them.

The seed answers in plain text for its messages (201, 400, 404, 415) and in JSON for data; so does this.
Its text is sent as ``text/plain`` (Flask would label it HTML, which a browser would then render).
Differences from the seed, on purpose (docs/API.md lists them): users are stored in the database, so they
survive a restart; a body that is JSON but not an object, or a name/email that is not text, gets a 400
instead of crashing the seed with a 500; and a broken JSON body gets a JSON error that says what is wrong.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from core.api import users
from core.api.jsonio import is_valid_text, read_json

bp = Blueprint("people_v1", __name__, url_prefix="/people/v1")

MISSING_FIELDS = "Missing required fields (name and email)\n"
NOT_JSON = "Request must be JSON\n"
NOT_TEXT = f"The name and email must be text (the name at most {users.NAME_MAX} characters, the email at most {users.EMAIL_MAX})\n"


def text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain")


@bp.post("/users")
def create_user():
    if not request.is_json:
        return text(NOT_JSON, 415)
    user_data = read_json(require_object=False)
    if not isinstance(user_data, dict):
        return text(MISSING_FIELDS, 400)
    name = user_data.get("name")
    email = user_data.get("email")
    if not name or not email:
        return text(MISSING_FIELDS, 400)  # Bad request
    if not (
        isinstance(name, str) and isinstance(email, str) and is_valid_text(name + email)
        and len(name) <= users.NAME_MAX and len(email) <= users.EMAIL_MAX
    ):
        return text(NOT_TEXT, 400)
    user = users.create(name, email)
    return text(f"User created successfully! ID: {user['id']}, Name: {name}, Email: {email}\n", 201)


@bp.get("/users")
def get_all_users():
    name = request.args.get("name")  # the non-RESTful way: ?name=John
    if name:
        filtered_users, _ = users.listing(name=name)
        if filtered_users:
            return jsonify([users.v1_view(u) for u in filtered_users]), 200
        return text(f"User with name '{name}' not found\n", 404)
    everyone, _ = users.listing()
    return jsonify({"users": [users.v1_view(u) for u in everyone]}), 200


@bp.get("/users/<string:user_id>")
def get_user_by_id(user_id: str):
    user = users.get(user_id)
    if user is None:
        return text(f"User with ID {user_id} not found\n", 404)  # Not Found
    return jsonify(users.v1_view(user)), 200


@bp.delete("/users/<string:user_id>")
def delete_user_by_id(user_id: str):
    if users.delete(user_id):
        return Response(status=204)  # No Content: the seed's text would be dropped anyway
    return text(f"User with ID {user_id} not found\n", 404)
