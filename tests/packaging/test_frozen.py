"""The real frozen app (onedir, built once per session by packaging/build.py), run as people run it.

Every frozen process runs in its own process group under a timeout; the group is killed whole at the
end (run_frozen), and each test checks that nothing the app started is left running.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from core import __version__
from tests.conftest import need_tool
from tests.packaging.conftest import BUILD_TIMEOUT, REPORT, FrozenApp, group_members, load_bundle_rules

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(BUILD_TIMEOUT),
    pytest.mark.skipif(sys.platform == "win32", reason="runs the frozen app in POSIX process groups; on Windows "
                       "the release workflow runs wirelab-cli.exe --version and selftest instead"),
]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks the Linux bundle's files")

MIB = 2**20


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def is_worker_command(cmdline: list[str]) -> bool:
    """A multiprocessing child of the frozen app (a worker or the resource tracker), never a second app."""
    text = " ".join(cmdline)
    return "--multiprocessing-fork" in text or "multiprocessing.resource_tracker" in text


# --- the bundle itself ------------------------------------------------------------------------------


@linux_only
def test_onedir_bundle_is_within_budget_and_holds_only_the_qt_wirelab_uses(frozen_app: FrozenApp) -> None:
    rules = load_bundle_rules()
    size = frozen_app.report["onedir"]["bytes"]
    assert size < rules.ONEDIR_BUDGET, f"{size / MIB:.1f} MB"
    files = [p.relative_to(frozen_app.folder).as_posix() for p in frozen_app.folder.rglob("*")]
    names = {Path(f).name for f in files}
    plugins = {f.split("plugins/", 1)[1] for f in files if "/Qt/plugins/" in f and f.endswith(".so")}
    # What the window needs on Linux desktops, CI and screenshots.
    assert {"platforms/libqoffscreen.so", "platforms/libqxcb.so", "platforms/libqwayland.so",
            "wayland-shell-integration/libxdg-shell.so", "imageformats/libqsvg.so",
            "iconengines/libqsvgicon.so"} <= plugins
    assert any(n.startswith("libpython3") for n in names), "libpython must stay in the bundle"
    assert {"libQt6Core.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6", "libQt6XcbQpa.so.6",
            "libxcb-icccm.so.4", "libxcb-cursor.so.0"} <= names
    # What it must not carry.
    unused = [f for f in files if re.search(r"Qt6?(Qml|Quick|Pdf|WebEngine|Multimedia|Sql|Test|Designer|Network)", f)
              or "/translations/" in f or "sqldrivers/" in f or "platforms/libqeglfs" in f]
    assert not unused
    assert not {"libfontconfig.so.1", "libdbus-1.so.3", "libX11.so.6", "libsystemd.so.0"} & names


@linux_only
def test_every_library_in_the_bundle_finds_what_it_links(frozen_app: FrozenApp) -> None:
    """Trimming never removes something a kept library needs; only desktop libraries come from the system."""
    ldd = need_tool("ldd")
    rules = load_bundle_rules()
    internal = frozen_app.folder / "_internal"
    # Left to the system on purpose: ours, and the ones PyInstaller never bundles (GL, libxcb, wayland...).
    from PyInstaller.depend import dylib

    elf_files = [p for p in frozen_app.folder.rglob("*") if p.is_file() and not p.is_symlink()
                 and rules.elf_needed(p) is not None]
    assert len(elf_files) > 50
    missing = {}
    for path in elf_files:
        result = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "LD_LIBRARY_PATH": str(internal)})
        for line in result.stdout.splitlines():
            if "not found" in line:
                name = line.split()[0]
                if not dylib.exclude_list.check_library(name) and not rules.is_system_lib(name):
                    missing.setdefault(path.name, []).append(name)
    assert not missing


@linux_only
def test_the_desktop_entry_installs_for_the_user_and_points_at_the_bundle(frozen_app: FrozenApp, tmp_path: Path) -> None:
    import configparser

    # A folder name with a space, as people's folders have.
    folder = tmp_path / "My Apps" / "Wirelab"
    folder.parent.mkdir()
    folder.symlink_to(frozen_app.folder, target_is_directory=True)
    data_home = tmp_path / "data home"
    result = subprocess.run(["sh", str(folder / "install-desktop-entry.sh")], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "XDG_DATA_HOME": str(data_home)})
    assert result.returncode == 0, result.stderr
    entry_file = data_home / "applications" / "wirelab.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(entry_file, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == f'"{folder}/wirelab"'
    assert desktop["TryExec"] == f"{folder}/wirelab"
    assert os.access(f"{folder}/wirelab", os.X_OK)
    assert desktop["Icon"] == "wirelab" and desktop["Terminal"] == "false"
    icon = data_home / "icons" / "hicolor" / "256x256" / "apps" / "wirelab.png"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    validate = shutil.which("desktop-file-validate")
    if validate:
        check = subprocess.run([validate, str(entry_file)], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stdout + check.stderr


# --- headless commands ------------------------------------------------------------------------------


def test_frozen_version_prints_the_version(run_frozen) -> None:
    app = run_frozen("--version")
    assert app.wait(30) == 0, app.output()
    assert "".join(app.out).strip() == f"Wirelab {__version__}"
    app.assert_group_gone()


def test_frozen_selftest_starts_every_worker_gets_answers_and_leaves_no_process(run_frozen) -> None:
    app = run_frozen("selftest", "--timeout", "60")
    # While it runs, every process in its group is the app itself or one of its multiprocessing
    # children: no second app, no fork bomb. The last command line seen counts: for a moment between
    # fork and exec a new child still shows its parent's.
    seen: dict[int, list[str]] = {}
    while app.proc.poll() is None:
        for proc in group_members(app.proc.pid):
            if proc.pid != app.proc.pid:
                try:
                    seen[proc.pid] = proc.cmdline()
                except psutil.NoSuchProcess:
                    continue
        assert len(seen) <= 4 + 1, f"more processes than 4 workers and a resource tracker: {seen}"
        try:
            app.proc.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            pass
    assert app.wait(90) == 0, app.output()
    out = "".join(app.out)
    for name in ("chat", "echo", "files", "api"):
        assert re.search(rf"^ok   {name}\s+listening at ", out, re.M), out
    assert re.search(r"^ok   files\s+sent \d+ bytes, SHA-256 verified", out, re.M), out
    assert "ok   stop   all 4 workers stopped" in out
    assert out.rstrip().endswith("selftest passed")
    assert all(is_worker_command(cmd) for cmd in seen.values()), seen
    assert "Traceback" not in "".join(app.err)
    app.assert_group_gone()


def _serve_files(run_frozen, receive_dir: Path | None, env: dict[str, str] | None = None):
    args = ["serve", "--only", "files", "--file-port", "0", "--auto-accept"]
    if receive_dir is not None:
        args += ["--receive-dir", str(receive_dir)]
    server = run_frozen(*args, env=env)
    line, _ = server.wait_line(lambda text: text.startswith("files "), timeout=60)
    port = int(line.split()[1].rsplit(":", 1)[1])
    return server, port


def _stop(server) -> None:
    server.proc.send_signal(signal.SIGTERM)
    assert server.wait(60) == 0, server.output()
    assert "Stopping" in "".join(server.out)
    server.assert_group_gone()


def test_frozen_file_transfer_between_two_frozen_processes_arrives_intact(run_frozen, tmp_path: Path) -> None:
    payload = tmp_path / "payload"
    (payload / "inner").mkdir(parents=True)
    (payload / "big.bin").write_bytes(os.urandom(3 * MIB + 17))
    (payload / "inner" / "notes é.txt").write_text("written in the lab\n" * 100, encoding="utf-8")
    received = tmp_path / "received"
    server, port = _serve_files(run_frozen, received)

    sender = run_frozen("send", f"127.0.0.1:{port}", str(payload))
    assert sender.wait(120) == 0, sender.output()
    sender.assert_group_gone()
    pending = {"big.bin", "notes é.txt"}

    def all_received(text: str) -> bool:
        if text.startswith("received "):
            pending.difference_update({name for name in pending if name in text})
        return not pending

    server.wait_line(all_received, 60)
    for rel in ("big.bin", "inner/notes é.txt"):
        assert sha256(received / "payload" / rel) == sha256(payload / rel)
    _stop(server)


def test_frozen_app_keeps_data_and_received_files_in_per_user_folders(run_frozen, frozen_app: FrozenApp,
                                                                       tmp_path: Path) -> None:
    """With no folder options, files go to ~/Downloads/Wirelab and data to the per-user data folder,
    never next to the executable, even when started from inside its own folder."""
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": "",
           "XDG_CACHE_HOME": "", "XDG_CONFIG_DIRS": "", "XDG_DATA_DIRS": ""}
    for var in ("WIRELAB_DATA_DIR", "WIRELAB_CONFIG_DIR", "WIRELAB_LOG_DIR", "WIRELAB_RECEIVE_DIR"):
        env[var] = ""  # empty = not set, for core.config
    before = tree(frozen_app.folder)
    document = tmp_path / "report.txt"
    document.write_text("lab report\n", encoding="utf-8")

    server = run_frozen("serve", "--only", "files,api", "--file-port", "0", "--api-port", "0", "--auto-accept",
                        env=env, cwd=frozen_app.folder)
    ports = {}
    for _ in range(2):
        line, _ = server.wait_line(lambda text: text.split()[:1] in (["files"], ["api"]), timeout=60)
        ports[line.split()[0]] = int(line.split()[1].rsplit(":", 1)[1])
    sender = run_frozen("send", f"127.0.0.1:{ports['files']}", str(document), env=env, cwd=frozen_app.folder)
    assert sender.wait(60) == 0, sender.output()
    server.wait_line(lambda text: text.startswith("received "), 60)
    _stop(server)

    assert (home / "Downloads" / "Wirelab" / "report.txt").read_text(encoding="utf-8") == "lab report\n"
    data = home / ("Library/Application Support" if sys.platform == "darwin" else ".local/share") / "Wirelab"
    assert data.is_dir()
    assert tree(frozen_app.folder) == before


# --- the window -------------------------------------------------------------------------------------


def _open_and_close_window(run_frozen, env: dict[str, str]) -> float:
    app = run_frozen(env={"WIRELAB_EXIT_AFTER_SHOWN": "0.3", **env})
    _, shown_after = app.wait_line(lambda text: text.strip() == "Wirelab window shown", timeout=60)
    assert app.wait(60) == 0, app.output()
    assert "Traceback" not in "".join(app.err), app.output()
    app.assert_group_gone()
    return shown_after


def test_frozen_gui_opens_offscreen_closes_with_exit_code_0_and_leaves_no_worker(run_frozen) -> None:
    seconds = _open_and_close_window(run_frozen, {"QT_QPA_PLATFORM": "offscreen"})
    REPORT["window shown after"] = f"{seconds:.2f} s (offscreen, onedir; target < 1 s)"


@linux_only
def test_frozen_gui_opens_on_a_real_x_display(run_frozen, tmp_path: Path) -> None:
    """The bundled xcb plugin and its xcb libraries work against a real X server (Xvfb)."""
    xvfb = need_tool("Xvfb")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as display_pipe:
            display = display_pipe.readline().strip()
        assert display, f"Xvfb did not start: {server.stderr.read().decode(errors='replace')}"
        seconds = _open_and_close_window(run_frozen, {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{display}"})
        REPORT["window shown (Xvfb)"] = f"{seconds:.2f} s (xcb, onedir)"
    finally:
        server.terminate()
        server.communicate(timeout=30)
