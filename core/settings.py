"""The person's settings, saved as a small JSON file in the per-user config folder.

Pure Python so the GUI and the headless commands read the same file. First run: every field has a
default that works with no configuration (servers on 127.0.0.1, the default ports, Downloads/Wirelab).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from core import config as cfg
from core.lab import LabSettings

FILENAME = "settings.json"


@dataclass(frozen=True)
class Settings:
    nick: str = field(default_factory=cfg.default_nick)
    receive_dir: str = field(default_factory=lambda: str(cfg.receive_dir()))
    serve_network: bool = False
    chat_port: int = cfg.DEFAULT_CHAT_PORT
    echo_port: int = cfg.DEFAULT_ECHO_PORT
    file_port: int = cfg.DEFAULT_FILE_PORT
    api_port: int = cfg.DEFAULT_API_PORT
    start_servers_at_launch: bool = True
    auto_accept: bool = False
    trusted_senders: tuple[str, ...] = ()
    restart_crashed: bool = True
    recent_chat_servers: tuple[str, ...] = ()
    recent_file_targets: tuple[str, ...] = ()

    def lab(self) -> LabSettings:
        """What the supervisor's workers are started with."""
        return LabSettings(
            host=cfg.ALL_INTERFACES if self.serve_network else cfg.LOCALHOST,
            chat_port=self.chat_port,
            echo_port=self.echo_port,
            file_port=self.file_port,
            api_port=self.api_port,
            receive_dir=self.receive_dir,
            auto_accept=self.auto_accept,
            trusted_senders=self.trusted_senders,
            nick=self.nick,
        )

    def remember(self, attr: str, value: str, keep: int = 10) -> Settings:
        """A copy with ``value`` first in the recent list ``attr`` (no duplicates, at most ``keep``)."""
        items = [value, *(v for v in getattr(self, attr) if v != value)][:keep]
        return replace(self, **{attr: tuple(items)})


def settings_path() -> Path:
    return cfg.config_dir() / FILENAME


def load(path: Path | None = None) -> Settings:
    """The saved settings; defaults for anything missing, unknown or unreadable (never raises)."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    defaults = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(defaults, f.name)
        if isinstance(default, tuple) and isinstance(value, list) and all(isinstance(v, str) for v in value):
            values[f.name] = tuple(value)
        elif isinstance(default, bool) and isinstance(value, bool):
            values[f.name] = value
        elif isinstance(default, int) and not isinstance(default, bool) and isinstance(value, int) \
                and not isinstance(value, bool) and 0 <= value <= 65535:
            values[f.name] = value
        elif isinstance(default, str) and isinstance(value, str) and value:
            values[f.name] = value
    return replace(defaults, **values)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically (a crash mid-write never leaves a half file)."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(asdict(settings), indent=2, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
