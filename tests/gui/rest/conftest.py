"""The real API worker behind a SupervisorBridge (one per test module), an AppContext, and REST windows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.settings import Settings
from tests.core.rest.conftest import Api, start_api


@pytest.fixture(scope="module")
def lab(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Api]]:
    from gui.servers.bridge import SupervisorBridge

    supervisor, api = start_api(tmp_path_factory.mktemp("api-data"))
    bridge = SupervisorBridge(supervisor)
    try:
        yield bridge, api
    finally:
        bridge.close()


@pytest.fixture
def api(lab: tuple[Any, Api]) -> Api:
    lab[1].reset()
    return lab[1]


@pytest.fixture
def context(lab: tuple[Any, Api]) -> Any:
    from gui.context import AppContext

    return AppContext(Settings(nick="tester", api_port=1), lab[0], persist=False)


@pytest.fixture
def make_window(qtbot: Any, context: Any) -> Iterator[Callable[..., Any]]:
    from gui.rest.window import RestWindow

    windows = []

    def make(ctx: Any = context) -> Any:
        window = RestWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        assert window.runner.wait_idle(15), "a request thread was still running after the test"


@pytest.fixture
def window(make_window: Callable[..., Any], api: Api) -> Any:
    return make_window()


def send_and_wait(qtbot: Any, window: Any, timeout: int = 15000) -> Any:
    """Press Send and wait for the answer to be shown; returns the Outcome."""
    with qtbot.waitSignal(window.outcome_shown, timeout=timeout) as blocker:
        window.editor.send_button.click()
    return blocker.args[0]
