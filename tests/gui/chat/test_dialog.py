"""The connect dialog: sensible defaults, recent servers, LAN servers, and mistakes said in words."""

from __future__ import annotations

from typing import Any

from core.discovery import Peer
from core.settings import Settings
from gui.chat.dialog import ConnectDialog, ConnectRequest


def make_dialog(qtbot: Any, context: Any = None, **kwargs: Any) -> ConnectDialog:
    kwargs.setdefault("discover", False)
    dialog = ConnectDialog(context, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_defaults_to_this_computers_chat_server_and_the_settings_nick(qtbot, context, chat_address) -> None:
    dialog = make_dialog(qtbot, context)
    assert dialog.mode == "chat"
    assert dialog.address_text() == f"{chat_address[0]}:{chat_address[1]}"
    assert "this computer's chat server" in dialog.server.itemText(0)
    assert dialog.nick.text() == "tester"
    assert dialog.room.text() == "lobby"
    assert dialog.request() == ConnectRequest("chat", *chat_address, "tester", "lobby")


def test_raw_mode_defaults_to_the_echo_server_and_hides_chat_fields(qtbot, context, echo_address) -> None:
    dialog = make_dialog(qtbot, context)
    dialog.raw_button.click()
    assert dialog.mode == "raw"
    assert dialog.address_text() == f"{echo_address[0]}:{echo_address[1]}"
    assert dialog.nick.isHidden() and dialog.room.isHidden() and dialog.found.isHidden()
    with qtbot.waitSignal(dialog.connect_requested) as asked:
        dialog.connect_button.click()
    assert asked.args == [ConnectRequest("raw", *echo_address)]


def test_without_a_context_it_offers_the_default_chat_port(qtbot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog.address_text() == "127.0.0.1:5050"
    assert dialog.nick.text() == "tester"  # WIRELAB_NICK in the tests


def test_mistakes_disable_connect_and_say_what_to_fix(qtbot) -> None:
    dialog = make_dialog(qtbot)
    dialog.nick.setText("two words")
    assert not dialog.connect_button.isEnabled()
    assert "cannot contain spaces" in dialog.problem.text()
    dialog.nick.setText("ana")
    dialog.server.setEditText("lab-pc:99999")
    assert "not a port number" in dialog.problem.text()
    dialog.server.setEditText("lab-pc")  # chat mode: the default port is assumed
    assert dialog.connect_button.isEnabled() and dialog.request().port == 5050
    dialog.raw_button.click()
    dialog.server.setEditText("lab-pc")  # raw mode: any server, so the port must be typed
    assert "has no port" in dialog.problem.text()
    dialog.server.setEditText("[::1]:25")
    assert dialog.request() == ConnectRequest("raw", "::1", 25)


def test_recent_servers_are_listed_and_connecting_remembers_one(make_window, context, chat_address, room,
                                                               qtbot) -> None:
    context.remember("recent_chat_servers", "10.0.0.7:5050")
    window = make_window()
    dialog = window.open_connect_dialog()
    items = [dialog.server.itemText(i) for i in range(dialog.server.count())]
    assert any("10.0.0.7:5050" in item and "recent" in item for item in items)
    dialog.room.setText(room)
    dialog.nick.setText("remembering")
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.state == "connected")
    assert context.settings.recent_chat_servers[:2] == (f"{chat_address[0]}:{chat_address[1]}", "10.0.0.7:5050")
    assert window.chat.current.name == room and window.chat.nick == "remembering"


def test_servers_found_on_the_network_are_listed_and_picked(qtbot) -> None:
    dialog = make_dialog(qtbot)
    dialog.on_peers([Peer("chat", "x", "lab-pc-3", "teacher", ("192.168.1.23",), 5050, 1)])
    assert dialog.found.count() == 1
    assert dialog.found.item(0).text() == "teacher on lab-pc-3 (192.168.1.23:5050)"
    assert "Found 1 chat server" in dialog.found_status.text()
    dialog.on_found_clicked(dialog.found.item(0))
    assert dialog.request().host == "192.168.1.23"


def test_lan_browsing_starts_and_stops_without_blocking(qtbot) -> None:
    dialog = make_dialog(qtbot, discover=True)
    browser = dialog._browser
    assert browser is not None
    dialog.reject()
    qtbot.waitUntil(lambda: browser not in type(browser)._live, timeout=10000)


def test_the_window_opens_the_dialog_with_its_current_nick_and_room(make_window, chat_address, room, qtbot) -> None:
    window = make_window()
    window.connect_chat(*chat_address, "zoe", room)
    qtbot.waitUntil(lambda: window.state == "connected")
    dialog = window.open_connect_dialog()
    assert dialog.nick.text() == "zoe" and dialog.room.text() == room
    assert window.open_connect_dialog() is dialog  # one at a time
    dialog.reject()


def test_standalone_window_without_context_works(qtbot, make_window) -> None:
    from gui.chat.window import ChatWindow

    window = make_window(None)
    assert isinstance(window, ChatWindow)
    assert window.context.settings == Settings() or window.context.settings.nick == "tester"
    dialog = window.open_connect_dialog()
    assert dialog.address_text() == "127.0.0.1:5050"
    dialog.reject()
