"""The seed lab's first endpoints: ``/`` and ``/test/``."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

bp = Blueprint("seed", __name__)

WELCOME_HTML = "<h1>The server is up and running!</h1>\n"
TEST_HTML = '<h1>This is the "test" folder.</h1>\n'


@bp.get("/")
def home():
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]:
        return WELCOME_HTML
    return jsonify({"status": "online", "message": "Server is running. POST to /api/data"})


@bp.get("/test/")
def test_folder():
    return TEST_HTML
