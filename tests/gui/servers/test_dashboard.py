"""The main window and Servers dashboard with real worker processes, driven with pytest-qt."""

from __future__ import annotations

import os
import signal
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import Qt

from core import settings as settings_store
from core.chat_client import ChatClient
from core.file_sender import FileSender, collect
from core.settings import Settings
from core.supervisor import WorkerState
from gui.app import build_supervisor
from gui.context import AppContext
from gui.main_window import MainWindow
from gui.servers.bridge import SupervisorBridge
from tests.conftest import free_port


@pytest.fixture
def lab(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    settings = Settings(nick="teacher", receive_dir=str(tmp_path / "received"), chat_port=0, echo_port=0,
                        file_port=0, api_port=0, start_servers_at_launch=False)
    supervisor = build_supervisor(settings.lab())
    bridge = SupervisorBridge(supervisor)
    context = AppContext(settings, bridge)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    yield window
    for tool in list(context.windows):
        tool.close()
    bridge.close()


def state(window: MainWindow, name: str) -> WorkerState:
    return window.bridge.supervisor.info(name).state


def wait_running(qtbot, window: MainWindow, *names: str) -> None:
    for name in names:
        qtbot.waitUntil(lambda n=name: state(window, n) == WorkerState.RUNNING, timeout=20000)
        card = window.dashboard.cards[name]
        qtbot.waitUntil(lambda c=card: bool(c.address_texts()), timeout=5000)


def listening_host(window: MainWindow, name: str) -> str:
    listening = window.bridge.supervisor.info(name).listening
    return listening[0].host if listening else ""


def port_of(window: MainWindow, name: str) -> int:
    return window.bridge.supervisor.info(name).listening[0].port


def test_start_stop_restart_from_the_card_buttons(qtbot, lab: MainWindow) -> None:
    card = lab.dashboard.cards["echo"]
    assert card.badge.text().endswith("Stopped") and card.start.isEnabled() and not card.stop.isEnabled()
    qtbot.mouseClick(card.start, Qt.MouseButton.LeftButton)
    wait_running(qtbot, lab, "echo")
    assert "Running" in card.badge.text()
    port = port_of(lab, "echo")
    assert card.address_texts() == [f"tcp://127.0.0.1:{port}"]
    assert not card.port.isEnabled()
    import psutil

    # The window's servers run below its priority: a busy server does not take the CPU from the window.
    assert psutil.Process(lab.bridge.supervisor.info("echo").pid).nice() > psutil.Process().nice()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"ping")
        assert s.recv(4) == b"ping"
    old_pid = lab.bridge.supervisor.info("echo").pid
    qtbot.mouseClick(card.restart, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(lab.bridge.supervisor.info("echo").pid not in (None, old_pid)
                                 and state(lab, "echo") == WorkerState.RUNNING), timeout=20000)
    qtbot.mouseClick(card.stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state(lab, "echo") == WorkerState.STOPPED, timeout=20000)
    qtbot.waitUntil(lambda: card.start.isEnabled() and card.port.isEnabled())


def test_a_crashed_server_shows_why_and_restarts_from_the_card(qtbot, lab: MainWindow) -> None:
    card = lab.dashboard.cards["chat"]
    qtbot.mouseClick(card.start, Qt.MouseButton.LeftButton)
    wait_running(qtbot, lab, "chat")
    os.kill(lab.bridge.supervisor.info("chat").pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: card.error.isVisible(), timeout=20000)
    assert "Stopped with a problem" in card.badge.text()
    assert "SIGKILL" in card.error.text() and "Restart" in card.error.text()
    assert card.restart.isEnabled() and lab.isVisible()  # the GUI is fine
    qtbot.mouseClick(card.restart, Qt.MouseButton.LeftButton)
    wait_running(qtbot, lab, "chat")
    qtbot.waitUntil(lambda: not card.error.isVisible())


def test_a_port_in_use_is_explained_and_the_others_keep_running(qtbot, lab: MainWindow) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        api_card, echo_card = lab.dashboard.cards["api"], lab.dashboard.cards["echo"]
        qtbot.mouseClick(echo_card.start, Qt.MouseButton.LeftButton)
        wait_running(qtbot, lab, "echo")
        api_card.port.setValue(taken)
        api_card.port.editingFinished.emit()
        assert lab.context.settings.api_port == taken
        qtbot.mouseClick(api_card.start, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: api_card.error.isVisible(), timeout=20000)
        assert f"Port {taken} is already used by another program" in api_card.error.text()
        assert "Traceback" not in api_card.error.text()
    assert state(lab, "echo") == WorkerState.RUNNING


def test_the_request_log_and_chat_panel_show_live_activity(qtbot, lab: MainWindow) -> None:
    lab.dashboard.start_all()
    wait_running(qtbot, lab, "api", "chat")
    with urllib.request.urlopen(f"http://127.0.0.1:{port_of(lab, 'api')}/todos/1", timeout=10) as r:
        assert r.status == 200
    api_rows = lab.dashboard.api.model
    qtbot.waitUntil(lambda: any(e.path == "/todos/1" for e in api_rows.rows()), timeout=10000)
    row = next(i for i, e in enumerate(api_rows.rows()) if e.path == "/todos/1")
    assert api_rows.index(row, 3).data() == "200"
    got = []
    client = ChatClient("127.0.0.1", port_of(lab, "chat"), "ana", on_event=got.append)
    client.start()
    try:
        qtbot.waitUntil(lambda: client.state == "connected", timeout=10000)
        client.say("hello from the lab")
        qtbot.waitUntil(lambda: any(e.text == "hello from the lab" for e in lab.dashboard.chat.model.rows()),
                        timeout=10000)
        qtbot.waitUntil(lambda: "Connected: 1" in lab.dashboard.cards["chat"].clients.text())
        panel = lab.dashboard.connections
        assert any(r.label == "ana" for r in panel.model.rows())
        panel.filter.setText("ANA")
        assert panel.proxy.rowCount() >= 1
        panel.filter.setText("nobody-like-this")
        assert panel.proxy.rowCount() == 0
    finally:
        client.close()


def send_in_background(port: int, path: Path, results: list) -> threading.Thread:
    thread = threading.Thread(target=lambda: results.append(
        FileSender("127.0.0.1", port, collect([path])[0], nick="ana", machine="lab-7").run()))
    thread.start()
    return thread


def test_an_offer_raises_a_dialog_whose_answer_reaches_the_worker(qtbot, lab: MainWindow, tmp_path: Path) -> None:
    card = lab.dashboard.cards["files"]
    qtbot.mouseClick(card.start, Qt.MouseButton.LeftButton)
    wait_running(qtbot, lab, "files")
    port = port_of(lab, "files")
    src = tmp_path / "worksheet.pdf"
    src.write_bytes(os.urandom(5000))

    results: list = []
    with qtbot.waitSignal(lab.offer_shown, timeout=20000) as shown:
        thread = send_in_background(port, src, results)
    dialog = shown.args[0]
    dialog.reject()
    thread.join(20)
    assert results[0].declined
    assert not (tmp_path / "received" / "worksheet.pdf").exists()

    with qtbot.waitSignal(lab.offer_shown, timeout=20000) as shown:
        thread = send_in_background(port, src, results)
    shown.args[0].accept_always()
    thread.join(20)
    assert results[1].ok
    assert (tmp_path / "received" / "worksheet.pdf").read_bytes() == src.read_bytes()
    assert "lab-7" in lab.context.settings.trusted_senders
    qtbot.waitUntil(lambda: lab.dashboard.received.model.rowCount() >= 1, timeout=10000)


def test_settings_are_saved_and_read_back(qtbot, lab: MainWindow) -> None:
    lab.context.update_settings(nick="ms-rivera", chat_port=6060)
    assert settings_store.load().nick == "ms-rivera"
    assert settings_store.load().chat_port == 6060


def test_serving_the_network_lists_every_lan_address(qtbot, lab: MainWindow) -> None:
    from core.net.interfaces import lan_addresses

    card = lab.dashboard.cards["echo"]
    qtbot.mouseClick(card.start, Qt.MouseButton.LeftButton)
    wait_running(qtbot, lab, "echo")
    lab.network.setChecked(True)
    assert "Other computers on this network can now connect" in lab.banner.text()
    assert "firewall" in lab.banner.text()
    qtbot.waitUntil(lambda: listening_host(lab, "echo") == "0.0.0.0", timeout=20000)
    qtbot.waitUntil(lambda: any("127.0.0.1" in t for t in card.address_texts()), timeout=5000)
    port = port_of(lab, "echo")
    for address in lan_addresses():
        if address.version == 4:
            assert f"tcp://{address.address}:{port}" in card.address_texts()
    assert settings_store.load().serve_network is True
    lab.network.setChecked(False)
    qtbot.waitUntil(lambda: listening_host(lab, "echo") == "127.0.0.1", timeout=20000)


def test_tools_open_in_their_own_windows_several_at_once(qtbot, lab: MainWindow) -> None:
    first = lab.on_open_tool("chat")
    second = lab.on_open_tool("chat")
    rest = lab.on_open_tool("rest")
    files = lab.on_open_tool("files")
    assert first is not second and len(lab.context.windows) == 4
    assert {w.windowTitle() for w in (first, rest, files)} == {"Wirelab — Chat", "Wirelab — REST requests",
                                                              "Wirelab — Send files"}
    first.close()
    qtbot.waitUntil(lambda: len(lab.context.windows) == 3)


def test_closing_the_main_window_stops_every_worker(qtbot, tmp_path: Path) -> None:
    settings = Settings(receive_dir=str(tmp_path / "r"), chat_port=0, echo_port=0, file_port=0, api_port=0)
    bridge = SupervisorBridge(build_supervisor(settings.lab()))
    window = MainWindow(AppContext(settings, bridge, persist=False))
    qtbot.addWidget(window)
    window.show()
    window.dashboard.start_all()
    wait_running(qtbot, window, "chat", "echo", "files", "api")
    pids = [info.pid for info in bridge.supervisor.infos()]
    window.close()
    bridge.close()
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_start_at_launch_uses_a_free_port_chosen_by_settings(qtbot, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(receive_dir=str(tmp_path / "r"), echo_port=port, chat_port=0, file_port=0, api_port=0)
    bridge = SupervisorBridge(build_supervisor(settings.lab()))
    window = MainWindow(AppContext(settings, bridge, persist=False))
    qtbot.addWidget(window)
    try:
        window.dashboard.start_all()
        wait_running(qtbot, window, "echo")
        assert port_of(window, "echo") == port
        assert window.dashboard.cards["echo"].port.value() == port
    finally:
        bridge.close()
