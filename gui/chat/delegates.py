"""Painting delegates: chat bubbles, notices and the unread line; raw transcript rows with escapes coloured.

Colours come from the widget's palette (mixed, never hard-coded backgrounds), so both light and dark
themes stay readable. Row heights are cached on the entries per width; the common one-line message is
measured with a single ``horizontalAdvance`` call.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from core.text import human_size
from core.text_codec import escape_segments, to_hex
from gui.chat.model import ChatEntry, EntryRole, TranscriptEntry, grouped_with_previous
from gui.common.style import BLUE, GREEN, ORANGE, RED, mono_font, nick_colour


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way towards ``b``."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def own_bubble(palette: QPalette) -> QColor:
    return QColor("#2b6cc4") if not dark(palette) else QColor("#2f6fb8")


def other_bubble(palette: QPalette) -> QColor:
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    return mix(base, text, 0.12 if dark(palette) else 0.065)


def muted(palette: QPalette) -> QColor:
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.45)


def small_font(font: QFont, factor: float = 0.85) -> QFont:
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(max(6.5, font.pointSizeF() * factor))
    else:
        small.setPixelSize(max(9, round(font.pixelSize() * factor)))
    return small


def bold(font: QFont) -> QFont:
    b = QFont(font)
    b.setBold(True)
    return b


def _wrapped_layout(text: str, font: QFont, width: int, formats: list | None = None) -> tuple[QTextLayout, float, float]:
    """A laid-out paragraph (wrapping at words, or anywhere for long words): (layout, height, widest line)."""
    layout = QTextLayout(text.replace("\n", "\u2028"), font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    if formats:
        layout.setFormats(formats)
    layout.beginLayout()
    y, widest = 0.0, 0.0
    leading = QFontMetrics(font).leading()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height() + leading
        widest = max(widest, line.naturalTextWidth())
    layout.endLayout()
    return layout, y, widest


_HUGE = 1 << 20


class TextBox:
    """Measure and draw wrapped text. One-line text costs one native measurement; longer text is laid out
    with :class:`QTextLayout` both when measured and when drawn, so the two always agree."""

    @staticmethod
    def one_line(text: str, fm: QFontMetrics, width: int) -> int | None:
        """The width of ``text`` when it fits on one line of ``width``, else None."""
        if "\n" in text or len(text) * fm.averageCharWidth() > width * 1.5:
            return None  # clearly more than one line: skip the probe
        rect = fm.boundingRect(QRect(0, 0, width, _HUGE), int(Qt.TextFlag.TextWordWrap), text)
        return rect.width() if rect.height() <= fm.height() and rect.width() <= width else None

    @staticmethod
    def measure(text: str, font: QFont, width: int, fm: QFontMetrics | None = None) -> tuple[int, int]:
        fm = fm or QFontMetrics(font)
        single = TextBox.one_line(text, fm, width)
        if single is not None:
            return single, fm.height()
        _, height, widest = _wrapped_layout(text, font, width)
        return int(widest + 1), int(height + 0.5)

    @staticmethod
    def draw(painter: QPainter, text: str, font: QFont, rect: QRect, colour: QColor,
             formats: list | None = None) -> None:
        painter.setPen(colour)
        painter.setFont(font)
        if not formats and TextBox.one_line(text, QFontMetrics(font), rect.width()) is not None:
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), text)
            return
        layout, _, _ = _wrapped_layout(text, font, rect.width(), formats)
        layout.draw(painter, QPointF(rect.topLeft()))


class _Fonts:
    """The fonts a delegate draws with, and their metrics, made once per base font."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.small = small_font(font)
        self.bold_small = bold(self.small)
        self.italic = QFont(font)
        self.italic.setItalic(True)
        self.fm = QFontMetrics(self.font)
        self.sfm = QFontMetrics(self.small)
        self.bsfm = QFontMetrics(self.bold_small)
        self.ifm = QFontMetrics(self.italic)
        self.widths: dict[tuple[str, str], int] = {}  # (font, text) -> advance, for nicks and times

    def advance(self, which: str, text: str) -> int:
        key = (which, text)
        width = self.widths.get(key)
        if width is None:
            if len(self.widths) > 4096:
                self.widths.clear()
            fm = {"small": self.sfm, "bold_small": self.bsfm}[which]
            width = self.widths[key] = fm.horizontalAdvance(text)
        return width


_FONTS: dict[str, _Fonts] = {}


def fonts_for(font: QFont) -> _Fonts:
    key = font.key()
    found = _FONTS.get(key)
    if found is None:
        found = _FONTS[key] = _Fonts(font)
    return found


# --- chat -----------------------------------------------------------------------------------------

STATUS_WORDS = {
    "queued": "◷ waiting to send",
    "sending": "sending…",
    "sent": "✓ sent",
    "delivered": "✓✓",
}

PAD_X, PAD_Y = 12, 7  # inside a bubble
SIDE = 14  # view edge to bubble / avatar
AVATAR = 30
GAP = 8  # avatar to bubble
GROUP_GAP, ROW_GAP = 10, 2
FOOT_GAP = 14  # text to an inline time


def view_width(delegate: QStyledItemDelegate, option: QStyleOptionViewItem) -> int:
    """The width rows get: the list's viewport (a size hint's option carries no useful rect)."""
    view = delegate.parent()
    if view is not None and hasattr(view, "viewport"):
        return max(200, view.viewport().width())
    return max(200, option.rect.width() or 600)


class BubbleDelegate(QStyledItemDelegate):
    """Chat rows: bubbles (own on the right), actions, centred notices and the "New messages" line.

    Its parent must be the list view (row widths follow the view's width)."""

    def _geometry(self, entry: ChatEntry, grouped: bool, option: QStyleOptionViewItem, width: int) -> dict:
        f = fonts_for(option.font)
        font, small, sfm = f.font, f.small, f.sfm
        out: dict = {"font": font, "small": small}
        if entry.kind == "say":
            max_bubble = int(min(width * 0.72, 640))
            inner = max_bubble - 2 * PAD_X
            tw, th = TextBox.measure(entry.text, font, inner, f.fm)
            show_nick = not entry.own and not grouped
            nick_w = f.advance("bold_small", entry.nick) if show_nick else 0
            foot = self._footer(entry)
            foot_w = f.advance("small", foot) + 4
            head_h = sfm.height() + 1 if show_nick else 0
            one_line = th <= f.fm.height() + 1
            inline = one_line and tw + FOOT_GAP + foot_w <= inner  # the time fits beside a short message
            if inline:
                content_w = max(tw + FOOT_GAP + foot_w, nick_w)
                bubble_h = PAD_Y + head_h + th + PAD_Y
            else:
                content_w = max(tw, nick_w, foot_w)
                bubble_h = PAD_Y + head_h + th + sfm.height() + PAD_Y - 2
            top = ROW_GAP if grouped else GROUP_GAP
            out.update(text_w=tw, text_h=th, show_nick=show_nick, bubble_w=content_w + 2 * PAD_X, inline=inline,
                       bubble_h=bubble_h, head_h=head_h, top=top, inner=inner, footer=foot,
                       height=top + bubble_h + ROW_GAP)
        elif entry.kind == "me":
            inner = int(width - 2 * SIDE - AVATAR - GAP)
            text = f"* {entry.nick} {entry.text}"
            tw, th = TextBox.measure(text + "   " + self._footer(entry), f.italic, inner, f.ifm)
            out.update(text=text, ifont=f.italic, inner=inner, height=GROUP_GAP + th + ROW_GAP)
        elif entry.kind == "marker":
            out.update(height=sfm.height() + 14)
        else:
            inner = int(min(width - 2 * SIDE - 24, 760))
            tw, th = TextBox.measure(self._notice_text(entry), small, inner, sfm)
            out.update(text_w=tw, text_h=th, inner=inner, height=th + 14)
        return out

    @staticmethod
    def _footer(entry: ChatEntry) -> str:
        stamp = time.strftime("%H:%M", time.localtime(entry.time))
        if entry.own and entry.status:
            return f"{stamp}  {STATUS_WORDS.get(entry.status, '')}"
        return stamp

    @staticmethod
    def _notice_text(entry: ChatEntry) -> str:
        stamp = time.strftime("%H:%M", time.localtime(entry.time))
        return f"{entry.text}  ·  {stamp}"

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        entry: ChatEntry = index.data(EntryRole)
        if entry is None:
            return QSize(0, 0)
        model = index.model()
        grouped = grouped_with_previous(model.rows, index.row())
        width = view_width(self, option)
        cache = entry.size_cache
        if cache is not None and cache[0] == width and cache[1] == grouped:
            return QSize(width, cache[2])
        height = self._geometry(entry, grouped, option, width)["height"]
        entry.size_cache = (width, grouped, height)
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        entry: ChatEntry = index.data(EntryRole)
        if entry is None:
            return
        palette = option.palette
        grouped = grouped_with_previous(index.model().rows, index.row())
        g = self._geometry(entry, grouped, option, option.rect.width())
        r = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            sel = QColor(palette.color(QPalette.ColorRole.Highlight))
            sel.setAlpha(45)
            painter.fillRect(r, sel)
        if entry.kind == "say":
            self._paint_bubble(painter, palette, entry, g, r)
        elif entry.kind == "me":
            x = r.left() + SIDE + AVATAR + GAP
            rect = QRect(x, r.top() + GROUP_GAP, g["inner"], r.height())
            colour = nick_colour(entry.nick)
            TextBox.draw(painter, g["text"] + "   " + self._footer(entry), g["ifont"], rect, colour)
        elif entry.kind == "marker":
            colour = QColor(RED)
            y = r.center().y()
            label = "New messages"
            sfm = QFontMetrics(g["small"])
            lw = sfm.horizontalAdvance(label) + 16
            painter.setPen(QPen(colour, 1))
            painter.drawLine(r.left() + SIDE, y, r.right() - SIDE - lw - 6, y)
            painter.setFont(bold(g["small"]))
            painter.drawText(QRect(r.right() - SIDE - lw, r.top(), lw, r.height()),
                             int(Qt.AlignmentFlag.AlignCenter), label)
        else:
            self._paint_notice(painter, palette, entry, g, r)
        painter.restore()

    def _paint_bubble(self, painter: QPainter, palette: QPalette, entry: ChatEntry, g: dict, r: QRect) -> None:
        bw, bh = g["bubble_w"], g["bubble_h"]
        top = r.top() + g["top"]
        if entry.own:
            x = r.right() - SIDE - bw
        else:
            x = r.left() + SIDE + AVATAR + GAP
        bubble = QRectF(x, top, bw, bh)
        path = QPainterPath()
        path.addRoundedRect(bubble, 14, 14)
        if entry.own:
            fill = own_bubble(palette)
            text_colour = QColor("#ffffff")
            foot_colour = QColor(255, 255, 255, 190)
            if entry.status == "queued":
                fill = mix(fill, palette.color(QPalette.ColorRole.Base), 0.55)
                text_colour = palette.color(QPalette.ColorRole.Text)
                foot_colour = QColor(ORANGE)
        else:
            fill = other_bubble(palette)
            text_colour = palette.color(QPalette.ColorRole.Text)
            foot_colour = muted(palette)
        painter.fillPath(path, fill)
        if entry.own and entry.status == "queued":
            pen = QPen(QColor(ORANGE), 1.4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawPath(path)
        if not entry.own and g["show_nick"]:
            self._paint_avatar(painter, entry.nick, QRectF(r.left() + SIDE, top, AVATAR, AVATAR))
        y = top + PAD_Y
        if g["show_nick"]:
            painter.setFont(bold(g["small"]))
            painter.setPen(nick_colour(entry.nick))
            painter.drawText(QRect(int(x + PAD_X), int(y), g["inner"], g["head_h"]),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), entry.nick)
            y += g["head_h"]
        TextBox.draw(painter, entry.text, g["font"], QRect(int(x + PAD_X), int(y), g["inner"], g["text_h"] + 2),
                     text_colour)
        painter.setFont(g["small"])
        painter.setPen(foot_colour)
        sfm = QFontMetrics(g["small"])
        if g["inline"]:  # beside the text, on its baseline
            y += g["text_h"] - sfm.height() - 1
        else:
            y += g["text_h"]
        painter.drawText(QRect(int(x + PAD_X), int(y), int(bw - 2 * PAD_X), sfm.height()),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), g["footer"])

    @staticmethod
    def _paint_avatar(painter: QPainter, nick: str, rect: QRectF) -> None:
        colour = nick_colour(nick)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(rect)
        initial = next((c for c in nick if c.isalnum()), nick[:1] or "?").upper()
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(int(rect.height() * 0.45))
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), initial)

    def _paint_notice(self, painter: QPainter, palette: QPalette, entry: ChatEntry, g: dict, r: QRect) -> None:
        text = self._notice_text(entry)
        w, h = g["text_w"] + 20, g["text_h"] + 6
        pill = QRectF(r.center().x() - w / 2, r.top() + (r.height() - h) / 2, w, h)
        base = palette.color(QPalette.ColorRole.Base)
        if entry.kind == "error":
            fill, colour = mix(base, QColor(RED), 0.14), QColor(RED) if not dark(palette) else QColor("#ff8a80")
        elif entry.kind == "info":
            fill, colour = mix(base, QColor(BLUE), 0.12), palette.color(QPalette.ColorRole.Text)
        else:
            fill, colour = other_bubble(palette), muted(palette)
        path = QPainterPath()
        path.addRoundedRect(pill, h / 2, h / 2)
        painter.fillPath(path, fill)
        TextBox.draw(painter, text, g["small"], QRect(int(pill.left() + 10), int(pill.top() + 3), g["text_w"] + 2,
                                                      g["text_h"] + 2), colour)


# --- raw transcript -------------------------------------------------------------------------------

GUTTER_PAD = 10


class TranscriptDelegate(QStyledItemDelegate):
    """Raw rows: time, a direction badge with the byte count, and the bytes (escapes in another colour)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.show_hex = False
        self.encoding = "utf-8"
        self.lines_view = False

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        mono = mono_font()
        mono.setPointSizeF(max(8.0, option.font.pointSizeF() if option.font.pointSizeF() > 0 else 10.0))
        return mono, small_font(option.font, 0.88)

    def _columns(self, option: QStyleOptionViewItem) -> tuple[int, int, int]:
        _, small = self._fonts(option)
        sfm = QFontMetrics(small)
        time_w = sfm.horizontalAdvance("00:00:00.000") + GUTTER_PAD
        badge_w = sfm.horizontalAdvance("← recv #0000 · 0000 bytes") + GUTTER_PAD
        content_w = max(80, view_width(self, option) - time_w - badge_w - 3 * GUTTER_PAD - 6)
        return time_w, badge_w, content_w

    def content(self, entry: TranscriptEntry) -> tuple[str, list]:
        if entry.kind == "info":
            return entry.text, []
        if self.show_hex:
            return to_hex(entry.data) or "(empty)", []
        text, formats, pos = [], [], 0
        for seg in escape_segments(entry.data, self.encoding):
            text.append(seg.text)
            units = utf16_len(seg.text)  # Qt counts UTF-16 code units: an emoji is two
            if seg.escape:
                fr = QTextLayout.FormatRange()
                fr.start, fr.length = pos, units
                fmt = QTextCharFormat()
                fmt.setForeground(QColor(ORANGE))
                fr.format = fmt
                formats.append(fr)
            pos += units
        return "".join(text), formats

    def badge(self, entry: TranscriptEntry) -> str:
        if entry.kind == "info":
            return "• connection"
        size = human_size(entry.size)
        if entry.kind == "out":
            calls = f" ({entry.calls} send calls)" if entry.calls > 1 else ""
            return f"→ sent #{entry.seq} · {size}{calls}"
        if self.lines_view:
            reads = f"{entry.reads} reads" if entry.reads > 1 else "1 read"
            return f"← {reads} · {size}"
        return f"← recv #{entry.seq} · {size}"

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        entry: TranscriptEntry = index.data(EntryRole)
        if entry is None:
            return QSize(0, 0)
        width = view_width(self, option)
        key = (width, f"{self.show_hex}{self.lines_view}", self.encoding)
        if entry.size_cache is not None and entry.size_cache[:3] == key:
            return QSize(width, entry.size_cache[3])
        mono, small = self._fonts(option)
        _, _, content_w = self._columns(option)
        text, _ = self.content(entry)
        font = small if entry.kind == "info" else mono
        _, th = TextBox.measure(text, font, content_w)
        height = max(th, QFontMetrics(small).height()) + 8
        entry.size_cache = (*key, height)
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        entry: TranscriptEntry = index.data(EntryRole)
        if entry is None:
            return
        palette = option.palette
        r = option.rect
        mono, small = self._fonts(option)
        time_w, badge_w, content_w = self._columns(option)
        colour = {"in": QColor(GREEN), "out": QColor(BLUE)}.get(entry.kind, muted(palette))
        painter.save()
        base = palette.color(QPalette.ColorRole.Base)
        if entry.kind != "info":
            painter.fillRect(r.adjusted(0, 1, 0, -1), mix(base, colour, 0.07 if not dark(palette) else 0.12))
        if option.state & QStyle.StateFlag.State_Selected:
            sel = QColor(palette.color(QPalette.ColorRole.Highlight))
            sel.setAlpha(60)
            painter.fillRect(r, sel)
        painter.fillRect(QRect(r.left(), r.top() + 1, 3, r.height() - 2), colour)
        x = r.left() + GUTTER_PAD
        y = r.top() + 4
        stamp = time.strftime("%H:%M:%S", time.localtime(entry.time)) + f".{int(entry.time * 1000) % 1000:03d}"
        painter.setFont(small)
        painter.setPen(muted(palette))
        painter.drawText(QRect(x, y, time_w, r.height()), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                         stamp)
        x += time_w
        painter.setPen(colour if not dark(palette) else colour.lighter(130))
        painter.setFont(bold(small))
        painter.drawText(QRect(x, y, badge_w, r.height()), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                         self.badge(entry))
        x += badge_w + GUTTER_PAD
        text, formats = self.content(entry)
        font = small if entry.kind == "info" else mono
        text_colour = palette.color(QPalette.ColorRole.Text) if entry.kind != "info" else muted(palette)
        if entry.kind != "info":
            # a faint box around exactly these bytes: trailing spaces and the cut between reads show
            tw, th = TextBox.measure(text, font, content_w)
            box = QRectF(x - 3, y - 1, min(tw, content_w) + 6, th + 2)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(mix(base, colour, 0.35), 1))
            painter.setBrush(base)
            painter.drawRoundedRect(box, 3, 3)
        TextBox.draw(painter, text, font, QRect(x, y, content_w, r.height()), text_colour, formats)
        painter.restore()
