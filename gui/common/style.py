"""Colours and fonts, chosen to read well on both light and dark themes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

# Mid-saturation colours that keep contrast against white and against a dark window background.
GREEN = "#2e9d4f"
BLUE = "#2f7fd1"
ORANGE = "#d9822b"
RED = "#d64545"
GREY = "#8a8f98"

STATE_COLOURS = {
    "running": GREEN,
    "starting": BLUE,
    "stopping": BLUE,
    "stopped": GREY,
    "crashed": RED,
}


def status_colour(code: int) -> str:
    """HTTP status class colour: 2xx green, 3xx blue, 4xx orange, 5xx red."""
    if 200 <= code < 300:
        return GREEN
    if 300 <= code < 400:
        return BLUE
    if 400 <= code < 500:
        return ORANGE
    if code >= 500:
        return RED
    return GREY


def is_dark() -> bool:
    app = QApplication.instance()
    if app is None:
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def mono_font(point_size: int | None = None) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_size:
        font.setPointSize(point_size)
    return font


def nick_colour(nick: str) -> QColor:
    """A stable colour per person (the same nick always gets the same hue)."""
    hue = sum(ord(c) * 31 ** i for i, c in enumerate(nick[:12])) % 360
    colour = QColor.fromHsl(hue, 150, 95 if not is_dark() else 170)
    return colour
