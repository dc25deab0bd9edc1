"""The Wirelab icon, drawn with Qt (no image files to lose in packaging)."""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap


def app_pixmap(size: int = 256) -> QPixmap:
    """Three linked nodes on a rounded blue square: a network lab."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#1f5fa8")))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    nodes = [QPointF(72 * s, 84 * s), QPointF(184 * s, 84 * s), QPointF(128 * s, 184 * s)]
    p.setPen(QPen(QColor("#e8f1fb"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for a, b in ((0, 1), (1, 2), (2, 0)):
        p.drawLine(nodes[a], nodes[b])
    p.setPen(Qt.PenStyle.NoPen)
    for colour, node in zip(("#6fd08c", "#ffd166", "#ff8a7a"), nodes, strict=True):
        p.setBrush(QBrush(QColor(colour)))
        p.drawEllipse(node, 30 * s, 30 * s)
    p.end()
    return pixmap


@functools.cache
def app_icon() -> QIcon:
    """The icon at every size a desktop asks for, drawn once per run (QIcon is implicitly shared)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(app_pixmap(size))
    return icon
