"""LAN discovery with zeroconf: on this machine, and between two "lab machines" in network namespaces."""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from core.discovery import Advertiser, Browser
from core.net.interfaces import lan_addresses
from tests.conftest import ROOT, start_process, wirelab_command


def test_an_advertised_receiver_is_found_and_then_gone() -> None:
    if not lan_addresses():
        pytest.skip("this machine has no network interface besides loopback, so mDNS has nowhere to go")
    seen: queue.Queue = queue.Queue()
    machine = f"test-{uuid.uuid4().hex[:6]}"
    advertiser = Advertiser(machine, "ana", 5999)
    browser = Browser("files", seen.put)
    advertiser.start()
    browser.start()
    try:
        while True:
            peers = seen.get(timeout=10)
            mine = [p for p in peers if p.machine == machine]
            if mine:
                break
        peer = mine[0]
        assert peer.nick == "ana" and peer.port == 5999 and peer.protocol == 1
        assert peer.addresses and peer.address.endswith(":5999")
        assert "ana on " in peer.label
        advertiser.close()
        while True:
            peers = seen.get(timeout=10)
            if not [p for p in peers if p.machine == machine]:
                break
    finally:
        advertiser.close()
        browser.close()


def test_lan_addresses_skip_loopback() -> None:
    assert all(not a.address.startswith("127.") and a.address != "::1" for a in lan_addresses())


# --- two lab machines on one computer -------------------------------------------------------------


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture
def two_machines():
    """Network namespaces ``a`` (10.77.x.1) and ``b`` (10.77.x.2) joined by a veth pair."""
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    if shutil.which("ip") is None:
        pytest.skip("`ip` (iproute2) is not installed")
    tag = uuid.uuid4().hex[:6]
    a, b = f"wla{tag}", f"wlb{tag}"
    try:
        _ip("netns", "add", a)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot create network namespaces here: {exc.stderr.decode().strip()}")
    try:
        _ip("netns", "add", b)
        _ip("link", "add", f"va{tag}", "type", "veth", "peer", "name", f"vb{tag}")
        _ip("link", "set", f"va{tag}", "netns", a)
        _ip("link", "set", f"vb{tag}", "netns", b)
        for ns, dev, addr in ((a, f"va{tag}", "10.77.0.1/24"), (b, f"vb{tag}", "10.77.0.2/24")):
            _ip("-n", ns, "addr", "add", addr, "dev", dev)
            _ip("-n", ns, "link", "set", dev, "up", "multicast", "on")
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", dev)
        yield a, b
    finally:
        for ns in (a, b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


FIND_AND_SEND = textwrap.dedent("""
    import queue, sys
    from pathlib import Path
    from core.discovery import Browser
    from core.file_sender import FileSender, collect
    found = queue.Queue()
    browser = Browser("files", found.put)
    browser.start()
    try:
        while True:
            peers = [p for p in found.get(timeout=20) if p.machine == "lab-a"]
            if peers:
                break
    finally:
        browser.close()
    peer = peers[0]
    print("FOUND", peer.label, flush=True)
    host = next(a for a in peer.addresses if "." in a)
    files, _ = collect([Path(sys.argv[1])])
    outcome = FileSender(host, peer.port, files, nick="student").run()
    print("RESULT", outcome.ok, outcome.message, flush=True)
    sys.exit(0 if outcome.ok else 1)
""")


def test_a_folder_goes_to_a_receiver_found_on_another_machine(two_machines, tmp_path: Path) -> None:
    a, b = two_machines
    folder = tmp_path / "handout"
    (folder / "slides").mkdir(parents=True)
    (folder / "slides" / "week1.pdf").write_bytes(os.urandom(300_000))
    (folder / "readme.txt").write_text("hello lab\n")
    inbox = tmp_path / "inbox"
    env = {"WIRELAB_NICK": "teacher", "PYTHONPATH": str(ROOT)}
    server = start_process(
        ["ip", "netns", "exec", a, *wirelab_command(), "serve", "--only", "files", "--host", "0.0.0.0",
         "--file-port", "0", "--auto-accept", "--receive-dir", str(inbox), "--nick", "teacher",
         "--machine", "lab-a"],
        env=env,
    )
    try:
        line = server.stdout.readline()
        assert line.startswith("files") and "0.0.0.0" in line, line + server.stderr.read()
        sender = subprocess.run(["ip", "netns", "exec", b, sys.executable, "-c", FIND_AND_SEND, str(folder)],
                                capture_output=True, text=True, timeout=60, env={**os.environ, **env})
        assert sender.returncode == 0, sender.stdout + sender.stderr
        assert "FOUND teacher on lab-a (10.77.0.1:" in sender.stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)
    for rel in ("slides/week1.pdf", "readme.txt"):
        original, received = folder / rel, inbox / "handout" / rel
        assert hashlib.sha256(received.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()
