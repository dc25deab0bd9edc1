"""Settings: names, folders, ports and the few choices a lab needs. Saved at once with OK."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.protocol.commands import nick_problem
from core.settings import Settings

PORT_FIELDS = (("chat_port", "Chat server"), ("file_port", "File receiver"), ("echo_port", "Echo server"),
               ("api_port", "REST API"))


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Wirelab — Settings")
        self.original = settings
        form = QFormLayout()
        self.nick = QLineEdit(settings.nick)
        self.nick.setToolTip("The name others see in chat rooms and when you send them files.")
        form.addRow("Your name:", self.nick)

        folder_row = QHBoxLayout()
        self.receive_dir = QLineEdit(settings.receive_dir)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.receive_dir, 1)
        folder_row.addWidget(browse)
        form.addRow("Received files go to:", folder_row)

        self.ports: dict[str, QSpinBox] = {}
        for field, words in PORT_FIELDS:
            box = QSpinBox()
            box.setRange(0, 65535)
            box.setSpecialValueText("any free port")
            box.setValue(getattr(settings, field))
            self.ports[field] = box
            form.addRow(f"{words} port:", box)

        self.start_at_launch = QCheckBox("Start the servers when Wirelab opens")
        self.start_at_launch.setChecked(settings.start_servers_at_launch)
        self.restart_crashed = QCheckBox("Restart a server by itself if it stops with a problem")
        self.restart_crashed.setChecked(settings.restart_crashed)
        self.auto_accept = QCheckBox("Accept every file sent to me without asking (not recommended on a shared network)")
        self.auto_accept.setChecked(settings.auto_accept)
        for box in (self.start_at_launch, self.restart_crashed, self.auto_accept):
            form.addRow("", box)

        self.trusted = QListWidget()
        self.trusted.addItems(settings.trusted_senders)
        self.trusted.setMaximumHeight(90)
        self.trusted.setToolTip("Machines you chose “Always accept from this machine” for.")
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: [self.trusted.takeItem(self.trusted.row(i)) for i in self.trusted.selectedItems()])
        trusted_box = QHBoxLayout()
        trusted_box.addWidget(self.trusted, 1)
        trusted_box.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("Always accept files from:", trusted_box)
        if not settings.trusted_senders:
            self.trusted.addItem("(nobody yet: you are asked every time)")
            self.trusted.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

        self.problem = QLabel()
        self.problem.setStyleSheet("color: #d64545;")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Where should received files go?", self.receive_dir.text())
        if chosen:
            self.receive_dir.setText(chosen)

    def result_settings(self) -> Settings:
        trusted = tuple(self.trusted.item(i).text() for i in range(self.trusted.count())
                        if self.trusted.item(i).flags() != Qt.ItemFlag.NoItemFlags)
        return replace(
            self.original,
            nick=self.nick.text().strip(),
            receive_dir=str(Path(self.receive_dir.text().strip()).expanduser()),
            start_servers_at_launch=self.start_at_launch.isChecked(),
            restart_crashed=self.restart_crashed.isChecked(),
            auto_accept=self.auto_accept.isChecked(),
            trusted_senders=trusted,
            **{field: box.value() for field, box in self.ports.items()},
        )

    def problem_with(self, settings: Settings) -> str | None:
        if problem := nick_problem(settings.nick):
            return problem
        if not self.receive_dir.text().strip():
            return "Choose a folder for received files."
        ports = [getattr(settings, f) for f, _ in PORT_FIELDS if getattr(settings, f)]
        if len(set(ports)) != len(ports):
            return "Two servers cannot share one port: give each a different number."
        return None

    def _accept(self) -> None:
        settings = self.result_settings()
        problem = self.problem_with(settings)
        if problem:
            self.problem.setText(problem)
            return
        self.accept()
