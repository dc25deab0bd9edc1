"""Screenshots of the REST window (scripts/screenshots.py rest): a JSON tree, an error, the wire view."""

from __future__ import annotations

import socket
from typing import Any

from core.rest.model import Auth, Body, Pair, Request


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(shooter: Any, window: Any, request: Request) -> None:
    shown: list[Any] = []
    window.outcome_shown.connect(shown.append)
    window.editor.set_request(request)
    window.send()
    shooter.wait_until(lambda: bool(shown), timeout=30)
    window.outcome_shown.disconnect()
    shooter.wait(200)


def capture(shooter: Any) -> None:
    from gui.rest.window import RestWindow

    context = shooter.context
    context.bridge.supervisor.start("api")
    shooter.wait_until(lambda: context.address("api") is not None, timeout=30)
    window = context.keep(RestWindow(context))
    window.resize(1440, 860)
    window.show()
    shooter.wait_until(lambda: window.history_panel.model.rowCount() >= 0)

    # A few requests first, so the history shows a real session.
    _send(shooter, window, Request("POST", "{{base_url}}/todos",
                                   body=Body("json", text='{\n  "userId": 1,\n  "title": "Buy milk",\n  '
                                                          '"completed": false\n}')))
    _send(shooter, window, Request("PATCH", "{{base_url}}/todos/10", body=Body("json", text='{"title": "Mow lawn"}')))
    _send(shooter, window, Request("POST", "{{base_url}}/people/v1/users",
                                   body=Body("raw", text='{"name": "John"}', content_type="text/plain")))
    _send(shooter, window, Request("GET", "{{base_url}}/todos", params=(Pair("userId", "1"),)))
    tree = window.response.tree
    model = window.response.tree_model
    tree.expand(model.index(0, 0))
    tree.expand(model.index(1, 0))
    shooter.wait_until(lambda: model.rowCount(model.index(1, 0)) > 0)
    shooter.save(window, "rest-json-tree")

    _send(shooter, window, Request("GET", f"http://127.0.0.1:{_closed_port()}/todos"))
    window.editor.tabs.setCurrentIndex(0)
    window.response.card.details_button.setChecked(True)
    shooter.save(window, "rest-error")

    _send(shooter, window, Request("POST", "{{base_url}}/people/v1/users",
                                   body=Body("json", text='{"name": "John"}')))
    shooter.save(window, "rest-explain-400")

    _send(shooter, window, Request("GET", "{{base_url}}/redirect/1", headers=(Pair("X-Student", "ada"),),
                                   auth=Auth("bearer", token="lab-token-123")))
    window.response.tabs.setCurrentWidget(window.response.wire)
    window.editor.tabs.setCurrentIndex(1)
    shooter.save(window, "rest-wire")
