"""Numbers in words people read: sizes, speeds, durations."""

from __future__ import annotations


def human_size(n: float) -> str:
    """``1536`` -> ``"1.5 KB"`` (binary multiples, as file managers show them)."""
    if n < 1024:
        return f"{int(n)} bytes" if n != 1 else "1 byte"
    for unit in ("KB", "MB", "GB", "TB"):
        n /= 1024
        if n < 1024 or unit == "TB":
            return f"{n:.1f} {unit}"
    raise AssertionError("unreachable")


def human_rate(bytes_per_second: float) -> str:
    return f"{human_size(bytes_per_second)}/s"


def human_duration(seconds: float) -> str:
    """``75`` -> ``"1 min 15 s"``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def format_host(host: str) -> str:
    """IPv6 literals need brackets inside URLs and ``host:port`` strings."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def format_url(scheme: str, host: str, port: int) -> str:
    return f"{scheme}://{format_host(host)}:{port}"
