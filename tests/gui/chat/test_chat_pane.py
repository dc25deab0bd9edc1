"""Chat mode details against the real chat worker: presence, rooms, unread marker, keys, copying, failures."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.chat.chat_pane import UnreadRole
from tests.conftest import free_port
from tests.gui.chat.test_window import join, rows, texts


def notices(window: Any, kind: str) -> list[str]:
    return [e.text for e in window.chat.current.model.rows if e.kind == kind]


def activate(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_joins_leaves_and_nick_changes_are_notices_and_update_the_people_list(
        make_window, chat_address, room, qtbot) -> None:
    ana, ben = make_window(), make_window()
    join(qtbot, ana, chat_address, "ana", room)
    assert notices(ana, "info") == [f"You joined #{room} as ana."]
    join(qtbot, ben, chat_address, "ben", room)
    qtbot.waitUntil(lambda: "ben joined" in notices(ana, "join"))
    assert ana.chat.members_here() == ["ana", "ben"]
    people = [ana.chat.people_model.item(r).text() for r in range(ana.chat.people_model.rowCount())]
    assert people == ["ana  (you)", "ben"]
    assert "2 people here" in ana.chat.subtitle.text()

    ben.chat.send_text("/nick benji")
    qtbot.waitUntil(lambda: "ben is now known as benji" in notices(ana, "nick"))
    assert ana.chat.members_here() == ["ana", "benji"]
    qtbot.waitUntil(lambda: "You are now known as benji" in notices(ben, "nick"))
    assert ben.chat.nick == "benji"
    ben.chat.send_text("renamed")
    qtbot.waitUntil(lambda: "renamed" in texts(ana))
    assert rows(ana)[-1].nick == "benji"
    qtbot.waitUntil(lambda: rows(ben)[-1].status == "delivered")
    assert texts(ben) == ["renamed"]  # our own message under the new nick is recognised as ours

    ben.close()
    qtbot.waitUntil(lambda: "benji left" in notices(ana, "leave"))
    assert ana.chat.members_here() == ["ana"]
    people = [ana.chat.people_model.item(r).text() for r in range(ana.chat.people_model.rowCount())]
    assert people[0] == "ana  (you)" and people[1].startswith("benji  · left ")


def test_switching_rooms_keeps_each_rooms_conversation(make_window, chat_address, room, qtbot) -> None:
    ana, ben = make_window(), make_window()
    join(qtbot, ana, chat_address, "ana", room)
    join(qtbot, ben, chat_address, "ben", room)
    ana.chat.send_text("in the first room")
    qtbot.waitUntil(lambda: "in the first room" in texts(ben))

    other = room + "b"
    ana.chat.join_edit.setText(f"#{other}")
    qtbot.keyClick(ana.chat.join_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ana.chat.current.name == other)
    assert texts(ana) == []
    assert ana.chat.members_here() == ["ana"]
    qtbot.waitUntil(lambda: "ana left" in notices(ben, "leave"))
    names = [ana.chat.rooms_model.item(r).text() for r in range(ana.chat.rooms_model.rowCount())]
    assert names == [f"#  {room}", f"#  {other}"]

    ana.chat.send_text("in the second room")
    qtbot.waitUntil(lambda: rows(ana)[-1].status == "delivered")
    assert "in the second room" not in texts(ben)

    first = ana.chat.rooms_model.index(0, 0)
    ana.chat.rooms_view.clicked.emit(first)
    qtbot.waitUntil(lambda: ana.chat.current.name == room)
    assert texts(ana)[0] == "in the first room"  # the old conversation is still there
    assert ana.chat.members_here() == ["ana", "ben"]


def test_a_bad_room_name_is_explained_and_not_sent(make_window, chat_address, room, qtbot) -> None:
    ana = make_window()
    join(qtbot, ana, chat_address, "ana", room)
    ana.chat.join_edit.setText("no spaces please")
    qtbot.keyClick(ana.chat.join_edit, Qt.Key.Key_Return)
    assert not ana.chat.join_problem.isHidden()
    assert "letters, digits" in ana.chat.join_problem.text()
    assert ana.chat.current.name == room


def test_unread_messages_get_a_marker_and_a_badge_until_the_window_is_looked_at(
        make_window, chat_address, room, qtbot) -> None:
    ana, ben = make_window(), make_window()
    join(qtbot, ana, chat_address, "ana", room)
    join(qtbot, ben, chat_address, "ben", room)
    activate(qtbot, ben)  # ana's window is in the background
    ben.chat.send_text("one")
    qtbot.waitUntil(lambda: "one" in texts(ana))
    model = ana.chat.current.model
    kinds = [e.kind for e in model.rows]
    assert kinds[-2:] == ["marker", "say"]
    assert ana.chat.current.unread == 1
    item = ana.chat.rooms_model.item(0)
    assert item.data(UnreadRole) == 1

    activate(qtbot, ana)  # looked at: read, the marker stays where it was
    qtbot.waitUntil(lambda: ana.chat.current.unread == 0)
    assert item.data(UnreadRole) == 0
    assert [e.kind for e in model.rows].count("marker") == 1

    ana.chat.send_text("seen it")  # while the window is active nothing is unread
    activate(qtbot, ben)
    ben.chat.send_text("two")
    qtbot.waitUntil(lambda: "two" in texts(ana))
    kinds = [e.kind for e in model.rows]
    assert kinds.count("marker") == 1 and kinds[-2:] == ["marker", "say"]  # moved to the new message

    activate(qtbot, ana)
    ben.chat.send_text("three")
    qtbot.waitUntil(lambda: "three" in texts(ana))
    assert ana.chat.current.unread == 0 and [e.kind for e in model.rows][-1] == "say"


def test_enter_sends_and_shift_enter_adds_a_line(make_window, chat_address, room, qtbot) -> None:
    ana = make_window()
    join(qtbot, ana, chat_address, "ana", room)
    box = ana.chat.input
    box.setFocus()
    qtbot.keyClicks(box, "first line")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "second line")
    assert box.toPlainText() == "first line\nsecond line"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.toPlainText() == ""
    assert texts(ana) == ["first line\nsecond line"]
    qtbot.waitUntil(lambda: rows(ana)[-1].status == "delivered")


def test_ctrl_k_opens_the_connect_dialog(make_window, qtbot) -> None:
    window = make_window()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    window.dialog.reject()


def test_typing_mistakes_are_explained_and_kept_in_the_box(make_window, chat_address, room, qtbot) -> None:
    ana = make_window()
    join(qtbot, ana, chat_address, "ana", room)
    ana.chat.input.setPlainText("/nick")
    ana.chat.on_submitted(ana.chat.input.toPlainText())
    assert ana.chat.input.toPlainText() == "/nick"
    assert "Type /nick followed by your new name" in notices(ana, "error")[-1]
    ana.chat.send_text("/help")
    assert "/join ROOM" in notices(ana, "notice")[-1]


def test_copy_text_puts_the_selected_message_on_the_clipboard(make_window, chat_address, room, qtbot) -> None:
    ana = make_window()
    join(qtbot, ana, chat_address, "ana", room)
    ana.chat.send_text("copy me 📋")
    ana.chat.send_text("and me")
    qtbot.waitUntil(lambda: rows(ana)[-1].status == "delivered")
    model = ana.chat.current.model
    first = next(i for i, e in enumerate(model.rows) if e.text == "copy me 📋")
    ana.chat.view.setCurrentIndex(model.index(first))
    ana.chat.copy_selection()
    assert QApplication.clipboard().text() == "copy me 📋"
    ana.chat.view.selectAll()
    ana.chat.copy_selection()
    copied = QApplication.clipboard().text()
    assert "ana: copy me 📋" in copied and "ana: and me" in copied and f"You joined #{room}" in copied


def test_a_server_that_is_not_wirelab_fails_in_words_and_offers_raw_mode(make_window, echo_address, qtbot) -> None:
    window = make_window()
    window.connect_chat(*echo_address, "ana", "lobby")
    qtbot.waitUntil(lambda: window.state == "failed")
    assert "does not speak the Wirelab chat protocol" in window.chat.banner.text()
    assert window.chat.banner.button.text() == "Open in raw mode"
    window.chat.banner.button.click()
    qtbot.waitUntil(lambda: window.state == "connected")
    assert window.mode == "raw" and window.raw.address == echo_address


def test_a_taken_nickname_says_so_and_offers_to_change_it(make_window, chat_address, room, qtbot) -> None:
    ana, other = make_window(), make_window()
    join(qtbot, ana, chat_address, "ana", room)
    other.connect_chat(*chat_address, "ana", room)
    qtbot.waitUntil(lambda: other.state == "failed")
    assert "already called ana" in other.chat.banner.text()
    other.chat.banner.button.click()
    qtbot.waitUntil(lambda: other.dialog is not None and other.dialog.isVisible())
    other.dialog.reject()


def test_nothing_listening_keeps_retrying_and_says_what_to_check(make_window, qtbot) -> None:
    window = make_window()
    port = free_port()
    window.connect_chat("127.0.0.1", port, "ana", "lobby", backoff=(0.2,))
    qtbot.waitUntil(lambda: window.state == "reconnecting" and window.chat.banner.isVisible())
    assert f"Nothing is listening at 127.0.0.1:{port}" in window.chat.banner.text()
    window.chat.send_text("kept for later")
    qtbot.waitUntil(lambda: rows(window)[-1].status == "queued")
    window.chat.disconnect()
    assert window.state == "disconnected"
    assert "1 message you wrote offline was not sent" in window.chat.banner.text()
