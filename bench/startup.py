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


def once(env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(WIRELAB, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
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
        once(env)  # warm the file cache
        times = [once(env) for _ in range(args.rounds)]
    median = statistics.median(times)
    print(f"main window shown after {median * 1000:.0f} ms (median of {args.rounds}; "
          f"best {min(times) * 1000:.0f}, worst {max(times) * 1000:.0f}) [{env['QT_QPA_PLATFORM']}]")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps({"median_s": median, "rounds_s": times}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
