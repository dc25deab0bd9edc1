"""The chat window against the real chat and echo workers: two people, nc, raw mode, a killed server."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Any

from PySide6.QtCore import Qt

from core.config import ChatConfig
from core.messages import Listening, WorkerExited
from core.settings import Settings
from core.supervisor import Supervisor, WorkerSpec
from core.text_codec import to_hex
from gui.chat.model import ChatEntry
from tests.conftest import free_port, need_tool, start_process, wait_for
from tests.gui.chat.conftest import LineReader


def rows(window: Any, kinds: tuple[str, ...] = ("say", "me")) -> list[ChatEntry]:
    room = window.chat.current
    return [e for e in room.model.rows if e.kind in kinds] if room else []


def texts(window: Any, kinds: tuple[str, ...] = ("say", "me")) -> list[str]:
    return [e.text for e in rows(window, kinds)]


def join(qtbot: Any, window: Any, address: tuple[str, int], nick: str, room: str, **options: Any) -> None:
    window.connect_chat(*address, nick, room, **options)
    qtbot.waitUntil(lambda: window.state == "connected")
    qtbot.waitUntil(lambda: window.chat.current is not None and nick in window.chat.members_here())


def test_window_title_icon_and_welcome_page(make_window) -> None:
    window = make_window()
    assert window.windowTitle() == "Wirelab — Chat"
    assert not window.windowIcon().isNull()
    assert window.stack.currentWidget() is window.welcome
    assert "Not connected" in window.status_label.text()


def test_two_windows_in_one_room_exchange_messages(make_window, chat_address, room, qtbot) -> None:
    ana, ben = make_window(), make_window()
    join(qtbot, ana, chat_address, "ana", room)
    join(qtbot, ben, chat_address, "ben", room)
    qtbot.waitUntil(lambda: "ben" in ana.chat.members_here())
    assert ana.stack.currentWidget() is ana.chat
    assert "Connected" in ana.chat.pill.text() and "ana" in ana.status_label.text()

    text = "hello ben 👋🏽 — ça va? 世界"
    assert ana.chat.send_text(text)
    qtbot.waitUntil(lambda: text in texts(ben))
    mine = rows(ana)[0]
    qtbot.waitUntil(lambda: mine.status == "delivered")
    assert texts(ana) == [text]  # the server's copy did not make a second bubble
    theirs = rows(ben)[0]
    assert theirs.nick == "ana" and not theirs.own and theirs.text == text

    ben.chat.send_text("/me waves")
    qtbot.waitUntil(lambda: any(e.kind == "me" and e.text == "waves" and e.nick == "ben" for e in rows(ana)))
    ben.chat.send_text("line one\nline two")
    qtbot.waitUntil(lambda: "line one\nline two" in texts(ana))


def test_nc_and_a_chat_window_see_each_other(make_window, chat_address, room, qtbot) -> None:
    nc = need_tool("nc.openbsd")
    ana = make_window()
    join(qtbot, ana, chat_address, "ana", room)
    proc = start_process([nc, chat_address[0], str(chat_address[1])], stdin=subprocess.PIPE)
    reader = LineReader(proc.stdout)
    try:
        proc.stdin.write(f"/join {room}\n")
        proc.stdin.flush()
        qtbot.waitUntil(lambda: reader.has("You are guest-") and reader.has(f"in room {room}"), timeout=10000)
        qtbot.waitUntil(lambda: any(n.startswith("guest-") for n in ana.chat.members_here()))
        guest = next(n for n in ana.chat.members_here() if n.startswith("guest-"))
        assert any(e.kind == "join" and guest in e.text for e in ana.chat.current.model.rows)

        proc.stdin.write("hello from nc ✓\n")
        proc.stdin.flush()
        qtbot.waitUntil(lambda: "hello from nc ✓" in texts(ana))
        assert rows(ana)[-1].nick == guest

        ana.chat.send_text("hi nc, I am a window")
        qtbot.waitUntil(lambda: reader.has("ana: hi nc, I am a window"))

        proc.stdin.write("/nick carla\n")
        proc.stdin.flush()
        qtbot.waitUntil(lambda: "carla" in ana.chat.members_here())
        assert guest not in ana.chat.members_here()
        assert any(e.kind == "nick" and e.text == f"{guest} is now known as carla" for e in ana.chat.current.model.rows)
    finally:
        proc.stdin.close()
        proc.terminate()
        proc.wait(10)
        reader.join()
        proc.stdout.close()
        proc.stderr.close()
    qtbot.waitUntil(lambda: "carla" not in ana.chat.members_here())
    assert any(e.kind == "leave" and e.text == "carla left" for e in ana.chat.current.model.rows)


def test_raw_mode_round_trips_hex_bytes_through_the_echo_server(make_window, echo_address, qtbot) -> None:
    window = make_window()
    window.connect_raw(*echo_address)
    pane = window.raw
    qtbot.waitUntil(lambda: window.state == "connected")
    assert window.stack.currentWidget() is pane
    payload = bytes(range(256))
    pane.send_mode.setCurrentIndex(pane.send_mode.findData("hex"))
    pane.input.setText(to_hex(payload))
    assert pane.preview.text().startswith("256 bytes: 00 01 02")
    qtbot.keyClick(pane.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pane.totals["in"][1] == 256)
    received = b"".join(e.data for e in pane.chunks_model.rows if e.kind == "in")
    assert received == payload
    assert pane.input.text() == ""
    assert pane.totals["out"] == [1, 256]
    pane.show_chunks(True)
    sent, *came_back = pane.copy_hex().splitlines()  # one row per send / per recv()
    assert sent == to_hex(payload)
    assert bytes.fromhex(" ".join(came_back)) == payload


def test_a_killed_server_shows_reconnecting_and_the_offline_message_arrives(qtbot, make_window) -> None:
    from gui.context import AppContext

    port = free_port()
    with Supervisor(stop_timeout=5.0) as supervisor:
        events = supervisor.subscribe()
        supervisor.add(WorkerSpec("chat", "core.workers.chat:run", ChatConfig(port=port, sniff_seconds=0.3)))
        supervisor.start("chat")
        wait_for(events, lambda e: isinstance(e, Listening))
        context = AppContext(Settings(nick="ana"), None, persist=False)
        ana = make_window(context)
        join(qtbot, ana, ("127.0.0.1", port), "ana", "lobby", backoff=(0.2, 0.5, 1.0))
        ana.chat.send_text("before the crash")
        qtbot.waitUntil(lambda: rows(ana)[-1].status == "delivered")

        os.kill(supervisor.info("chat").pid, signal.SIGKILL)
        wait_for(events, lambda e: isinstance(e, WorkerExited))
        qtbot.waitUntil(lambda: ana.state == "reconnecting")
        assert "Reconnecting" in ana.chat.pill.text()
        assert ana.chat.banner.isVisible() and "Connection lost" in ana.chat.banner.text()
        assert any(e.kind == "error" and "Connection lost" in e.text for e in ana.chat.current.model.rows)

        assert ana.chat.send_text("typed while the server was down")
        offline = rows(ana)[-1]
        qtbot.waitUntil(lambda: offline.status == "queued")
        assert ana.chat.queued_count == 1
        assert "1 message is waiting" in ana.chat.banner.text()

        supervisor.start("chat")
        wait_for(events, lambda e: isinstance(e, Listening))
        qtbot.waitUntil(lambda: ana.state == "connected", timeout=15000)
        qtbot.waitUntil(lambda: offline.status == "delivered", timeout=10000)
        assert not ana.chat.banner.isVisible()
        assert ana.chat.queued_count == 0
        assert texts(ana) == ["before the crash", "typed while the server was down"]  # nothing twice

        # somebody joining now finds it in the (new) server's history: it really arrived
        ben = make_window(context)
        join(qtbot, ben, ("127.0.0.1", port), "ben", "lobby")
        qtbot.waitUntil(lambda: "typed while the server was down" in texts(ben))
        ana.close()
        ben.close()
        qtbot.waitUntil(lambda: ana.idle and ben.idle, timeout=15000)
