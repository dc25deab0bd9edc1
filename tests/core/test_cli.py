"""``wirelab serve`` as people run it: real addresses printed, real listeners, clean stop."""

from __future__ import annotations

import signal
import subprocess
import socket
import time
import urllib.request
from pathlib import Path

import psutil

from tests.conftest import read_until, start_process, wirelab_command


def serve(tmp_path: Path, *extra: str):
    return start_process([
        *wirelab_command(), "serve", "--chat-port", "0", "--echo-port", "0", "--file-port", "0", "--api-port", "0",
        "--data-dir", str(tmp_path / "data"), "--receive-dir", str(tmp_path / "in"), *extra,
    ])


def read_addresses(proc, count: int = 4) -> dict[str, str]:
    found = {}
    for _ in range(count):
        line = proc.stdout.readline().split()
        found[line[0]] = line[1]
    return found


def test_serve_prints_real_addresses_that_answer_and_sigterm_stops_everything(tmp_path: Path) -> None:
    proc = serve(tmp_path)
    try:
        urls = read_addresses(proc)
        assert set(urls) == {"chat", "echo", "files", "api"}
        for name, url in urls.items():
            assert url.startswith("http://127.0.0.1:" if name == "api" else "tcp://127.0.0.1:")
            port = int(url.rsplit(":", 1)[1])
            assert port > 0
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        with urllib.request.urlopen(urls["api"] + "/", timeout=5) as response:
            assert response.status == 200
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "Stopping" in out
        time.sleep(0.2)
        assert not [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_serve_with_a_taken_port_says_so_and_keeps_the_others_running(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        proc = serve(tmp_path, "--chat-port", str(taken))
        try:
            urls = read_addresses(proc, 3)
            assert set(urls) == {"echo", "files", "api"}
            # The other three can be listening before the chat worker has reported its failure: wait
            # for the words (the test used to stop the server first, now and then).
            said = read_until(proc.stderr, f"Port {taken} is already used by another program", timeout=30)
            assert proc.poll() is None  # still serving the other three
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert f"Port {taken} is already used by another program" in said
    assert "Traceback" not in said + err
    assert proc.returncode == 0


def test_bad_port_is_a_usage_error() -> None:
    import subprocess

    result = subprocess.run([*wirelab_command(), "serve", "--chat-port", "99999"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2
    assert "is not a port number" in result.stderr


def test_serve_lists_the_first_files_of_a_folder_then_sums_up_the_rest(tmp_path: Path) -> None:
    """A folder of many files is a screenful in the terminal: ten lines, a note, and one total."""
    folder = tmp_path / "handout"
    folder.mkdir()
    for i in range(25):
        (folder / f"sheet-{i:02d}.txt").write_bytes(b"x" * 1000)
    proc = start_process([*wirelab_command(), "serve", "--only", "files", "--file-port", "0", "--auto-accept",
                          "--receive-dir", str(tmp_path / "in")])
    try:
        port = int(read_addresses(proc, 1)["files"].rsplit(":", 1)[1])
        sent = subprocess.run([*wirelab_command(), "send", f"127.0.0.1:{port}", str(folder)],
                              capture_output=True, text=True, timeout=60)
        assert sent.returncode == 0, sent.stderr
        lines = []
        while not (line := proc.stdout.readline()).startswith("transfer:"):
            assert line, "serve ended before the transfer's summary"
            lines.append(line)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    each = [text for text in lines if text.startswith("received ")]
    assert len(each) == 10
    assert all("SHA-256 verified" in text for text in each)
    assert sum("more files are arriving" in text for text in lines) == 1
    assert "All 25 file(s)" in line and "arrived and were verified" in line
    assert line.rstrip().endswith("verified (24.4 KB in all).")
    assert len(list((tmp_path / "in" / "handout").iterdir())) == 25
