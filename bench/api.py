"""REST API benchmark: Wirelab's API worker against json-server 0.17, in the same run, interleaved.

    .venv/bin/python -m bench.api            # 3 rounds of 10 s per measurement (about 8 minutes)
    .venv/bin/python -m bench.api --quick    # 1 round of 3 s (about 1 minute)

Scenarios, each at 1 and 16 connections, measured with wrk (one wrk thread, so the other core serves):

* ``get``:   GET /todos/1
* ``post``:  POST /todos (a new todo each time)
* ``mixed``: CRUD in a fixed cycle of ten requests: 4 GET, 2 POST, 2 PATCH, 1 PUT, 1 DELETE (of a todo this
  run created), spread over the seed todos.

Both servers start every measurement from the same 200 seed todos (Wirelab: POST /reset; json-server: a
fresh db.json and a restart), then get one second of the same load as warm-up before the measured part. Wirelab runs as in the app: its real worker process under the supervisor,
default settings, the request log on (every request becomes an event the bench process receives), every
write committed to SQLite (WAL) before the answer. json-server answers first and writes its whole db.json
afterwards (lowdb's FileAsync), so its writes are the less durable of the two.

json-server is installed with npm into a cache folder outside the repository (``--json-server-dir``); wrk
comes from Debian (``sudo sh scripts/system-deps.sh bench``). Machines are noisy: compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from core.api.seed_data import seed_todos
from core.config import ApiConfig
from core.messages import ApiRequest, Listening, WorkerExited
from core.supervisor import Supervisor, WorkerSpec

JSON_SERVER = "json-server@0.17"
SCENARIOS = ("get", "post", "mixed")
CONNECTIONS = (1, 16)

WRK_SCRIPTS = {
    "get": """
wrk.method = "GET"
wrk.path = "/todos/1"
""",
    "post": """
wrk.method = "POST"
wrk.path = "/todos"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"userId": 1, "title": "Buy milk", "completed": false}'
""",
    "mixed": """
local counter = 0
local created = {}
local json = {["Content-Type"] = "application/json"}

request = function()
  counter = counter + 1
  local step = counter % 10
  local id = (counter * 7919) % 200 + 1
  if step < 4 then
    return wrk.format("GET", "/todos/" .. id)
  elseif step < 6 then
    return wrk.format("POST", "/todos", json, '{"userId": 1, "title": "Buy milk", "completed": false}')
  elseif step < 8 then
    return wrk.format("PATCH", "/todos/" .. id, json, '{"completed": true}')
  elseif step == 8 then
    return wrk.format("PUT", "/todos/" .. id, json, '{"userId": 1, "title": "Wash car", "completed": true}')
  end
  local victim = table.remove(created)
  if victim then
    return wrk.format("DELETE", "/todos/" .. victim)
  end
  return wrk.format("GET", "/todos/" .. id)
end

response = function(status, headers, body)
  if status == 201 then
    local id = string.match(body, '"id"%s*:%s*(%d+)')
    if id then table.insert(created, id) end
  end
end
""",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def post(url: str) -> None:
    request = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


# --- the contenders -----------------------------------------------------------------------------------


class Wirelab:
    """The API worker process, as the app runs it."""

    name = "wirelab"

    def __init__(self, workdir: Path) -> None:
        self.supervisor = Supervisor()
        self.events = self.supervisor.subscribe()
        self.requests_logged = 0
        self._draining = threading.Event()
        config = ApiConfig(port=0, data_dir=str(workdir / "wirelab-data"))
        self.supervisor.add(WorkerSpec("api", "core.workers.api:run", config))
        self.supervisor.start("api")
        while True:
            event = self.events.get(timeout=60)
            if isinstance(event, Listening):
                self.url = event.url
                break
            if isinstance(event, WorkerExited):
                raise SystemExit(f"the API worker did not start: {event.error}")
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self) -> None:
        # The GUI reads these events for its request log; the bench process must keep up the same way.
        while not self._draining.is_set():
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(event, ApiRequest):
                self.requests_logged += 1

    def fresh(self) -> str:
        post(f"{self.url}/reset")
        return self.url

    def close(self) -> None:
        self._draining.set()
        self._drainer.join()
        self.supervisor.close()


class JsonServer:
    """json-server 0.17 on a fresh copy of the seed todos for every measurement."""

    name = "json-server"

    def __init__(self, workdir: Path, install_dir: Path) -> None:
        self.workdir = workdir
        self.bin = install_json_server(install_dir)
        self.process: subprocess.Popen | None = None
        self.url = ""

    def fresh(self) -> str:
        self.stop()
        db = self.workdir / "db.json"
        db.write_text(json.dumps({"todos": seed_todos()}, indent=2))
        port = free_port()
        self.process = subprocess.Popen(
            ["node", str(self.bin), "--quiet", "--host", "127.0.0.1", "--port", str(port), str(db)],
            cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}"
        wait_http(f"{self.url}/todos/1")
        return self.url

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def close(self) -> None:
        self.stop()


def install_json_server(install_dir: Path) -> Path:
    binary = install_dir / "node_modules" / "json-server" / "lib" / "cli" / "bin.js"
    if binary.exists():
        return binary
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SystemExit("node and npm are needed for the reference server: sudo apt-get install -y nodejs npm")
    install_dir.mkdir(parents=True, exist_ok=True)
    print(f"installing {JSON_SERVER} into {install_dir} …", flush=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", JSON_SERVER], cwd=install_dir,
                   check=True, timeout=600)
    return binary


# --- measuring ----------------------------------------------------------------------------------------


@dataclass
class Run:
    requests_per_second: float
    latency_ms: float
    errors: int


@dataclass
class Cell:
    scenario: str
    connections: int
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def median(self, name: str) -> float:
        return statistics.median(r.requests_per_second for r in self.runs[name])


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, script: Path, connections: int, seconds: float) -> Run:
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    )
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return Run(rps, float(latency.group(1)) * _UNITS[latency.group(2)], errors)


def measure(contenders: list, scripts: dict[str, Path], rounds: int, seconds: float) -> list[Cell]:
    cells = [Cell(s, c) for s in SCENARIOS for c in CONNECTIONS]
    for round_no in range(rounds):
        for cell in cells:
            order = contenders if (round_no + cells.index(cell)) % 2 == 0 else contenders[::-1]
            for contender in order:
                url = contender.fresh()
                wrk(url, scripts[cell.scenario], cell.connections, 1)  # warm-up (JIT, caches), not counted
                run = wrk(url, scripts[cell.scenario], cell.connections, seconds)
                cell.runs.setdefault(contender.name, []).append(run)
                print(f"  round {round_no + 1}  {cell.scenario:<5} c={cell.connections:<2}  {contender.name:<11}"
                      f" {run.requests_per_second:8.0f} req/s  {run.latency_ms:7.2f} ms"
                      f"{f'  {run.errors} errors' if run.errors else ''}", flush=True)
    return cells


def report(cells: list[Cell]) -> str:
    lines = [
        "| scenario | connections | Wirelab req/s | json-server req/s | ratio | Wirelab latency | json-server latency |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cell in cells:
        ours, theirs = cell.median("wirelab"), cell.median("json-server")
        lat = {n: statistics.median(r.latency_ms for r in cell.runs[n]) for n in cell.runs}
        lines.append(f"| {cell.scenario} | {cell.connections} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f}× "
                     f"| {lat['wirelab']:.2f} ms | {lat['json-server']:.2f} ms |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round of 3 s per measurement")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of every measurement (default 3)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per measurement (default 10)")
    parser.add_argument("--json-server-dir", type=Path, default=Path(tempfile.gettempdir()) / "wirelab-bench-json-server",
                        help="where json-server is installed with npm (outside the repository; default %(default)s)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk  (or: sudo sh scripts/system-deps.sh bench)")

    with tempfile.TemporaryDirectory(prefix="wirelab-bench-api-") as tmp:
        workdir = Path(tmp)
        scripts = {}
        for name, text in WRK_SCRIPTS.items():
            scripts[name] = workdir / f"{name}.lua"
            scripts[name].write_text(text)
        reference = JsonServer(workdir, args.json_server_dir)
        wirelab = Wirelab(workdir)
        try:
            print(f"REST API: {rounds} round(s) of {seconds:g} s, wrk with one thread, on {os.cpu_count()} cores",
                  flush=True)
            cells = measure([wirelab, reference], scripts, rounds, seconds)
            logged = wirelab.requests_logged
        finally:
            reference.close()
            wirelab.close()
    table = report(cells)
    print()
    print(table)
    print(f"\n(The request log received {logged:,} events from Wirelab's worker during the run.)")
    errors = {n: sum(r.errors for c in cells for r in c.runs[n]) for n in ("wirelab", "json-server")}
    if any(errors.values()):
        print(f"errors (non-2xx answers or socket errors): {errors}")
    if args.json:
        args.json.write_text(json.dumps({
            "rounds": rounds, "seconds": seconds, "cores": os.cpu_count(), "python": sys.version.split()[0],
            "cells": [{"scenario": c.scenario, "connections": c.connections,
                       "runs": {n: [r.__dict__ for r in runs] for n, runs in c.runs.items()},
                       "ratio": c.median("wirelab") / c.median("json-server")} for c in cells],
            "errors": errors,
        }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
