"""Screenshots of the chat window (scripts/screenshots.py chat): real workers, real conversations."""

from __future__ import annotations

import os
import signal
import socket
import time
from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from core.text_codec import to_hex


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#1f2227"), QColor("#181a1f"), QColor("#e6e8eb")
    for role, colour in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, QColor("#2a2e35")),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Highlight, QColor("#3d7bd6")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")), (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.PlaceholderText, QColor("#8a8f98")),
        (QPalette.ColorRole.Mid, QColor("#3a3f47")), (QPalette.ColorRole.Light, QColor("#3a3f47")),
        (QPalette.ColorRole.Dark, QColor("#101215")),
    ):
        p.setColor(role, colour)
    return p


def capture(shooter: Any) -> None:
    from gui.chat.window import ChatWindow

    context = shooter.context
    supervisor = context.bridge.supervisor
    supervisor.start("chat")
    supervisor.start("echo")
    shooter.wait_until(lambda: context.address("chat") is not None and context.address("echo") is not None)
    host, port = context.address("chat")

    ana, ben = ChatWindow(context), ChatWindow(context)
    for w in (ana, ben):
        context.keep(w)
        w.resize(1000, 660)
    ana.connect_chat(host, port, "ana", "lab2")
    shooter.wait_until(lambda: ana.state == "connected")
    ben.connect_chat(host, port, "ben", "lab2")
    shooter.wait_until(lambda: ben.state == "connected" and "ben" in ana.chat.members_here())

    # a plain-text participant, as a person at `nc` would be
    plain = socket.create_connection((host, port))
    try:
        plain.sendall(b"/join lab2\n")
        shooter.wait(200)
        plain.sendall(b"hi all, I am on nc\n")
        shooter.wait_until(lambda: any("nc" in e.text for e in ana.chat.current.model.rows if e.is_message))
        script = [
            (ana, "Hello! Has everyone got the echo server running?"),
            (ben, "Yes 👍 mine answers on port 65432"),
            (ben, "/me waves from the back row"),
            (ana, "Great. Next step: send two messages quickly and watch how recv() splits them.\n"
                  "Use the raw mode for that (Ctrl+K → Any TCP server)."),
            (ben, "Trying it now 🚀"),
        ]
        for window, text in script:
            window.chat.send_text(text)
            shooter.wait(120)
        plain.sendall(b"/nick carla\n")
        shooter.wait(150)
        plain.sendall("carla here — je suis prête ✅\n".encode())
        shooter.wait_until(lambda: any("prête" in e.text for e in ben.chat.current.model.rows))
        ana.chat.send_text("Welcome Carla!")
        shooter.wait_until(lambda: any(e.text == "Welcome Carla!" for e in ben.chat.current.model.rows))
        ben.chat.input.setPlainText("Shift+Enter adds a line…")
        shooter.wait(300)
        shooter.save(ana, "chat-conversation")
        shooter.save(ben, "chat-second-person")

        # the connect dialog
        dialog = ana.open_connect_dialog()
        shooter.wait(200)
        shooter.save(dialog, "chat-connect")
        dialog.reject()

        # raw mode against the echo server
        raw = ChatWindow(context)
        context.keep(raw)
        raw.resize(1000, 620)
        ehost, eport = context.address("echo")
        raw.connect_raw(ehost, eport)
        shooter.wait_until(lambda: raw.state == "connected")
        pane = raw.raw
        pane.input.setText("GET / HTTP/1.0")
        pane.line_ending.setCurrentIndex(2)  # CRLF
        pane.on_send_pressed()
        shooter.wait_until(lambda: pane.totals["in"][1] >= 16)
        pane.send_mode.setCurrentIndex(1)
        pane.input.setText("tab\\tnull\\x00 é")
        pane.on_send_pressed()
        shooter.wait(200)
        pane.send_mode.setCurrentIndex(2)
        pane.input.setText(to_hex("👋\r\n".encode()))
        pane.on_send_pressed()
        shooter.wait(200)
        pane.recv_size.setValue(5)
        pane.send_mode.setCurrentIndex(0)
        pane.line_ending.setCurrentIndex(1)
        pane.input.setText("one send, several reads")
        pane.on_send_pressed()
        shooter.wait_until(lambda: pane.totals["in"][0] >= 8)
        pane.input.setText("hello echo")
        shooter.wait(200)
        shooter.save(raw, "chat-raw")
        pane.show_chunks(True)
        shooter.wait(200)
        shooter.save(raw, "chat-raw-chunks")
        pane.show_chunks(False)

        # dark palette
        app = QApplication.instance()
        old = app.palette()
        app.setPalette(_dark_palette())
        shooter.wait(300)
        shooter.save(ben, "chat-dark")
        shooter.save(raw, "chat-raw-dark")
        app.setPalette(old)
        shooter.wait(200)

        # the server is killed: the window says so, keeps what is typed, and comes back
        pid = supervisor.info("chat").pid
        os.kill(pid, signal.SIGKILL)
        shooter.wait_until(lambda: ana.state == "reconnecting")
        ana.chat.send_text("Is the server down? This waits until it is back.")
        shooter.wait(400)
        shooter.save(ana, "chat-offline")
        supervisor.start("chat")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and ana.state != "connected":
            shooter.wait(100)
    finally:
        plain.close()
