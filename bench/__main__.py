"""Run every benchmark, one after the other (``make bench``), and say which met its target.

    .venv/bin/python -m bench            # the full set (about 30 minutes on two cores)
    .venv/bin/python -m bench --quick    # shorter runs of each (about 8 minutes)
    .venv/bin/python -m bench chat api   # only some

Each benchmark runs its peer tool in the same run (socat, nc, ncat, json-server, a bare loop...) and
prints ratios, because these machines are noisy; the figures also land in bench/results/*.json.
docs/PERFORMANCE.md says what was measured and what the targets are.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

# name -> (full arguments, quick arguments); the lab run needs root for its network namespaces.
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "startup": ([], ["--rounds", "3"]),
    "transfer": (["loopback"], ["loopback", "--size-mib", "256", "--rounds", "2"]),
    "lab": (["lab"], ["lab", "--size-mib", "128", "--small", "1000"]),
    "chat": ([], ["--messages", "500", "--rounds", "1"]),
    "api": ([], ["--quick"]),
    "gui_responsiveness": ([], ["--seconds", "8"]),
    "gui_rest": ([], ["--rounds", "1"]),
    "gui_files": ([], ["--mib", "256", "--rounds", "1"]),
}
MODULE = {"lab": "transfer"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", metavar="NAME", help=f"run only these: {', '.join(BENCHES)}")
    parser.add_argument("--quick", action="store_true", help="shorter runs, for a first look")
    args = parser.parse_args(argv)
    unknown = [name for name in args.only if name not in BENCHES]
    if unknown:
        parser.error(f"no benchmark called {', '.join(unknown)}; there are: {', '.join(BENCHES)}")
    chosen = args.only or list(BENCHES)
    if "lab" in chosen and os.geteuid() != 0:
        print("bench: skipping 'lab' (it needs root for its two network namespaces)")
        chosen.remove("lab")
    outcomes: list[tuple[str, int, float]] = []
    for name in chosen:
        full, quick = BENCHES[name]
        command = [sys.executable, "-m", f"bench.{MODULE.get(name, name)}", *(quick if args.quick else full)]
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        code = subprocess.call(command)
        outcomes.append((name, code, time.monotonic() - started))
    print("\n=== summary")
    for name, code, seconds in outcomes:
        verdict = "met its target" if code == 0 else f"missed its target or failed (exit {code})"
        print(f"  {name:<20} {verdict}  ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, code, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
