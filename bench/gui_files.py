"""Send window stall benchmark: how long can the GUI thread not react while the window sends 1 GiB?

    .venv/bin/python -m bench.gui_files                   # 3 rounds of one 1 GiB file
    .venv/bin/python -m bench.gui_files --files 2000      # the same 1 GiB as a folder of 2,000 files
    .venv/bin/python -m bench.gui_files --mib 256 --rounds 1

The window is the real SendWindow (offscreen unless DISPLAY is set, LAN discovery on as in real use),
sending to a real file receiver worker started through the supervisor, on loopback, into a folder in
/dev/shm (so the disk is not what is measured). A 10 ms QTimer on the GUI thread records the gap
between its ticks from pressing Send until the window reports the files verified: the largest gap is
the longest time the window could not repaint or react to a click. Target: max gap under 100 ms.

Before the rounds, the same timer runs for a few seconds with the window idle: that is this machine's
noise floor (two cores, other people's tests). After the rounds, one more send of the same payload
with core's FileSender on a thread and no window shows what the window costs in speed. Also counted: the signals the window received per
second from its send job, to show progress arrives at a bounded rate and not once per chunk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


class GapMeter:
    """Gaps between the ticks of a 10 ms repeating QTimer while it runs."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.on_tick)
        self.gaps: list[float] = []
        self.last = 0

    def start(self) -> None:
        self.gaps = []
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.timer.start()

    def on_tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps.append((now - self.last) / 1e6)
        self.last = now

    def stop(self) -> list[float]:
        self.timer.stop()
        self.on_tick()
        return self.gaps


class StallExplainer:
    """A watchdog thread: when the GUI thread has not ticked for ``ms``, print what it is doing."""

    def __init__(self, meter: GapMeter, ms: float) -> None:
        import threading

        self.meter, self.ms = meter, ms
        self.main = threading.main_thread().ident
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-explainer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import traceback

        reported = None
        while not self._stop.wait(self.ms / 4000):
            last = self.meter.last
            if not self.meter.timer.isActive() or last == reported:
                continue
            late = (self.meter.clock.nsecsElapsed() - last) / 1e6
            if late > self.ms:
                reported = last
                frame = sys._current_frames().get(self.main)
                where = "".join(traceback.format_stack(frame)[-6:]) if frame is not None else "(no frame)"
                threads = ", ".join(t.name for t in __import__("threading").enumerate())
                print(f"--- GUI thread {late:.0f} ms without a tick; threads: {threads}\n{where}", flush=True)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)


def make_payload(root: Path, mib: int, files: int) -> Path:
    """``mib`` MiB of random bytes as one file, or as a folder of ``files`` files of equal size."""
    block = os.urandom(1 << 20)
    if files <= 1:
        path = root / "payload.bin"
        with open(path, "wb") as f:
            for _ in range(mib):
                f.write(block)
        return path
    folder = root / "payload"
    folder.mkdir()
    each = (mib << 20) // files
    data = (block * (each // len(block) + 1))[:each]
    for i in range(files):
        (folder / f"part-{i:05d}.bin").write_bytes(data)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="how much to send (MiB)")
    parser.add_argument("--files", type=int, default=1, help="as one file (1) or a folder of this many files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=3.0, help="the idle noise floor measurement")
    parser.add_argument("--no-discover", action="store_true", help="leave LAN discovery (zeroconf) off")
    parser.add_argument("--explain", type=float, default=0, metavar="MS",
                        help="print the GUI thread's stack whenever it goes this long without a tick")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="wl-bench-files-", dir=shm if shm.is_dir() else None))
    for var, sub in (("WIRELAB_CONFIG_DIR", "config"), ("WIRELAB_DATA_DIR", "data")):
        os.environ[var] = str(work / sub)

    from PySide6.QtWidgets import QApplication

    from bench.common import RESULTS, p99, wait_until
    from core.config import FileConfig
    from core.messages import Listening
    from core.settings import Settings
    from core.supervisor import Supervisor, WorkerSpec
    from gui.context import AppContext
    from gui.files.window import SendWindow
    from gui.servers.bridge import SupervisorBridge

    app = QApplication.instance() or QApplication([sys.argv[0]])
    inbox = work / "inbox"
    inbox.mkdir()
    supervisor = Supervisor()
    events = supervisor.subscribe()
    supervisor.add(WorkerSpec("files", "core.workers.files:run",
                              FileConfig(port=0, receive_dir=str(inbox), auto_accept=True, min_free_bytes=0,
                                         server_name="receiver", nick="bench")))
    supervisor.start("files")
    while not isinstance(events.get(timeout=30), Listening):
        pass
    supervisor.unsubscribe(events)
    bridge = SupervisorBridge(supervisor)
    context = AppContext(Settings(nick="bench"), bridge, persist=False)
    SendWindow.discover = not args.no_discover
    window = SendWindow(context)
    window.ask_before_closing = False
    window.show()
    meter = GapMeter()
    explainer = StallExplainer(meter, args.explain) if args.explain else None
    rounds: list[dict] = []
    try:
        payload = make_payload(work, args.mib, args.files)
        size = args.mib << 20
        added: list[int] = []
        window.files_added.connect(added.append)
        window.add_paths([payload])
        wait_until(app, lambda: bool(added))
        host, port = context.address("files")
        window.targets.set_checked(f"{host}:{port}")

        meter.start()
        end = time.monotonic() + args.idle_seconds
        wait_until(app, lambda: time.monotonic() > end)
        idle = meter.stop()
        print(f"idle window for {args.idle_seconds:.0f} s: max gap {max(idle):.1f} ms, p99 {p99(idle):.1f} ms "
              "(this machine's noise floor)")

        for n in range(1, args.rounds + 1):
            for item in inbox.iterdir():
                shutil.rmtree(item) if item.is_dir() else item.unlink()
            finished: list[list] = []
            signals = {"progressed": 0, "results": 0, "state_changed": 0}

            def count(jobs: list, signals: dict = signals) -> None:
                for job in jobs:
                    for name in signals:
                        getattr(job, name).connect(lambda *_a, k=name: signals.__setitem__(k, signals[k] + 1))

            window.send_started.connect(count)
            window.send_finished.connect(finished.append)
            app.processEvents()
            meter.start()
            t0 = time.perf_counter()
            jobs = window.send()
            wait_until(app, lambda f=finished: bool(f))
            seconds = time.perf_counter() - t0
            gaps = meter.stop()
            window.send_started.disconnect(count)
            window.send_finished.disconnect(finished.append)
            outcome = finished[0][0]
            if not outcome.ok:
                raise SystemExit(f"round {n}: the send failed: {outcome.message}")
            per_second = {k: v / seconds for k, v in signals.items()}
            rounds.append({"seconds": seconds, "mb_per_s": size / seconds / 1e6, "max_gap_ms": max(gaps),
                           "p99_gap_ms": p99(gaps), "median_gap_ms": statistics.median(gaps), "ticks": len(gaps),
                           "signals_per_s": per_second, "job_state": jobs[0].state})
            print(f"round {n}: {args.mib} MiB as {args.files} file(s) in {seconds:.2f} s "
                  f"({size / seconds / 1e6:.0f} MB/s), verified; gaps between 10 ms ticks: max {max(gaps):.1f} ms, "
                  f"p99 {p99(gaps):.1f} ms, median {statistics.median(gaps):.1f} ms ({len(gaps)} ticks); "
                  f"signals/s: {', '.join(f'{k} {v:.1f}' for k, v in per_second.items())}")

        # The same send with core's FileSender on a thread and no window: what the window costs in speed.
        import threading

        from core.file_sender import FileSender, collect

        for item in inbox.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        local, _ = collect([payload])
        result: list = []
        meter.start()
        t0 = time.perf_counter()
        thread = threading.Thread(target=lambda: result.append(FileSender(host, port, local, nick="bench").run()))
        thread.start()
        wait_until(app, lambda: not thread.is_alive())
        headless_seconds = time.perf_counter() - t0
        headless_gaps = meter.stop()
        if not result[0].ok:
            raise SystemExit(f"the headless send failed: {result[0].message}")
        headless = {"seconds": headless_seconds, "mb_per_s": size / headless_seconds / 1e6,
                    "max_gap_ms": max(headless_gaps), "p99_gap_ms": p99(headless_gaps)}
        print(f"headless FileSender (no window), same payload: {headless_seconds:.2f} s "
              f"({headless['mb_per_s']:.0f} MB/s); the idle event loop beside it: max gap "
              f"{headless['max_gap_ms']:.1f} ms, p99 {headless['p99_gap_ms']:.1f} ms")
    finally:
        if explainer is not None:
            explainer.close()
        window.close()
        wait_until(app, lambda: window.idle, timeout=60)
        bridge.close()
        shutil.rmtree(work, ignore_errors=True)
    worst = max(r["max_gap_ms"] for r in rounds)
    print(f"\nworst gap over {len(rounds)} rounds: {worst:.1f} ms (target < 100 ms); "
          f"median of the rounds' p99: {statistics.median(r['p99_gap_ms'] for r in rounds):.1f} ms; "
          f"median speed {statistics.median(r['mb_per_s'] for r in rounds):.0f} MB/s; "
          f"idle floor: max {max(idle):.1f} ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    slug = f"gui-files-{args.mib}mib-{args.files}files"
    (RESULTS / f"{slug}.json").write_text(json.dumps(
        {"mib": args.mib, "files": args.files, "discover": not args.no_discover,
         "idle": {"max_gap_ms": max(idle), "p99_gap_ms": p99(idle)}, "rounds": rounds, "headless": headless},
        indent=2))
    return 0 if worst < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
