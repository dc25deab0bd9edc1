"""Screenshots of the main window: the dashboard with real servers and real activity, and Settings."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from core.chat_client import ChatClient
from core.file_sender import FileSender, collect


def capture(shooter) -> None:
    from gui.main_window import MainWindow
    from gui.servers.settings_dialog import SettingsDialog

    context = shooter.context
    window = MainWindow(context)
    context.keep(window)
    window.resize(1180, 900)
    window.show()
    context.update_settings(auto_accept=True)
    window.dashboard.start_all()
    shooter.wait_until(lambda: all(info.listening for info in context.bridge.supervisor.infos()), timeout=30)

    api_host, api_port = context.address("api")
    base = f"http://{api_host}:{api_port}"
    for method, path in (("GET", "/"), ("GET", "/todos/1"), ("POST", "/todos"), ("GET", "/todos/999"),
                         ("DELETE", "/todos/3"), ("GET", "/people/v1/users?name=John"), ("GET", "/status/503")):
        request = urllib.request.Request(base + path, method=method, data=b'{"userId": 1, "title": "Buy milk", "completed": false}' if method == "POST"
                                         else None, headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except urllib.error.HTTPError as exc:
            exc.close()

    chat_host, chat_port = context.address("chat")
    people = [ChatClient(chat_host, chat_port, nick, on_event=lambda e: None) for nick in ("ana", "ben")]
    for person in people:
        person.start()
    shooter.wait_until(lambda: all(p.state == "connected" for p in people))
    people[0].say("Is everyone's echo server running?")
    people[1].say("Yes, mine answers on port 65432")
    people[0].say("/me hands out the worksheet")

    folder = shooter.workdir / "from-ana" / "week 3"
    folder.mkdir(parents=True)
    (folder / "worksheet.pdf").write_bytes(os.urandom(180_000))
    (folder / "notes.txt").write_text("Bring a laptop\n")
    files_host, files_port = context.address("files")
    FileSender(files_host, files_port, collect([folder])[0], nick="ana", machine="lab-pc-07").run()

    shooter.wait_until(lambda: window.dashboard.api.model.rowCount() >= 7)
    shooter.wait_until(lambda: window.dashboard.received.model.rowCount() >= 2)
    window.dashboard.tabs.setCurrentIndex(2)
    shooter.save(window, "servers-dashboard")
    window.dashboard.tabs.setCurrentIndex(0)
    shooter.save(window, "servers-connections")

    from dataclasses import replace

    from core import config as cfg

    # Serving the network: every LAN address on the cards, and a crashed server explained.
    window.network.setChecked(True)
    shooter.wait_until(lambda: all(i.listening and i.listening[0].host == "0.0.0.0"
                                   for i in context.bridge.supervisor.infos()), timeout=30)
    import signal

    os.kill(context.bridge.supervisor.info("echo").pid, signal.SIGKILL)
    shooter.wait_until(lambda: window.dashboard.cards["echo"].error.isVisible(), timeout=20)
    window.dashboard.tabs.setCurrentIndex(3)
    shooter.save(window, "servers-network-and-crash")
    window.network.setChecked(False)

    dialog = SettingsDialog(replace(context.settings, chat_port=cfg.DEFAULT_CHAT_PORT, file_port=cfg.DEFAULT_FILE_PORT,
                                    echo_port=cfg.DEFAULT_ECHO_PORT, api_port=cfg.DEFAULT_API_PORT,
                                    receive_dir=str(Path.home() / "Downloads" / "Wirelab"), auto_accept=False,
                                    trusted_senders=("lab-pc-07",)), window)
    shooter.save(dialog, "servers-settings")
    dialog.close()
    for person in people:
        person.close()
