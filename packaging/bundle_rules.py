"""What goes into the Wirelab bundles, and what they are called. Shared by the spec, build.py and the tests.

Plain Python with no third-party imports, so every one of them can load it from this folder.
(This folder is deliberately not a Python package: a ``packaging`` package would hide the
``packaging`` library that PyInstaller itself needs.)
"""

from __future__ import annotations

import platform
import re
import sys
from pathlib import Path

APP_NAME = "Wirelab"
BUNDLE_ID = "org.wirelab.Wirelab"

#: Size budgets (bytes): build.py fails a build that is bigger, tests/packaging checks the onedir.
ONEDIR_BUDGET = 120 * 1024 * 1024
ONEFILE_BUDGET = 70 * 1024 * 1024

IS_WINDOWS = sys.platform == "win32"
IS_MACOS = sys.platform == "darwin"
IS_LINUX = sys.platform.startswith("linux")

#: Qt modules Wirelab uses. Every other ``PySide6.Qt*`` module is excluded from the bundle.
#: QtNetwork is left out on purpose: all networking lives in ``core`` (plain Python sockets, requests),
#: and QtNetwork would add ~8 MB (libQt6Network, Kerberos, GIO). A GUI module that starts importing
#: another Qt module must add it here; tests/packaging/test_bundle_rules.py fails until it does.
QT_MODULES_KEPT = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtSvgWidgets")

#: Linux libraries every desktop (X11 or Wayland) already has, taken from the system instead of bundled,
#: the way PyInstaller already treats libxcb and libwayland: a bundled fontconfig older than the
#: system's cannot read its fonts.conf, and libdbus must match the system's message bus. Their own
#: dependencies (systemd, gcrypt, expat, png...) then stay out too. Regular expressions on the file name.
LINUX_SYSTEM_LIBS = (
    r"libX11(-xcb)?\.so(\..*)?",
    r"libX(au|dmcp|ext|render)\.so(\..*)?",
    r"libdbus-1\.so(\..*)?",
    r"libfontconfig\.so(\..*)?",
    r"libfreetype\.so(\..*)?",
)

#: Qt shared libraries that may appear as dependencies of kept plugins and modules but that Wirelab
#: never loads. Matched against the library's base name: ``libQt6Quick.so.6``, ``Qt6Quick.dll``,
#: ``QtQuick.framework``; a name matches when it starts with one of these after the ``Qt``/``Qt6`` prefix.
QT_LIBS_DROPPED = (
    "Qml", "Quick", "Pdf", "WebEngine", "WebChannel", "WebSockets", "WebView", "3D", "Multimedia",
    "SpatialAudio", "Sql", "Test", "Designer", "Help", "UiTools", "LabsStyleKit", "VirtualKeyboard",
    "WaylandCompositor", "Lottie", "ShaderTools", "Charts", "DataVisualization", "Graphs", "Location",
    "Positioning", "Sensors", "SerialPort", "SerialBus", "Bluetooth", "Nfc", "RemoteObjects", "Scxml",
    "StateMachine", "TextToSpeech", "HttpServer", "NetworkAuth", "Concurrent", "Xml", "PrintSupport",
    "OpenGLWidgets",
)

#: Qt plugins kept, by plugin folder: ``None`` keeps the whole folder, a tuple keeps the named plugins
#: (base name without ``lib``/``q`` prefix, ``d`` suffix or extension; see :func:`plugin_name`).
#: Every folder not listed is dropped (sql drivers, QML tooling, designer, print support, egl devices...).
QT_PLUGINS_KEPT: dict[str, tuple[str, ...] | None] = {
    # offscreen: tests, CI and screenshots; xcb and wayland: Linux desktops; windows/cocoa: the others.
    "platforms": ("offscreen", "xcb", "wayland", "windows", "cocoa"),
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    # wayland-egl only: the others share buffers with a Qt-based compositor.
    "wayland-graphics-integration-client": ("qt-plugin-wayland-egl",),
    # xdg-shell is what every desktop compositor speaks; the others are for kiosks and cars.
    "wayland-shell-integration": ("xdg-shell",),
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    # The desktop portal gives native file dialogs on Linux; the gtk3 theme would pull in GTK itself.
    "platformthemes": ("xdgdesktopportal",),
    "imageformats": ("gif", "ico", "jpeg", "svg"),  # PNG is built into QtGui
    "iconengines": None,
    "styles": None,  # Windows 11 / Vista styles
    "tls": None,
    "networkinformation": None,
}

#: Python modules nobody imports at run time, excluded so no hook drags them in.
PYTHON_EXCLUDES = (
    "tkinter", "_tkinter", "test", "idlelib", "lib2to3", "ensurepip", "pydoc_data", "distutils",
    "setuptools", "pkg_resources", "pip", "PyInstaller", "pytest", "_pytest", "hypothesis", "schemathesis",
)


def qt_module_excludes(pyside_dir: Path) -> list[str]:
    """``PySide6.QtX`` for every Qt binding module installed that Wirelab does not use."""
    names = {p.name.split(".")[0] for p in pyside_dir.glob("Qt*") if p.suffix in (".so", ".pyd") or ".abi3." in p.name}
    return sorted(f"PySide6.{name}" for name in names if name.startswith("Qt") and name not in QT_MODULES_KEPT)


_QT_LIB = re.compile(r"^(?:lib)?Qt6?(?P<rest>[A-Za-z0-9]+)")


def is_dropped_qt_lib(base_name: str) -> bool:
    match = _QT_LIB.match(base_name)
    if not match:
        return base_name.startswith("libpyside6qml")
    return any(match["rest"].startswith(prefix) for prefix in QT_LIBS_DROPPED)


def plugin_name(file_name: str) -> str:
    """``libqxcb.so`` -> ``xcb``, ``qwindows.dll`` -> ``windows``, ``libqsvgicon.dylib`` -> ``svgicon``."""
    stem = file_name.split(".")[0]
    if stem.startswith("lib"):
        stem = stem[3:]
    if stem.startswith("q") and not stem.startswith("qt-"):
        stem = stem[1:]
    return stem


def is_system_lib(base_name: str) -> bool:
    """True for a Linux library left to the system (:data:`LINUX_SYSTEM_LIBS`)."""
    return IS_LINUX and any(re.fullmatch(pattern, base_name) for pattern in LINUX_SYSTEM_LIBS)


def keep(dest: str) -> bool:
    """Whether a collected file (its path inside the bundle) stays in the Wirelab bundle."""
    parts = Path(dest).as_posix().split("/")
    if "PySide6" in parts:
        inner = parts[parts.index("PySide6") + 1:]
        if inner[:1] == ["Qt"]:
            inner = inner[1:]
        if inner[:1] == ["translations"]:
            return False  # Wirelab installs no translator, so Qt's own translations are never loaded
        if inner[:1] in (["qml"], ["metatypes"], ["libexec"], ["resources"]):
            return False  # QML modules, build metadata, QtWebEngine's helper process and its data
        if inner[:1] == ["plugins"] and len(inner) >= 3:
            folder, name = inner[1], inner[-1]
            if folder not in QT_PLUGINS_KEPT:
                return False
            wanted = QT_PLUGINS_KEPT[folder]
            return wanted is None or plugin_name(name) in wanted
    if is_system_lib(parts[-1]):
        return False
    if parts[-1].lower() == "opengl32sw.dll":
        return False  # Windows: 20 MB software OpenGL for Qt Quick; widgets paint without OpenGL
    for part in parts:
        if is_dropped_qt_lib(part):
            return False
    return True


def elf_needed(path: Path) -> list[str] | None:
    """The ``DT_NEEDED`` names of an ELF file (the libraries it links), or None when it is not ELF.

    Read directly because ``ldd`` lists the whole transitive closure, and that is what we need to undo.
    """
    import struct

    with open(path, "rb") as f:
        ident = f.read(16)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            return None
        wide, order = ident[4] == 2, "<" if ident[5] == 1 else ">"

        def read(offset: int, fmt: str) -> tuple:
            f.seek(offset)
            return struct.unpack(order + fmt, f.read(struct.calcsize(order + fmt)))

        phoff, = read(0x20 if wide else 0x1C, "Q" if wide else "I")
        phentsize, phnum = read(0x36 if wide else 0x2A, "HH")
        loads, dynamic = [], None
        for i in range(phnum):
            if wide:
                p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = read(phoff + i * phentsize, "IIQQQQQQ")
            else:
                p_type, p_offset, p_vaddr, _, p_filesz, _, _, _ = read(phoff + i * phentsize, "IIIIIIII")
            if p_type == 1:
                loads.append((p_vaddr, p_offset, p_filesz))
            elif p_type == 2:
                dynamic = (p_offset, p_filesz)
        if dynamic is None:
            return []
        entry_fmt = "qQ" if wide else "iI"
        entry_size = struct.calcsize(order + entry_fmt)
        needed, strtab = [], None
        for i in range(dynamic[1] // entry_size):
            tag, value = read(dynamic[0] + i * entry_size, entry_fmt)
            if tag == 0:
                break
            if tag == 1:
                needed.append(value)
            elif tag == 5:
                strtab = value
        if strtab is None:
            return []
        base = next((off + strtab - vaddr for vaddr, off, size in loads if vaddr <= strtab < vaddr + size), strtab)
        names = []
        for offset in needed:
            f.seek(base + offset)
            raw = f.read(256)
            names.append(raw.split(b"\0", 1)[0].decode("utf-8", "replace"))
        return names


def unneeded_system_libs(binaries: list[tuple[str, str, str]], roots: list[str]) -> set[str]:
    """Destination names of Linux system libraries in ``binaries`` that nothing kept links any more.

    PyInstaller collects the whole ``ldd`` closure, so leaving ``libdbus-1`` to the system still brings
    ``libsystemd`` and its ``libgcrypt``. Only libraries collected from system folders are candidates;
    libpython (a Debian Python keeps it in /usr/lib), Python extension modules, Qt plugins and everything
    shipped inside a Python package always stay.
    ``roots`` are extra files whose links count (the bootloader).
    """
    system_dirs = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")
    candidates = {dest for dest, src, _ in binaries
                  if "/" not in dest and src.startswith(system_dirs) and ".cpython-" not in dest
                  and not dest.startswith("libpython")}  # the bootloader loads it by name: nothing links it
    links: dict[str, list[str]] = {}
    for dest, src, _ in binaries:
        links[dest] = elf_needed(Path(src)) or []
    kept = {dest for dest in links if dest not in candidates}
    used: set[str] = set()
    for root in roots:
        used.update(elf_needed(Path(root)) or [])
    frontier = list(kept)
    while frontier:
        for name in links.get(frontier.pop(), []):
            if name not in used:
                used.add(name)
                if name in candidates:
                    frontier.append(name)
    return candidates - used


def trim_hook_entries(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Filter a hook's ``(source file, destination folder)`` list with :func:`keep`."""
    return [(src, dest) for src, dest in entries if keep(f"{Path(dest).as_posix()}/{Path(src).name}")]


# --- names --------------------------------------------------------------------------------------


def platform_tag() -> str:
    """``linux-x86_64``, ``windows-x64``, ``macos-arm64``: the suffix of downloadable file names."""
    machine = platform.machine().lower() or "unknown"
    if IS_WINDOWS:
        return "windows-" + {"amd64": "x64", "x86_64": "x64", "arm64": "arm64"}.get(machine, machine)
    if IS_MACOS:
        return "macos-" + machine
    return f"{sys.platform.rstrip('0123456789')}-{machine}"


def executable_name() -> str:
    """The main executable inside the onedir folder (the GUI on Windows, GUI and commands elsewhere)."""
    if IS_WINDOWS:
        return f"{APP_NAME}.exe"
    if IS_MACOS:
        return APP_NAME
    return "wirelab"


#: Windows only: the console twin of Wirelab.exe in the same folder, for ``serve``, ``send``, ``selftest``...
CLI_EXECUTABLE = "wirelab-cli.exe"


def onedir_path(dist: Path) -> Path:
    """The folder to hand out (``Wirelab.app`` on macOS)."""
    return dist / (f"{APP_NAME}.app" if IS_MACOS else APP_NAME)


def onedir_executable(dist: Path) -> Path:
    """The executable that runs headless commands from a terminal, inside the onedir bundle."""
    if IS_WINDOWS:
        return dist / APP_NAME / CLI_EXECUTABLE
    if IS_MACOS:
        return dist / f"{APP_NAME}.app" / "Contents" / "MacOS" / APP_NAME
    return dist / APP_NAME / executable_name()


def onefile_name(version: str) -> str:
    return f"{APP_NAME}-{version}-{platform_tag()}" + (".exe" if IS_WINDOWS else "")
