"""Finding Wirelab on the lab network with zeroconf (mDNS/DNS-SD), like printers find each other.

A server that serves the lab network advertises itself (:class:`Advertiser`); windows that need a
server list them live (:class:`Browser`). Service types, one per Wirelab service:

* ``_wirelab-files._tcp.local.`` - a file receiver
* ``_wirelab-chat._tcp.local.``  - a chat server

TXT properties: ``machine`` (computer name), ``nick`` (who sits there), ``protocol`` (Wirelab protocol
version), ``app`` ("wirelab"). mDNS only crosses one network segment: machines on another subnet are
not found, which is why every window also takes a typed address.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from zeroconf import InterfaceChoice, IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from core.net.interfaces import lan_addresses
from core.protocol.messages import PROTOCOL_VERSION

log = logging.getLogger(__name__)

SERVICE_TYPES = {
    "files": "_wirelab-files._tcp.local.",
    "chat": "_wirelab-chat._tcp.local.",
}


@dataclass(frozen=True)
class Peer:
    """A Wirelab server found on the network."""

    service: str
    name: str  # the unique instance name
    machine: str
    nick: str
    addresses: tuple[str, ...]
    port: int
    protocol: int

    @property
    def label(self) -> str:
        who = f"{self.nick} on {self.machine}" if self.nick else self.machine
        return f"{who} ({self.address})"

    @property
    def address(self) -> str:
        host = self.addresses[0] if self.addresses else self.machine
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"


def _instance_name(machine: str, service: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_ " else "-" for ch in machine)[:40] or "wirelab"
    return f"{safe} Wirelab {service}"


class Advertiser:
    """Announces one service on every LAN interface until :meth:`close`."""

    def __init__(self, machine: str, nick: str, port: int, service: str = "files") -> None:
        self.machine, self.nick, self.port, self.service = machine, nick, port, service
        self._zeroconf: Zeroconf | None = None
        self._info: ServiceInfo | None = None

    def start(self) -> None:
        kind = SERVICE_TYPES[self.service]
        addresses = [a.address for a in lan_addresses()]
        if not addresses:
            raise OSError("this computer has no network address besides 127.0.0.1")
        self._info = ServiceInfo(
            kind,
            f"{_instance_name(self.machine, self.service)}.{kind}",
            port=self.port,
            properties={"machine": self.machine, "nick": self.nick, "protocol": str(PROTOCOL_VERSION),
                        "app": "wirelab"},
            server=f"{_instance_name(self.machine, 'host').replace(' ', '-')}.local.",
            parsed_addresses=addresses,
        )
        self._zeroconf = _zeroconf()
        self._zeroconf.register_service(self._info, allow_name_change=True)

    def close(self) -> None:
        if self._zeroconf is not None:
            try:
                if self._info is not None:
                    self._zeroconf.unregister_service(self._info)
            finally:
                self._zeroconf.close()
                self._zeroconf = None


class Browser:
    """Keeps a live list of one kind of Wirelab server; ``on_change(peers)`` runs on zeroconf's thread."""

    def __init__(self, service: str, on_change: Callable[[list[Peer]], None]) -> None:
        self.service = service
        self.on_change = on_change
        self._peers: dict[str, Peer] = {}
        self._lock = threading.Lock()
        self._zeroconf: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None

    def start(self) -> None:
        self._zeroconf = _zeroconf()
        self._browser = ServiceBrowser(self._zeroconf, SERVICE_TYPES[self.service], handlers=[self._on_state])

    def peers(self) -> list[Peer]:
        with self._lock:
            return sorted(self._peers.values(), key=lambda p: (p.machine.lower(), p.port))

    def _on_state(self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed:
            with self._lock:
                self._peers.pop(name, None)
        else:
            info = zeroconf.get_service_info(service_type, name, timeout=3000)
            peer = _peer(self.service, name, info) if info is not None else None
            if peer is None:
                return
            with self._lock:
                self._peers[name] = peer
        self.on_change(self.peers())

    def close(self) -> None:
        if self._browser is not None:
            self._browser.cancel()
        if self._zeroconf is not None:
            self._zeroconf.close()
        self._browser = self._zeroconf = None


def _zeroconf() -> Zeroconf:
    """mDNS on this computer's IPv4 LAN interfaces only.

    Lab networks are IPv4; multicast on every interface (loopback, IPv6 without a multicast route)
    only fills the log with "Network is unreachable". Addresses announced may still include IPv6.
    """
    logging.getLogger("zeroconf").setLevel(logging.ERROR)
    interfaces = [a.address for a in lan_addresses() if a.version == 4]
    return Zeroconf(interfaces=interfaces or InterfaceChoice.Default, ip_version=IPVersion.V4Only)


def _peer(service: str, name: str, info: ServiceInfo) -> Peer | None:
    props = {k.decode(errors="replace"): (v or b"").decode(errors="replace") for k, v in info.properties.items()}
    if props.get("app") != "wirelab":
        return None
    addresses = tuple(sorted(info.parsed_scoped_addresses(), key=lambda a: (":" in a, a)))
    try:
        protocol = int(props.get("protocol", "0"))
    except ValueError:
        protocol = 0
    return Peer(service, name, props.get("machine") or socket.gethostname(), props.get("nick", ""), addresses,
                info.port or 0, protocol)
