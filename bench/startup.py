"""Time from starting `wirelab` (from source) to the main window on screen. Target < 0.5 s.

    .venv/bin/python -m bench.startup [--rounds 7]

Uses the app's WIRELAB_EXIT_AFTER_SHOWN hook: the window prints "Wirelab window shown" once it is
exposed, then closes itself. Offscreen unless DISPLAY is set. The servers start as usual.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.common import RESULTS, WIRELAB


TARGET_S = 0.5

# The peer in the same run: the smallest PySide6 program that shows a window (same Python, same Qt,
# same platform plugin). What Wirelab adds on top of it is Wirelab's own start-up cost.
BARE_WINDOW = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("hello")
label.show()
def shown():
    print("Wirelab window shown", file=sys.stderr, flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def once(env: dict[str, str], command: list[str] = WIRELAB) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    shown = None
    for line in proc.stderr:
        if "Wirelab window shown" in line and shown is None:
            shown = time.perf_counter() - started
    proc.wait(60)
    if shown is None:
        raise RuntimeError("the window never said it was shown")
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WIRELAB_EXIT_AFTER_SHOWN": "0.2", "WIRELAB_CONFIG_DIR": tmp,
               "WIRELAB_DATA_DIR": tmp, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM") or
               ("xcb" if os.environ.get("DISPLAY") else "offscreen")}
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        once(env)  # warm the file cache
        once(env, bare_command)
        times, bare = [], []
        for _ in range(args.rounds):  # interleaved, so both see the same machine
            times.append(once(env))
            bare.append(once(env, bare_command))
    median, bare_median = statistics.median(times), statistics.median(bare)
    print(f"main window shown after {median * 1000:.0f} ms (median of {args.rounds}; "
          f"best {min(times) * 1000:.0f}, worst {max(times) * 1000:.0f}) [{env['QT_QPA_PLATFORM']}]")
    print(f"  a bare PySide6 window in the same run: {bare_median * 1000:.0f} ms "
          f"(Wirelab/bare {median / bare_median:.2f}x; Wirelab's own share {max(0.0, median - bare_median) * 1000:.0f} ms)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(
        {"median_s": median, "rounds_s": times, "bare_median_s": bare_median, "bare_rounds_s": bare}, indent=2))
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
