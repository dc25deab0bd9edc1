"""Chat mode: rooms and people on the left, the conversation and the composer on the right.

All protocol work is core's: :class:`core.chat_client.ChatClient` (through :class:`ChatConnection`)
connects, reconnects, queues and acknowledges; :func:`core.protocol.commands.parse_input` turns what
was typed into a message. This pane only keeps what is shown.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QGuiApplication, QIcon, QKeySequence, QPainter, QPalette, QPixmap, \
    QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.protocol.commands import HELP, CommandError, Help, Quit, parse_input, room_problem
from core.protocol.messages import (
    ChatMessage,
    Error,
    Join,
    Joined,
    Me,
    Members,
    Notice,
    Presence,
    Say,
    Welcome,
)
from gui.chat.connections import ChatConnection
from gui.chat.delegates import BubbleDelegate, muted, small_font
from gui.chat.listview import MessageListView
from gui.chat.model import ChatEntry, ChatModel
from gui.chat.widgets import Banner, ComposeEdit, EmojiButton, StatusPill, muted_label
from gui.common.style import BLUE, GREEN, GREY, ORANGE, RED, nick_colour

SIDEBAR_STYLE = """
QListView { background: transparent; border: none; outline: none; }
QListView::item { padding: 3px 6px; border-radius: 6px; }
QListView::item:selected { background: palette(highlight); color: palette(highlighted-text); }
"""

UnreadRole = Qt.ItemDataRole.UserRole + 2
RoomRole = Qt.ItemDataRole.UserRole + 3


@dataclass(eq=False)
class RoomState:
    """What this window knows about one room."""

    name: str
    model: ChatModel
    members: dict[str, bool] = field(default_factory=dict)  # nick -> here now (False: left)
    left_at: dict[str, float] = field(default_factory=dict)
    unread: int = 0
    awaiting_echo: deque[ChatEntry] = field(default_factory=deque)  # delivered, server copy still to come


class ChatListView(MessageListView):
    """The conversation."""


class RoomDelegate(QStyledItemDelegate):
    """Room rows: "# name" and a round unread badge."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        unread = index.data(UnreadRole) or 0
        if not unread:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = str(unread) if unread < 100 else "99+"
        font = small_font(option.font)
        font.setBold(True)
        painter.setFont(font)
        w = max(20, painter.fontMetrics().horizontalAdvance(text) + 12)
        rect = QRect(option.rect.right() - w - 8, option.rect.center().y() - 9, w, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(RED))
        painter.drawRoundedRect(rect, 9, 9)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), 28))


def dot_icon(colour: str, hollow: bool = False) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if hollow:
        p.setPen(QColor(colour))
        p.setBrush(Qt.BrushStyle.NoBrush)
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour))
    p.drawEllipse(3, 3, 8, 8)
    p.end()
    return QIcon(pixmap)


class ChatPane(QWidget):
    """One Wirelab chat connection, its rooms and their conversations."""

    #: The connection state changed: (state, words for people) - for the window's status bar.
    state_changed = Signal(str, str)
    #: The person asked for the connect dialog (e.g. to pick another nickname).
    connect_dialog_requested = Signal()
    #: The server is not a Wirelab chat server; the person wants to talk to it in raw mode: (host, port).
    raw_requested = Signal(str, int)
    #: Connected (or reconnected) to this server: "host:port" (the window remembers it as recent).
    connected_to = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection: ChatConnection | None = None
        self.state = "idle"
        self.detail = ""
        self.nick = ""
        self.rooms: dict[str, RoomState] = {}
        self.current: RoomState | None = None
        self._was_online = False
        self._fatal_error: Error | None = None
        self._queued_ids: set[int] = set()
        self._closing: list[ChatConnection] = []
        self._address: tuple[str, int] | None = None
        self._stick = True
        self._build()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setHandleWidth(1)
        outer.addWidget(splitter)

        # sidebar: rooms and people
        side = QFrame()
        side.setObjectName("sidebar")
        side.setMinimumWidth(190)
        side.setStyleSheet(SIDEBAR_STYLE)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(10, 12, 10, 10)
        sl.setSpacing(6)
        sl.addWidget(self._section("ROOMS"))
        self.rooms_model = QStandardItemModel(self)
        self.rooms_view = QListView()
        self.rooms_view.setModel(self.rooms_model)
        self.rooms_view.setItemDelegate(RoomDelegate(self.rooms_view))
        self.rooms_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rooms_view.setFrameShape(QFrame.Shape.NoFrame)
        self.rooms_view.clicked.connect(self.on_room_clicked)
        self.rooms_view.setToolTip("Click a room to go there")
        sl.addWidget(self.rooms_view)
        self.rooms_model.rowsInserted.connect(self._fit_rooms)
        self.rooms_model.modelReset.connect(self._fit_rooms)
        self._fit_rooms()
        self.join_edit = QLineEdit()
        self.join_edit.setPlaceholderText("+  Join or create a room")
        self.join_edit.setClearButtonEnabled(True)
        self.join_edit.returnPressed.connect(self.on_join_typed)
        sl.addWidget(self.join_edit)
        self.join_problem = QLabel()
        self.join_problem.setWordWrap(True)
        self.join_problem.setStyleSheet(f"color: {RED};")
        self.join_problem.hide()
        sl.addWidget(self.join_problem)
        sl.addSpacing(8)
        self.people_title = self._section("PEOPLE HERE")
        sl.addWidget(self.people_title)
        self.people_model = QStandardItemModel(self)
        self.people_view = QListView()
        self.people_view.setModel(self.people_model)
        self.people_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.people_view.setFrameShape(QFrame.Shape.NoFrame)
        sl.addWidget(self.people_view, 1)
        splitter.addWidget(side)

        # main column
        main = QWidget()
        ml = QVBoxLayout(main)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.setSpacing(0)
        header = QFrame()
        header.setObjectName("chatHeader")
        hl = QHBoxLayout(header)
        hl.setContentsMargins(16, 10, 12, 10)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = QLabel("Not connected")
        tf = QFont(self.title.font())
        tf.setPointSizeF(max(9.0, tf.pointSizeF()) * 1.3)
        tf.setBold(True)
        self.title.setFont(tf)
        titles.addWidget(self.title)
        self.subtitle = muted_label("")
        titles.addWidget(self.subtitle)
        hl.addLayout(titles, 1)
        self.pill = StatusPill()
        hl.addWidget(self.pill)
        self.connect_button = QPushButton("Connect…")
        self.connect_button.setToolTip("Connect to a chat server or any TCP server (Ctrl+K)")
        self.connect_button.clicked.connect(self.connect_dialog_requested)
        hl.addWidget(self.connect_button)
        self.disconnect_button = QPushButton("Leave")
        self.disconnect_button.setToolTip("Disconnect from this chat server")
        self.disconnect_button.clicked.connect(self.disconnect)
        hl.addWidget(self.disconnect_button)
        ml.addWidget(header)
        ml.addWidget(self._line())
        self.banner = Banner()
        self.banner.action_clicked.connect(self.on_banner_action)
        ml.addWidget(self.banner)

        self.view = ChatListView()
        self.view.setItemDelegate(BubbleDelegate(self.view))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self.on_context_menu)
        self.view.verticalScrollBar().valueChanged.connect(self.on_scrolled)
        copy = QAction("Copy text", self.view)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selection)
        self.view.addAction(copy)
        self.copy_action = copy
        ml.addWidget(self.view, 1)
        self.jump = QToolButton(self.view)
        self.jump.setText("↓")
        self.jump.setToolTip("Jump to the newest messages")
        self.jump.clicked.connect(self.on_jump)
        self.jump.setStyleSheet(
            f"QToolButton {{ background: {BLUE}; color: white; border-radius: 15px; padding: 5px 12px;"
            " font-weight: 600; }")
        self.jump.hide()
        self.view.viewport().installEventFilter(self)

        ml.addWidget(self._line())
        composer = QFrame()
        cl = QHBoxLayout(composer)
        cl.setContentsMargins(10, 8, 10, 4)
        cl.setSpacing(6)
        self.emoji = EmojiButton()
        cl.addWidget(self.emoji, 0, Qt.AlignmentFlag.AlignBottom)
        self.input = ComposeEdit()
        self.input.setPlaceholderText("Write a message…")
        self.input.submitted.connect(self.on_submitted)
        self.emoji.picked.connect(self.input.insertPlainText)
        cl.addWidget(self.input, 1)
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.clicked.connect(lambda: self.on_submitted(self.input.toPlainText()))
        cl.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        ml.addWidget(composer)
        self.hint = muted_label("Enter sends · Shift+Enter adds a line · /help lists commands")
        self.hint.setFont(small_font(self.hint.font()))
        self.hint.setContentsMargins(56, 0, 10, 6)
        ml.addWidget(self.hint)
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([210, 700])
        self._refresh_header()

    @staticmethod
    def _section(text: str) -> QLabel:
        label = muted_label(text)
        font = small_font(label.font())
        font.setBold(True)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.8)
        label.setFont(font)
        return label

    @staticmethod
    def _line() -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        pal = line.palette()
        pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.Mid))
        line.setPalette(pal)
        return line

    def _fit_rooms(self, *_: Any) -> None:
        rows = max(1, min(6, self.rooms_model.rowCount()))
        self.rooms_view.setFixedHeight(rows * 30 + 4)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._place_jump()
            if self._stick:  # a banner appeared or the window shrank: keep the newest message in view
                QTimer.singleShot(0, self.view.scrollToBottom)
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            self._refresh_people()  # nick colours depend on light or dark

    def _place_jump(self) -> None:
        vp = self.view.viewport()
        self.jump.adjustSize()
        self.jump.move(vp.width() - self.jump.width() - 18, vp.height() - self.jump.height() - 12)

    # --- connecting -------------------------------------------------------------------------------

    def connect_to(self, host: str, port: int, nick: str, room: str = "lobby", **client_options: Any) -> None:
        """Join ``room`` on the chat server at ``host:port`` as ``nick`` (closing any current connection)."""
        self.disconnect()
        self.rooms.clear()
        self.rooms_model.clear()
        self.current = None
        self._queued_ids.clear()
        self._fatal_error = None
        self._was_online = False
        self.nick = nick
        conn = ChatConnection(host, port, nick, room, **client_options)
        conn.state_changed.connect(self.on_state)
        conn.received.connect(self.on_received)
        conn.queued.connect(self.on_queued)
        conn.sent.connect(self.on_sent)
        conn.delivered.connect(self.on_delivered)
        conn.local_notice.connect(self.on_local_notice)
        self.connection = conn
        self._show_room(self._room(room))
        conn.start()

    def disconnect(self) -> None:
        """Leave the server for good (the socket closes in the background)."""
        conn, self.connection = self.connection, None
        if conn is None:
            return
        for signal in (conn.state_changed, conn.received, conn.queued, conn.sent, conn.delivered, conn.local_notice):
            signal.disconnect()
        conn.close()
        self._closing = [c for c in self._closing if not c.is_finished] + [conn]
        waiting = len(self._queued_ids)
        lost = {0: "", 1: " 1 message you wrote offline was not sent."}.get(
            waiting, f" {waiting} messages you wrote offline were not sent.")
        self._set_state("disconnected", "You left the chat." + lost)

    @property
    def idle(self) -> bool:
        """No connection open or closing: every socket this pane used is closed."""
        return self.connection is None and all(c.is_finished for c in self._closing)

    # --- rooms ------------------------------------------------------------------------------------

    def _room(self, name: str) -> RoomState:
        room = self.rooms.get(name)
        if room is None:
            room = self.rooms[name] = RoomState(name, ChatModel(parent=self))
            item = QStandardItem(f"#  {name}")
            item.setData(name, RoomRole)
            item.setData(0, UnreadRole)
            self.rooms_model.appendRow(item)
        return room

    def _room_item(self, name: str) -> QStandardItem | None:
        for row in range(self.rooms_model.rowCount()):
            item = self.rooms_model.item(row)
            if item.data(RoomRole) == name:
                return item
        return None

    def _show_room(self, room: RoomState) -> None:
        if self.current is room:
            return
        self.current = room
        self.view.setModel(room.model)
        room.model.rowsAboutToBeInserted.connect(self._before_insert)
        room.model.rowsInserted.connect(self._after_insert)
        item = self._room_item(room.name)
        if item is not None:
            self.rooms_view.selectionModel().setCurrentIndex(item.index(),
                                                             QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.input.setPlaceholderText(f"Message #{room.name}")
        self._refresh_people()
        self._refresh_header()
        QTimer.singleShot(0, self.view.scrollToBottom)
        self._mark_read()

    def on_room_clicked(self, index: QModelIndex) -> None:
        name = index.data(RoomRole)
        if self.connection is None or name is None or (self.current and self.current.name == name):
            return
        self.connection.send(Join(name))
        if self.current is not None:
            self.rooms_view.selectionModel().setCurrentIndex(self._room_item(self.current.name).index(),
                                                             QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def on_join_typed(self) -> None:
        name = self.join_edit.text().strip().lstrip("#")
        if not name:
            return
        if problem := room_problem(name):
            self.join_problem.setText(problem)
            self.join_problem.show()
            return
        self.join_problem.hide()
        self.join_edit.clear()
        self.join_room(name)

    def join_room(self, name: str) -> None:
        """Go to room ``name`` (created on the server if nobody is there yet)."""
        if self.connection is None:
            self._notice("error", "You are not connected. Press Ctrl+K to connect first.")
            return
        self._room(name)
        self.connection.send(Join(name))

    # --- people -----------------------------------------------------------------------------------

    def _refresh_people(self) -> None:
        self.people_model.clear()
        room = self.current
        if room is None:
            return
        here = sorted((n for n, on in room.members.items() if on), key=str.lower)
        gone = sorted((n for n, on in room.members.items() if not on), key=lambda n: -room.left_at.get(n, 0))[:20]
        for nick in here:
            item = QStandardItem(dot_icon(GREEN), f"{nick}  (you)" if nick == self.nick else nick)
            item.setForeground(nick_colour(nick))
            item.setToolTip(f"{nick} is in #{room.name}")
            self.people_model.appendRow(item)
        for nick in gone:
            when = time.strftime("%H:%M", time.localtime(room.left_at.get(nick, time.time())))
            item = QStandardItem(dot_icon(GREY, hollow=True), f"{nick}  · left {when}")
            item.setForeground(muted(self.palette()))
            item.setToolTip(f"{nick} left #{room.name} at {when}")
            self.people_model.appendRow(item)
        self.people_title.setText(f"PEOPLE HERE · {len(here)}")

    def members_here(self, room: str | None = None) -> list[str]:
        state = self.rooms.get(room) if room else self.current
        return sorted(n for n, on in state.members.items() if on) if state else []

    # --- header, banner, state --------------------------------------------------------------------

    def _refresh_header(self) -> None:
        conn = self.connection
        if self.current is None:
            self.title.setText("Not connected")
            self.subtitle.setText("Press Connect… (Ctrl+K) to join a chat server")
        else:
            self.title.setText(f"# {self.current.name}")
            here = len(self.members_here())
            where = f"{conn.host}:{conn.port}" if conn else "not connected"
            who = f" as {self.nick}" if self.nick else ""
            self.subtitle.setText(f"{here} {'person' if here == 1 else 'people'} here · {where}{who}")
        self.disconnect_button.setVisible(conn is not None)

    def _set_state(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail
        self.pill.set_state(state)
        self._refresh_header()
        self._refresh_banner()
        self.state_changed.emit(state, detail)

    def _refresh_banner(self) -> None:
        waiting = len(self._queued_ids)
        if waiting == 1:
            kept = " 1 message is waiting: it is sent as soon as the connection is back."
        elif waiting:
            kept = f" {waiting} messages are waiting: they are sent as soon as the connection is back."
        else:
            kept = " Messages you write now are kept and sent when the connection is back."
        if self.state == "reconnecting":
            self.banner.show_message(ORANGE, f"<b>Connection lost.</b> {self.detail}{kept}")
        elif self.state == "connecting" and waiting:
            self.banner.show_message(BLUE, f"Connecting…{kept}")
        elif self.state == "failed":
            if self._fatal_error is not None:
                self.banner.show_message(RED, f"<b>Could not join.</b> {self._fatal_error.message}", "Change…")
            else:
                self.banner.show_message(RED, f"<b>Not connected.</b> {self.detail} If it is another kind of "
                                              "server, talk to it in raw mode.", "Open in raw mode")
        elif self.state == "disconnected" and self.current is not None:
            self.banner.show_message(GREY, self.detail or "You left the chat.", "Connect…")
        else:
            self.banner.hide()

    def on_banner_action(self) -> None:
        if self.state == "failed" and self._fatal_error is None and self._address is not None:
            self.raw_requested.emit(*self._address)
        else:
            self.connect_dialog_requested.emit()

    def on_state(self, state: str, detail: str, retry_in: object) -> None:
        conn = self.connection
        if conn is not None:
            self._address = (conn.host, conn.port)
        if state == "connected":
            if self._was_online is False and self.current is not None and self.current.model.rowCount():
                self._notice("info", "Back online." + (" Sending the messages you wrote offline…"
                                                       if self._queued_ids else ""))
            self._was_online = True
            self._fatal_error = None
            if conn is not None:
                self.nick = conn.nick
                self.connected_to.emit(f"[{conn.host}]:{conn.port}" if ":" in conn.host else f"{conn.host}:{conn.port}")
        elif state in ("reconnecting", "failed") and self._was_online:
            self._was_online = False
            self._notice("error", "Connection lost. Reconnecting…" if state == "reconnecting" else detail)
        elif state == "failed" and self.current is not None:
            self._notice("error", detail)
        self._set_state(state, detail)

    # --- what the server says ---------------------------------------------------------------------

    def on_received(self, msg: object) -> None:
        if isinstance(msg, ChatMessage):
            self._on_chat_message(msg)
        elif isinstance(msg, Joined):
            self._on_joined(msg)
        elif isinstance(msg, Presence):
            self._on_presence(msg)
        elif isinstance(msg, Members):
            room = self._room(msg.room)
            for nick in list(room.members):
                room.members[nick] = False if nick not in msg.nicks else room.members[nick]
            for nick in msg.nicks:
                room.members[nick] = True
            self._notice("notice", f"In #{msg.room}: {', '.join(msg.nicks)}", room)
            self._refresh_people_if(room)
        elif isinstance(msg, Notice):
            self._notice("notice", msg.text, when=msg.time or time.time())
        elif isinstance(msg, Error):
            if msg.fatal:
                self._fatal_error = msg
            self._notice("error", msg.message or msg.code)
        elif isinstance(msg, Welcome):
            self.nick = msg.nick or self.nick

    def _on_joined(self, msg: Joined) -> None:
        room = self._room(msg.room)
        old_nick = self.nick
        self.nick = msg.nick
        for nick in list(room.members):
            room.members[nick] = False if nick not in msg.members else room.members[nick]
        for nick in msg.members:
            room.members[nick] = True
            room.left_at.pop(nick, None)
        if old_nick and old_nick != msg.nick and self.current is room:
            room.members.pop(old_nick, None)
            self._notice("nick", f"You are now known as {msg.nick}", room)
        elif self.current is not room or not room.model.rowCount():
            left = self.current
            if left is not None and left is not room:
                left.members.pop(self.nick, None)
                left.members.pop(old_nick, None)
            self._show_room(room)
            self._notice("info", f"You joined #{room.name}" + (
                f" as {msg.nick}." if msg.nick else "."), room)
        self._refresh_people_if(room)
        self._refresh_header()

    def _on_presence(self, msg: Presence) -> None:
        room = self._room(msg.room)
        if msg.kind == "join":
            room.members[msg.nick] = True
            room.left_at.pop(msg.nick, None)
            self._notice("join", f"{msg.nick} joined", room, msg.time)
        elif msg.kind == "leave":
            room.members[msg.nick] = False
            room.left_at[msg.nick] = msg.time
            self._notice("leave", f"{msg.nick} left", room, msg.time)
        elif msg.kind == "nick":
            room.members.pop(msg.old, None)
            room.members[msg.nick] = True
            self._notice("nick", f"{msg.old} is now known as {msg.nick}", room, msg.time)
        self._refresh_people_if(room)

    def _refresh_people_if(self, room: RoomState) -> None:
        if room is self.current:
            self._refresh_people()
            self._refresh_header()

    def _on_chat_message(self, msg: ChatMessage) -> None:
        room = self._room(msg.room)
        own = msg.nick == self.nick
        if own and not msg.history:
            for entry in room.awaiting_echo:
                if entry.text == msg.text:
                    room.awaiting_echo.remove(entry)
                    entry.time = msg.time
                    room.model.remember(entry)
                    row = room.model.row_of_local(entry.local_id)
                    if row is not None:
                        room.model.changed(row)
                    return
        if room.model.seen(msg.nick, msg.time, msg.text):
            return  # replayed history we already show (after a reconnect)
        entry = ChatEntry(msg.kind if msg.kind in ("say", "me") else "say", msg.text, msg.nick, msg.time,
                          own=own, status="delivered" if own else "", history=msg.history)
        if not own and not msg.history:
            self._note_unread(room)
        room.model.append(entry)
        if own:
            room.model.remember(entry)

    # --- our own messages -------------------------------------------------------------------------

    def on_submitted(self, text: str) -> None:
        if self.send_text(text):
            self.input.clear()

    def send_text(self, text: str) -> bool:
        """Send what was typed (a message or a /command). False when nothing was sent (the reason is shown)."""
        text = text.rstrip()
        if not text.strip():
            return False
        if self.connection is None:
            self._notice("error", "You are not connected. Press Ctrl+K to connect to a chat server.")
            return False
        try:
            command = parse_input(text)
        except CommandError as exc:
            self._notice("error", str(exc))
            return False
        if isinstance(command, Quit):
            self.disconnect()
            return True
        if isinstance(command, Help):
            self._notice("notice", HELP)
            return True
        if isinstance(command, (Say, Me)):
            online = self.connection.online
            local_id = self.connection.send(command, text)
            entry = ChatEntry("say" if isinstance(command, Say) else "me", command.text, self.nick, own=True,
                              status="sending" if online else "queued", local_id=local_id)
            if not online:
                self._queued_ids.add(local_id)
            room = self.current or self._room(self.connection.client.room)
            room.model.append(entry)
            self._mark_read()
            QTimer.singleShot(0, self.view.scrollToBottom)
            self._refresh_banner()
            return True
        if isinstance(command, Join):
            self._room(command.room)
        self.connection.send(command, text)
        return True

    def _find_own(self, local_id: int) -> tuple[RoomState, int] | None:
        rooms = [self.current, *self.rooms.values()] if self.current else list(self.rooms.values())
        for room in rooms:
            row = room.model.row_of_local(local_id)
            if row is not None:
                return room, row
        return None

    def _set_status(self, local_id: int, status: str) -> RoomState | None:
        found = self._find_own(local_id)
        if found is None:
            return None
        room, row = found
        room.model.rows[row].status = status
        room.model.changed(row)
        return room

    def on_queued(self, local_id: int, text: str) -> None:
        self._queued_ids.add(local_id)
        self._set_status(local_id, "queued")
        self._refresh_banner()

    def on_sent(self, local_id: int) -> None:
        self._queued_ids.discard(local_id)
        self._set_status(local_id, "sent")
        self._refresh_banner()

    def on_delivered(self, local_id: int) -> None:
        self._queued_ids.discard(local_id)
        room = self._set_status(local_id, "delivered")
        if room is not None:
            room.awaiting_echo.append(room.model.rows[room.model.row_of_local(local_id)])
        self._refresh_banner()

    def on_local_notice(self, text: str) -> None:
        self._notice("notice", text)

    def _notice(self, kind: str, text: str, room: RoomState | None = None, when: float | None = None) -> None:
        room = room or self.current
        if room is None:
            room = self._room("lobby")
            self._show_room(room)
        room.model.append(ChatEntry(kind, text, time=when or time.time()))

    @property
    def queued_count(self) -> int:
        return len(self._queued_ids)

    # --- scrolling, unread ------------------------------------------------------------------------

    def _looking(self) -> bool:
        window = self.window()
        return window.isActiveWindow() and self.view.at_bottom() and self.isVisible()

    def _note_unread(self, room: RoomState) -> None:
        if room is self.current and self._looking():
            return
        if room.unread == 0:
            room.model.move_marker_to_end()
        room.unread += 1
        item = self._room_item(room.name)
        if item is not None:
            item.setData(room.unread, UnreadRole)
        self._refresh_jump()

    def _mark_read(self) -> None:
        room = self.current
        if room is None or not room.unread:
            self._refresh_jump()
            return
        room.unread = 0
        item = self._room_item(room.name)
        if item is not None:
            item.setData(0, UnreadRole)
        self._refresh_jump()

    def on_window_activated(self) -> None:
        """The window came to the front: what is in view now counts as read."""
        if self.view.at_bottom():
            self._mark_read()

    def _refresh_jump(self) -> None:
        room = self.current
        if room is None or self.view.at_bottom():
            self.jump.hide()
            return
        self.jump.setText(f"↓  {room.unread} new" if room.unread else "↓")
        self._place_jump()
        self.jump.show()
        self.jump.raise_()

    def _before_insert(self, *_: Any) -> None:
        self._stick = self.view.at_bottom()

    def _after_insert(self, *_: Any) -> None:
        if self._stick:
            QTimer.singleShot(0, self.view.scrollToBottom)
        else:
            self._refresh_jump()

    def on_scrolled(self, *_: Any) -> None:
        self._stick = self.view.at_bottom()
        if self.view.at_bottom() and self.window().isActiveWindow():
            self._mark_read()
        self._refresh_jump()

    def on_jump(self) -> None:
        self.view.scrollToBottom()
        self._mark_read()

    # --- copying ----------------------------------------------------------------------------------

    def selected_text(self) -> str:
        if self.current is None:
            return ""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        entries = [self.current.model.rows[r] for r in rows if self.current.model.rows[r].kind != "marker"]
        if len(entries) == 1 and entries[0].is_message:
            return entries[0].text
        return "\n".join(e.copy_text() for e in entries)

    def copy_selection(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def on_context_menu(self, pos: Any) -> None:
        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isSelected(index):
            self.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        menu = QMenu(self)
        copy = menu.addAction("Copy text")
        copy.setEnabled(bool(self.selected_text()))
        copy.triggered.connect(self.copy_selection)
        menu.addAction("Select all", self.view.selectAll)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def focus_input(self) -> None:
        self.input.setFocus()

