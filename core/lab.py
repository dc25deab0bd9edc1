"""The lab: which workers Wirelab runs, and with what settings. Shared by ``wirelab serve`` and the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import config as cfg
from core.supervisor import WorkerSpec

SERVICES = cfg.SERVICES

TARGETS = {
    "chat": "core.workers.chat:run",
    "echo": "core.workers.echo:run",
    "files": "core.workers.files:run",
    "api": "core.workers.api:run",
}

TITLES = {
    "chat": "Chat server",
    "echo": "Echo server",
    "files": "File receiver",
    "api": "REST API",
}


@dataclass(frozen=True)
class LabSettings:
    host: str = cfg.LOCALHOST
    chat_port: int = cfg.DEFAULT_CHAT_PORT
    echo_port: int = cfg.DEFAULT_ECHO_PORT
    file_port: int = cfg.DEFAULT_FILE_PORT
    api_port: int = cfg.DEFAULT_API_PORT
    data_dir: str = field(default_factory=lambda: str(cfg.data_dir()))
    receive_dir: str = field(default_factory=lambda: str(cfg.receive_dir()))
    auto_accept: bool = False
    trusted_senders: tuple[str, ...] = ()
    nick: str = field(default_factory=cfg.default_nick)
    server_name: str = field(default_factory=cfg.machine_name)

    @property
    def serves_network(self) -> bool:
        return self.host not in (cfg.LOCALHOST, "::1", "localhost")

    def port(self, service: str) -> int:
        return {
            "chat": self.chat_port,
            "echo": self.echo_port,
            "files": self.file_port,
            "api": self.api_port,
        }[service]


def worker_config(settings: LabSettings, service: str) -> object:
    """The config dataclass one worker gets."""
    if service == "chat":
        return cfg.ChatConfig(host=settings.host, port=settings.chat_port, server_name=settings.server_name,
                              advertise=settings.serves_network, nick=settings.nick)
    if service == "echo":
        return cfg.EchoConfig(host=settings.host, port=settings.echo_port)
    if service == "files":
        return cfg.FileConfig(
            host=settings.host,
            port=settings.file_port,
            receive_dir=settings.receive_dir,
            auto_accept=settings.auto_accept,
            trusted_senders=settings.trusted_senders,
            server_name=settings.server_name,
            nick=settings.nick,
            advertise=settings.serves_network,
        )
    if service == "api":
        return cfg.ApiConfig(host=settings.host, port=settings.api_port, data_dir=settings.data_dir)
    raise KeyError(service)


def worker_specs(settings: LabSettings, services: tuple[str, ...] = SERVICES) -> list[WorkerSpec]:
    return [WorkerSpec(name, TARGETS[name], worker_config(settings, name)) for name in services]
