"""Defaults, per-user folders and the configuration each worker receives.

Configs are small frozen dataclasses: the supervisor pickles them into spawned worker processes, so
they must hold only plain values (no sockets, no open files, no callables).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path


APP_DIR_NAME = "Wirelab"

#: The servers Wirelab runs, in the order they are shown and started (one worker process each).
SERVICES = ("chat", "echo", "files", "api")

LOCALHOST = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"

# Default ports. The echo port and the API port are the ones the seed tutorials use, so their
# scripts and curl commands work unchanged; chat and file receiving get neighbouring free numbers.
DEFAULT_CHAT_PORT = 5050
DEFAULT_FILE_PORT = 5051
DEFAULT_ECHO_PORT = 65432
DEFAULT_API_PORT = 5001

#: Refuse a batch of files that would leave less than this much free space in the receive folder.
MIN_FREE_BYTES = 250 * 1024 * 1024


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Per-user folder for the API database, stored JSON posts and history (``WIRELAB_DATA_DIR`` overrides)."""
    import platformdirs  # imported when needed: it costs more start-up time than the rest of this module

    return _env_path("WIRELAB_DATA_DIR") or Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    """Per-user folder for settings (``WIRELAB_CONFIG_DIR`` overrides)."""
    import platformdirs

    return _env_path("WIRELAB_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def log_dir() -> Path:
    """Per-user folder for log files."""
    import platformdirs

    return _env_path("WIRELAB_LOG_DIR") or Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def receive_dir() -> Path:
    """Where received files go by default: a "Wirelab" folder inside the user's Downloads."""
    override = _env_path("WIRELAB_RECEIVE_DIR")
    if override:
        return override
    import platformdirs

    return Path(platformdirs.user_downloads_dir()) / APP_DIR_NAME


def machine_name() -> str:
    """A short name for this computer that other lab machines are shown."""
    name = socket.gethostname() or "wirelab"
    return name.split(".")[0][:63]


def default_nick() -> str:
    """A first-run nickname: the login name, or "guest"."""
    for var in ("WIRELAB_NICK", "USER", "USERNAME", "LOGNAME"):
        value = os.environ.get(var)
        if value:
            return value[:32]
    return "guest"


# --- worker configs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatConfig:
    host: str = LOCALHOST
    port: int = DEFAULT_CHAT_PORT
    server_name: str = field(default_factory=machine_name)
    history_size: int = 100
    #: A client that sends nothing for this long after connecting is treated as plain text (nc).
    sniff_seconds: float = 0.5
    #: A client whose unsent output grows past this is too slow to keep up and is disconnected.
    max_outbox_bytes: int = 1024 * 1024
    idle_timeout: float = 0.0  # 0 = never drop idle chat clients (a chat room may be quiet for hours)
    #: Advertise the chat server on the LAN with zeroconf (only when serving the lab network).
    advertise: bool = False
    nick: str = field(default_factory=default_nick)


@dataclass(frozen=True)
class EchoConfig:
    host: str = LOCALHOST
    port: int = DEFAULT_ECHO_PORT
    idle_timeout: float = 300.0


@dataclass(frozen=True)
class FileConfig:
    host: str = LOCALHOST
    port: int = DEFAULT_FILE_PORT
    receive_dir: str = field(default_factory=lambda: str(receive_dir()))
    #: Accept every offer without asking (headless ``wirelab serve --auto-accept``).
    auto_accept: bool = False
    #: Machines whose offers are accepted without asking ("always accept from this machine").
    trusted_senders: tuple[str, ...] = ()
    server_name: str = field(default_factory=machine_name)
    nick: str = field(default_factory=default_nick)
    min_free_bytes: int = MIN_FREE_BYTES
    idle_timeout: float = 60.0
    #: How long an offer waits for the person at this machine to answer.
    answer_timeout: float = 300.0
    #: Advertise the service on the LAN with zeroconf (only when serving the lab network).
    advertise: bool = False


@dataclass(frozen=True)
class ApiConfig:
    host: str = LOCALHOST
    port: int = DEFAULT_API_PORT
    data_dir: str = field(default_factory=lambda: str(data_dir()))
    threads: int = 8
    max_body_bytes: int = 10 * 1024 * 1024
