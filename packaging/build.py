"""Build the Wirelab app people download: ``make package`` runs this.

    .venv/bin/python packaging/build.py [--mode onedir|onefile|both] [--dist DIR] [--work DIR] [--archive]

1. renders the icon (drawn with Qt) to PNG/ICO/ICNS in the work folder,
2. runs PyInstaller on packaging/wirelab.spec (one analysis for both outputs),
3. adds the Linux menu entry files to the onedir folder,
4. checks the size budgets and prints sizes and times; with ``--archive`` also packs the onedir folder
   into one .zip (Windows, macOS) or .tar.gz (Linux) for a release page.

Exit code 0 when everything was built within budget. tests/packaging runs this same script (onedir only).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle_rules as rules  # noqa: E402

MIB = 1024 * 1024


def tree_size(path: Path) -> int:
    """Bytes in the files under ``path`` (symlinks counted once, as links)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "core" / "_version.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def render_icons(out: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, str(HERE / "icons.py"), str(out)], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def run_pyinstaller(mode: str, dist: Path, work: Path, icons: Path) -> None:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
        str(HERE / "wirelab.spec"), "--", "--mode", mode, "--icons", str(icons),
    ]
    subprocess.run(command, check=True, cwd=ROOT)


def add_linux_files(onedir: Path, icons: Path) -> None:
    """The menu entry and its icon, with the script that installs them for the current user."""
    shutil.copy2(icons / "wirelab.png", onedir / "wirelab.png")
    shutil.copy2(HERE / "linux" / "wirelab.desktop", onedir / "wirelab.desktop")
    shutil.copy2(HERE / "linux" / "install-desktop-entry.sh", onedir / "install-desktop-entry.sh")
    (onedir / "install-desktop-entry.sh").chmod(0o755)


def make_archive(onedir: Path, dist: Path, name: str) -> Path:
    if rules.IS_WINDOWS or rules.IS_MACOS:
        # ditto keeps the macOS bundle's symlinks and signatures; a zip is what Windows opens natively.
        if rules.IS_MACOS:
            target = dist / f"{name}.zip"
            subprocess.run(["ditto", "-c", "-k", "--keepParent", str(onedir), str(target)], check=True)
            return target
        return Path(shutil.make_archive(str(dist / name), "zip", root_dir=onedir.parent, base_dir=onedir.name))
    target = dist / f"{name}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(onedir, arcname=name)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Wirelab app (onedir folder and onefile executable).")
    parser.add_argument("--mode", choices=("onedir", "onefile", "both"), default="both",
                        help="what to build (default: both)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder (default: build/)")
    parser.add_argument("--archive", action="store_true", help="also pack the onedir folder into one archive")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    ver = version()
    times: dict[str, float] = {}

    started = time.perf_counter()
    icons = work / "icons"
    render_icons(icons)
    times["icons"] = time.perf_counter() - started

    started = time.perf_counter()
    run_pyinstaller(args.mode, dist, work, icons)
    times["pyinstaller"] = time.perf_counter() - started

    report: dict[str, object] = {"version": ver, "platform": rules.platform_tag(), "seconds": times}
    problems = []
    if args.mode in ("onedir", "both"):
        onedir = rules.onedir_path(dist)
        if not rules.IS_WINDOWS and not rules.IS_MACOS:
            add_linux_files(onedir, icons)
        size = tree_size(onedir)
        report["onedir"] = {"path": str(onedir), "bytes": size}
        if size > rules.ONEDIR_BUDGET:
            problems.append(f"the onedir bundle is {size / MIB:.1f} MB, over its {rules.ONEDIR_BUDGET // MIB} MB budget")
        if args.archive:
            started = time.perf_counter()
            archive = make_archive(onedir, dist, f"{rules.APP_NAME}-{ver}-{rules.platform_tag()}")
            times["archive"] = time.perf_counter() - started
            report["archive"] = {"path": str(archive), "bytes": archive.stat().st_size}
    if args.mode in ("onefile", "both") and not rules.IS_MACOS:
        onefile = dist / rules.onefile_name(ver)
        size = onefile.stat().st_size
        report["onefile"] = {"path": str(onefile), "bytes": size}
        if size > rules.ONEFILE_BUDGET:
            problems.append(f"the onefile executable is {size / MIB:.1f} MB, over its {rules.ONEFILE_BUDGET // MIB} MB budget")

    (dist / "build-report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nWirelab {ver} for {rules.platform_tag()}:")
    for key in ("onedir", "onefile", "archive"):
        if key in report:
            item = report[key]
            print(f"  {key:<8} {item['bytes'] / MIB:6.1f} MB  {item['path']}")
    print("  time     " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in times.items()))
    for problem in problems:
        print(f"build: {problem}; see docs/PACKAGING.md, \"Keeping it small\".", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
