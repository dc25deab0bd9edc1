"""This computer's addresses, as other lab machines would type them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import ifaddr  # comes with zeroconf


@dataclass(frozen=True)
class LocalAddress:
    interface: str
    address: str
    version: int  # 4 or 6

    @property
    def for_url(self) -> str:
        return f"[{self.address}]" if self.version == 6 else self.address


def lan_addresses(include_link_local: bool = False) -> list[LocalAddress]:
    """Every non-loopback address, IPv4 first (that is what people type), then global IPv6."""
    found: list[LocalAddress] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, tuple):  # IPv6: (address, flowinfo, scope_id)
                address, version = ip.ip[0], 6
            else:
                address, version = ip.ip, 4
            parsed = ipaddress.ip_address(address)
            if parsed.is_loopback or (parsed.is_link_local and not include_link_local):
                continue
            found.append(LocalAddress(adapter.nice_name, address, version))
    found.sort(key=lambda a: (a.version, a.interface, a.address))
    return found
