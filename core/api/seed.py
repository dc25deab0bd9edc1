"""The seed lab's first endpoints: ``/`` and ``/test/``."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from core.api.errors import prefers_html

bp = Blueprint("seed", __name__)

WELCOME_HTML = "<h1>The server is up and running!</h1>\n"
TEST_HTML = '<h1>This is the "test" folder.</h1>\n'
STATUS = {"status": "online", "message": "Server is running. POST to /api/data"}


@bp.get("/")
def home():
    """A browser gets the welcome page; curl (``Accept: */*``), requests and the REST window get the JSON."""
    if prefers_html():
        from core.api.openapi import endpoint_list

        return render_template("home.html", endpoints=endpoint_list())
    return jsonify(STATUS)


@bp.get("/test/")
def test_folder():
    return TEST_HTML
