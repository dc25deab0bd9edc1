"""The packaging rules and build helpers, without building anything (fast; the frozen app is test_frozen.py)."""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.packaging.conftest import PACKAGING, load_bundle_rules

rules = load_bundle_rules()


def test_gui_and_core_import_only_qt_modules_the_bundle_keeps() -> None:
    """A Qt module the code starts using must be added to QT_MODULES_KEPT, or the frozen app lacks it."""
    used: dict[str, set[str]] = {}
    for path in [*ROOT.joinpath("gui").rglob("*.py"), *ROOT.joinpath("core").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                match = re.fullmatch(r"PySide6\.(Qt[A-Za-z0-9]+)(\..*)?", name)
                if match:
                    used.setdefault(match[1], set()).add(str(path.relative_to(ROOT)))
    assert "QtWidgets" in used
    missing = {module: sorted(files) for module, files in used.items() if module not in rules.QT_MODULES_KEPT}
    assert not missing, f"add these to QT_MODULES_KEPT in packaging/bundle_rules.py: {missing}"


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt/lib/libQt6QmlModels.so.6", False),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
    ("PySide6/Qt6WebEngineCore.dll", False),
    ("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6Svg.so.6", True),
    ("PySide6/Qt/lib/libQt6XcbQpa.so.6", True),
    ("PySide6/Qt/lib/libicudata.so.73", True),
    ("PySide6/opengl32sw.dll", False),
    ("libpython3.11.so.1.0", True),
    ("libxcb-icccm.so.4", True),
])
def test_keep_leaves_out_what_wirelab_never_loads(dest: str, kept: bool) -> None:
    assert rules.keep(dest) is kept


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux library names")
@pytest.mark.parametrize(("name", "system"), [
    ("libX11.so.6", True), ("libX11-xcb.so.1", True), ("libfontconfig.so.1", True), ("libdbus-1.so.3", True),
    ("libfreetype.so.6", True), ("libxcb-icccm.so.4", False), ("libxkbcommon.so.0", False),
    ("libpython3.11.so.1.0", False), ("libstdc++.so.6", False), ("libX11extra.so.1", False),
])
def test_only_desktop_libraries_are_left_to_the_system(name: str, system: bool) -> None:
    assert rules.is_system_lib(name) is system
    assert rules.keep(name) is not system


def test_plugin_names_are_read_the_same_on_every_platform() -> None:
    assert {rules.plugin_name(n) for n in ("libqxcb.so", "qxcb.dll", "libqxcb.dylib")} == {"xcb"}
    assert rules.plugin_name("libqt-plugin-wayland-egl.so") == "qt-plugin-wayland-egl"
    assert rules.plugin_name("libxdg-shell.so") == "xdg-shell"


def test_elf_needed_reads_the_libraries_a_binary_links() -> None:
    import PySide6

    qtcore = next(Path(PySide6.__file__).parent.glob("QtCore*.so"), None)
    if qtcore is None:
        pytest.skip("PySide6 here is not built as ELF")
    needed = rules.elf_needed(qtcore)
    assert any(name.startswith("libQt6Core.so") for name in needed)
    assert rules.elf_needed(PACKAGING / "build.py") is None
    readelf = shutil.which("readelf")
    if readelf:
        out = subprocess.run([readelf, "-d", str(qtcore)], capture_output=True, text=True, check=True).stdout
        assert needed == re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def test_unneeded_system_libs_finds_what_only_a_left_out_library_linked(tmp_path: Path) -> None:
    """Libraries are ELF files whose links we control: copy real ones from the system under new names."""
    libz = next((p for p in (Path("/usr/lib/x86_64-linux-gnu/libz.so.1"), Path("/lib/x86_64-linux-gnu/libz.so.1"))
                 if p.exists()), None)
    if libz is None:
        pytest.skip("no system libz to stand in for a library")
    # What a kept extension module links decides; an orphan from /usr/lib goes, a package's own stays.
    extension = next(Path(sys.base_prefix).glob("lib/python3*/lib-dynload/zlib*.so"), None)
    if extension is None or "libz.so.1" not in (rules.elf_needed(extension) or []):
        pytest.skip("this Python's zlib module does not link libz.so.1")
    binaries = [
        ("zlib.cpython-311.so", str(extension), "EXTENSION"),
        ("libz.so.1", str(libz), "BINARY"),
        ("libsystemd.so.0", str(libz), "BINARY"),  # linked by nothing that is kept
        ("libpython3.11.so.1.0", str(libz), "BINARY"),  # nothing links it either, but the bootloader loads it
        ("PySide6/Qt/lib/libQt6Pdf.so.6", str(libz), "BINARY"),  # not from a system folder: never a candidate
    ]
    assert rules.unneeded_system_libs(binaries, roots=[]) == {"libsystemd.so.0"}


def test_icons_are_rendered_at_every_size(qapp, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage, QImageReader

    result = subprocess.run([sys.executable, str(PACKAGING / "icons.py"), str(tmp_path)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert QImage(str(tmp_path / "wirelab.png")).size().width() == 256
    ico = (tmp_path / "wirelab.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 7)
    reader = QImageReader(str(tmp_path / "wirelab.ico"))
    sizes = set()
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        sizes.add(reader.read().width())
    assert sizes == {16, 24, 32, 48, 64, 128, 256}
    icns = (tmp_path / "wirelab.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    kinds, offset = [], 8
    while offset < len(icns):
        kind, length = icns[offset:offset + 4], struct.unpack(">I", icns[offset + 4:offset + 8])[0]
        assert icns[offset + 8:offset + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        offset += length
    assert offset == len(icns)
    assert kinds == [b"icp4", b"icp5", b"icp6", b"ic07", b"ic08", b"ic09", b"ic10"]


def test_frozen_entry_calls_freeze_support_before_anything_else() -> None:
    """Without it first, every worker of the frozen app would open another app: a fork bomb."""
    tree = ast.parse((PACKAGING / "entry.py").read_text(encoding="utf-8"))
    main_block = next(node for node in tree.body if isinstance(node, ast.If))
    first = main_block.body[0]
    assert ast.unparse(first) == "multiprocessing.freeze_support()"
