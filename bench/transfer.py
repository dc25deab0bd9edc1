"""File transfer: `wirelab send` -> `wirelab serve` against socat and nc, in the same run.

    .venv/bin/python -m bench.transfer loopback [--size-mib 1024] [--rounds 5]
    .venv/bin/python -m bench.transfer lab      [--size-mib 256] [--small 3000]   (root: two netns, 1 Gbit/s)

loopback: one file from tmpfs to a tmpfs receive folder; Wirelab's figure includes starting the
`wirelab send` process, the handshake and the SHA-256 verification on both ends. The receiver's peak
RSS is sampled during the transfers.

lab: two network namespaces joined by a veth pair shaped with `tc qdisc tbf rate 1gbit`; one big file,
then many small files in folders against `tar c | socat`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil

from bench.common import WIRELAB, Series, free_port, need, reap, report

SHM = Path("/dev/shm")


def make_file(path: Path, size: int) -> None:
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        for _ in range(size >> 20):
            f.write(block)
        f.write(block[: size & ((1 << 20) - 1)])


class Receiver:
    """A `wirelab serve --only files` process (optionally inside a network namespace)."""

    def __init__(self, receive_dir: Path, netns: str | None = None) -> None:
        self.port = free_port()
        prefix = ["ip", "netns", "exec", netns] if netns else []
        self.proc = subprocess.Popen(
            [*prefix, *WIRELAB, "serve", "--only", "files", "--host", "0.0.0.0", "--file-port", str(self.port),
             "--auto-accept", "--receive-dir", str(receive_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        line = self.proc.stdout.readline()
        if not line.startswith("files"):
            raise RuntimeError(f"receiver did not start: {line}{self.proc.stderr.read()}")
        # Keep reading what it prints (a line per file received), as a terminal would: an undrained pipe
        # fills after ~600 lines and leaves the serve process blocked in print() for the rest of the run.
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=_drain, args=(stream,), daemon=True).start()
        self.peak_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                for child in psutil.Process(self.proc.pid).children(recursive=True):
                    if "spawn_main" in " ".join(child.cmdline()):
                        self.peak_rss = max(self.peak_rss, child.memory_info().rss)
            except psutil.Error:
                pass

    def send(self, path: Path, host: str = "127.0.0.1", prefix: list[str] | None = None) -> tuple[float, float]:
        """One `wirelab send` of ``path`` to this receiver: (seconds, CPU seconds both ends used)."""
        before = self.cpu()
        started = time.perf_counter()
        cpu = reap(subprocess.Popen([*(prefix or []), *WIRELAB, "send", f"{host}:{self.port}", str(path)],
                                    stdout=subprocess.DEVNULL))
        seconds = time.perf_counter() - started
        return seconds, cpu + self.cpu() - before

    def cpu(self) -> float:
        """CPU seconds (user + system) the file worker process has used so far."""
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            if "spawn_main" in " ".join(child.cmdline()):
                times = child.cpu_times()
                return times.user + times.system
        raise RuntimeError("the receiver's file worker is gone")

    def close(self) -> None:
        self._stop.set()
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def _drain(stream) -> None:
    for _ in stream:
        pass


def interleave(series: dict[str, Series], run, rounds: int, warmup: int) -> None:
    """``warmup`` untimed rounds, then ``rounds`` timed ones; each round every contender once, the order
    rotating from round to round. The first transfers after a quiet spell are the slowest on these
    virtual machines (fresh tmpfs pages cost what the host makes them cost), and that must not always
    fall on the same contender. ``run(name)`` returns (seconds, CPU seconds)."""
    names = list(series)
    for r in range(-warmup, rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, cpu = run(name)
            if r >= 0:
                series[name].seconds.append(seconds)
                series[name].cpu.append(cpu)


def sha256_seconds(size: int) -> float:
    """What one SHA-256 pass over ``size`` bytes costs this machine (hashed from memory, 256 MiB sample)."""
    block = bytes(256 << 20)
    started = time.perf_counter()
    hashlib.sha256(block).digest()
    return (time.perf_counter() - started) * size / len(block)


def loopback(size_mib: int, rounds: int, warmup: int = 1) -> dict:
    need("socat", "socat")
    nc = need("nc.openbsd", "netcat-openbsd")
    size = size_mib << 20
    work = Path(tempfile.mkdtemp(prefix="wl-bench-", dir=SHM))
    try:
        src = work / "payload.bin"
        make_file(src, size)
        inbox = work / "inbox"
        inbox.mkdir()
        receiver = Receiver(inbox)
        series = {name: Series(name) for name in ("wirelab send (SHA-256 verified)", "socat -b 1048576", "nc")}
        out = work / "out.bin"

        def run(name: str) -> tuple[float, float]:
            if name.startswith("wirelab"):
                seconds, cpu = receiver.send(src)
                for f in inbox.iterdir():
                    assert f.stat().st_size == size
                    f.unlink()
                return seconds, cpu
            port = free_port()
            if name.startswith("socat"):
                server = subprocess.Popen(["socat", "-b", "1048576", "-u", f"TCP-LISTEN:{port},reuseaddr",
                                           f"OPEN:{out},creat,trunc"])
                time.sleep(0.3)  # probing the port would use up socat's one connection
                started = time.perf_counter()
                cpu = reap(subprocess.Popen(["socat", "-b", "1048576", "-u", f"OPEN:{src}", f"TCP:127.0.0.1:{port}"]))
            else:
                with open(out, "wb") as sink:
                    server = subprocess.Popen([nc, "-l", "127.0.0.1", str(port)], stdout=sink)
                    time.sleep(0.3)
                    started = time.perf_counter()
                    with open(src, "rb") as source:
                        cpu = reap(subprocess.Popen([nc, "-N", "127.0.0.1", str(port)], stdin=source))
            cpu += reap(server)
            seconds = time.perf_counter() - started
            assert out.stat().st_size == size
            out.unlink()
            return seconds, cpu

        try:
            interleave(series, run, rounds, warmup)
        finally:
            receiver.close()
        # Wirelab does what socat does plus a SHA-256 pass on each end; on this many cores that work
        # cannot take less than this, however well the two processes overlap it.
        hashing = sha256_seconds(size)
        socat = series["socat -b 1048576"]
        floor = (statistics.median(socat.cpu) + 2 * hashing) / (os.cpu_count() or 1)
        result = report(f"Loopback, {size_mib} MiB file, tmpfs to tmpfs", list(series.values()), size,
                        "socat -b 1048576", {"receiver_peak_rss_mb": receiver.peak_rss / 1e6,
                                             "sha256_pass_s": hashing, "cpu_floor_s": floor})
        print(f"  one SHA-256 pass: {hashing * 1000:.0f} ms; socat's CPU + two passes on {os.cpu_count()} cores: "
              f"at least {floor * 1000:.0f} ms, so at best {socat.median / floor:.2f}x socat")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- two machines joined by a shaped link --------------------------------------------------------


class Lab:
    def __init__(self, rate: str = "1gbit") -> None:
        if os.geteuid() != 0:
            raise SystemExit("the lab benchmark needs root (network namespaces and tc)")
        tag = uuid.uuid4().hex[:5]
        self.a, self.b = f"bena{tag}", f"benb{tag}"
        self.addr_a = "10.78.0.1"
        run = lambda *args: subprocess.run(["ip", *args], check=True)  # noqa: E731
        run("netns", "add", self.a)
        run("netns", "add", self.b)
        run("link", "add", f"a{tag}", "type", "veth", "peer", "name", f"b{tag}")
        run("link", "set", f"a{tag}", "netns", self.a)
        run("link", "set", f"b{tag}", "netns", self.b)
        for ns, dev, addr in ((self.a, f"a{tag}", "10.78.0.1/24"), (self.b, f"b{tag}", "10.78.0.2/24")):
            run("-n", ns, "addr", "add", addr, "dev", dev)
            run("-n", ns, "link", "set", dev, "up")
            run("-n", ns, "link", "set", "lo", "up")
            # The same shaping both ways, like a 1 Gbit/s lab switch port.
            subprocess.run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate,
                            "burst", "256kb", "latency", "50ms"], check=True)

    def close(self) -> None:
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns], check=False)


def lab(size_mib: int, small: int, rounds: int, warmup: int = 1) -> list[dict]:
    need("socat", "socat")
    need("tc", "iproute2")
    work = Path(tempfile.mkdtemp(prefix="wl-bench-", dir=SHM))
    lab_net = Lab()
    results = []
    try:
        big = work / "big.bin"
        make_file(big, size_mib << 20)
        tree = work / "tree"
        for i in range(small):
            folder = tree / f"folder-{i % 30:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"file-{i:05d}.txt").write_bytes(os.urandom(4096))
        inbox = work / "inbox"
        inbox.mkdir()
        receiver = Receiver(inbox, netns=lab_net.a)
        untar = work / "untar"
        out = work / "socat-out"
        try:
            for label, path, size in ((f"{size_mib} MiB file", big, size_mib << 20),
                                      (f"{small} files of 4 KB in 30 folders", tree, small * 4096)):
                peer = "socat -b 1048576" if path.is_file() else "tar c | socat"
                series = {name: Series(name) for name in ("wirelab send (SHA-256 verified)", peer)}

                def run(name: str, path: Path = path) -> tuple[float, float]:
                    if name.startswith("wirelab"):
                        seconds, cpu = receiver.send(path, lab_net.addr_a, ["ip", "netns", "exec", lab_net.b])
                        shutil.rmtree(inbox)
                        inbox.mkdir()
                        return seconds, cpu
                    port = free_port()
                    untar.mkdir(exist_ok=True)
                    sink = f"OPEN:{out},creat,trunc" if path.is_file() else f"SYSTEM:tar x -C {untar}"
                    server = subprocess.Popen(["ip", "netns", "exec", lab_net.a, "socat", "-b", "1048576", "-u",
                                               f"TCP-LISTEN:{port},reuseaddr", sink])
                    time.sleep(0.3)  # probing the port would use up socat's one connection
                    source = (["socat", "-b", "1048576", "-u", f"OPEN:{path}", f"TCP:{lab_net.addr_a}:{port}"]
                              if path.is_file() else
                              ["sh", "-c", f"tar c -C {path.parent} {path.name} | socat -b 1048576 -u - "
                                           f"TCP:{lab_net.addr_a}:{port}"])
                    started = time.perf_counter()
                    cpu = reap(subprocess.Popen(["ip", "netns", "exec", lab_net.b, *source]))
                    cpu += reap(server)
                    seconds = time.perf_counter() - started
                    shutil.rmtree(untar, ignore_errors=True)
                    out.unlink(missing_ok=True)
                    return seconds, cpu

                interleave(series, run, rounds, warmup)
                results.append(report(f"Lab link 1 Gbit/s (two netns, tbf), {label}", list(series.values()), size,
                                      peer))
        finally:
            receiver.close()
    finally:
        lab_net.close()
        shutil.rmtree(work, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=["loopback", "lab", "all"], nargs="?", default="all")
    parser.add_argument("--size-mib", type=int, default=None)
    parser.add_argument("--small", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds before the timed ones")
    args = parser.parse_args(argv)
    if args.which in ("loopback", "all"):
        result = loopback(args.size_mib or 1024, args.rounds, args.warmup)
        print(f"  receiver peak RSS: {result['receiver_peak_rss_mb']:.0f} MB")
    if args.which in ("lab", "all"):
        lab(args.size_mib or 256, args.small, args.rounds, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
