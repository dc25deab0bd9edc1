"""Chat relay: 50 clients in one room, Wirelab against `ncat --broker --chat`, in the same run.

    .venv/bin/python -m bench.chat [--clients 50] [--messages 2000] [--rounds 3]

Every message is sent by one client and must reach the 49 others. The load generator keeps at most
``--window`` messages in flight (sent but not yet seen by everybody), so the relay is pushed as fast as
it can go without an unbounded queue. Reported: deliveries per second (one message reaching one
client) and the latency from send to arrival (p50, p99). Wirelab is measured twice: with Wirelab
protocol clients (JSON lines, what the chat window uses) and with plain-text clients (what `nc` users
get, the same kind of traffic as ncat's chat mode).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from bench.common import RESULTS, WIRELAB, free_port, need


async def run_load(port: int, mode: str, clients: int, messages: int, window: int) -> dict:
    readers, writers = [], []
    for i in range(clients):
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        if mode == "wirelab":
            hello = {"type": "hello", "service": "chat", "nick": f"c{i}", "app": "wirelab", "protocol": 1}
            writer.write(json.dumps(hello).encode() + b"\n")
        readers.append(reader)
        writers.append(writer)
    await asyncio.sleep(1.0 if mode != "wirelab" else 0.3)  # plain clients are recognised after a silence
    for reader in readers:  # drop greetings/history
        try:
            while True:
                await asyncio.wait_for(reader.readline(), 0.05)
        except asyncio.TimeoutError:
            pass

    sent_at: dict[int, float] = {}
    remaining: dict[int, int] = {}
    latencies: list[float] = []
    delivered = 0
    slots = asyncio.Semaphore(window)
    done = asyncio.Event()

    def parse(line: bytes) -> int | None:
        marker = line.find(b"#m")
        if marker < 0:
            return None
        end = line.find(b"#", marker + 2)
        try:
            return int(line[marker + 2:end])
        except ValueError:
            return None

    async def read(i: int, reader: asyncio.StreamReader) -> None:
        nonlocal delivered
        while not done.is_set():
            line = await reader.readline()
            if not line:
                return
            mid = parse(line)
            if mid is None or mid % clients == i or mid not in remaining:
                continue  # not a message, or our own coming back
            latencies.append(time.perf_counter() - sent_at[mid])
            delivered += 1
            remaining[mid] -= 1
            if remaining[mid] == 0:
                del remaining[mid]
                slots.release()
                if not remaining and len(sent_at) == messages:
                    done.set()

    tasks = [asyncio.create_task(read(i, r)) for i, r in enumerate(readers)]
    started = time.perf_counter()
    for mid in range(messages):
        await slots.acquire()
        sender = mid % clients
        text = f"#m{mid}# hello from {sender}"
        line = (json.dumps({"type": "say", "text": text}) if mode == "wirelab" else text).encode() + b"\n"
        remaining[mid] = clients - 1
        sent_at[mid] = time.perf_counter()
        writers[sender].write(line)
    try:
        await asyncio.wait_for(done.wait(), 120)
    finally:
        elapsed = time.perf_counter() - started
        for task in tasks:
            task.cancel()
        for writer in writers:
            writer.close()
    latencies.sort()
    return {"deliveries_per_s": delivered / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000, "seconds": elapsed, "delivered": delivered}


def start_server(kind: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    if kind == "ncat":
        proc = subprocess.Popen([need("ncat", "ncat"), "--broker", "--chat", "-l", "127.0.0.1", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(0.5)
    else:
        proc = subprocess.Popen([*WIRELAB, "serve", "--only", "chat", "--chat-port", str(port)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        proc.stdout.readline()
    return proc, port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--window", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    contenders = {"wirelab (protocol clients)": ("wirelab", "wirelab"),
                  "wirelab (plain-text clients)": ("wirelab", "plain"),
                  "ncat --broker --chat": ("ncat", "plain")}
    results: dict[str, list[dict]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, (server, mode) in contenders.items():
            proc, port = start_server(server)
            try:
                results[name].append(asyncio.run(run_load(port, mode, args.clients, args.messages, args.window)))
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)
    base = statistics.median(r["deliveries_per_s"] for r in results["ncat --broker --chat"])
    print(f"\nChat relay, {args.clients} clients in one room, {args.messages} messages, window {args.window}")
    summary = {}
    for name, rows in results.items():
        rate = statistics.median(r["deliveries_per_s"] for r in rows)
        p50 = statistics.median(r["p50_ms"] for r in rows)
        p99 = statistics.median(r["p99_ms"] for r in rows)
        summary[name] = {"deliveries_per_s": rate, "p50_ms": p50, "p99_ms": p99, "ratio_vs_ncat": rate / base}
        print(f"  {name:<30} {rate:9.0f} deliveries/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {rate / base:5.2f}x ncat")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "chat-relay.json").write_text(json.dumps({"args": vars(args), "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
