"""Render the Wirelab icon (drawn with Qt in gui/common/icons.py) to the files the bundles need.

    python packaging/icons.py OUTDIR

writes ``wirelab.png`` (256 px, Linux), ``wirelab.ico`` (Windows, 16-256 px) and ``wirelab.icns``
(macOS, 16-1024 px). ICO and ICNS are written here by hand because both are simple containers of
PNG images, and Qt's own writers store only one size.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types that hold PNG data, by pixel size.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024))


def png_bytes(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from gui.common.icons import app_pixmap

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not app_pixmap(size).save(buffer, "PNG"):
        raise RuntimeError(f"could not render the {size} px icon")
    buffer.close()
    return bytes(data)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file with one PNG-compressed image per size (supported since Windows Vista)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = images[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def icns_bytes(images: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(out: Path) -> list[Path]:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - QPixmap needs it
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted({*ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    images = {size: png_bytes(size) for size in sizes}
    written = {
        out / "wirelab.png": images[256],
        out / "wirelab.ico": ico_bytes({s: images[s] for s in ICO_SIZES}),
        out / "wirelab.icns": icns_bytes(images),
    }
    for path, data in written.items():
        path.write_bytes(data)
    return list(written)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/icons.py OUTDIR")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed to draw
    sys.path.insert(0, str(ROOT))
    for p in write_icons(Path(sys.argv[1])):
        print(p)
