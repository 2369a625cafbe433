"""Where everything goes on a poster, in millimetres (y grows downwards), for any renderer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.posters.content import PosterContent
from bot.posters.links import PosterError

SIZES: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a6": (105.0, 148.0)}
# Posters are printed in black and one colour (Lombardy green).
INK = (33, 33, 33)
ACCENT = (0, 104, 71)
WHITE = (255, 255, 255)
GREY = (90, 90, 90)
PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class TextOp:
    x: float  # left edge, or centre when `center`
    baseline: float
    text: str
    size: float  # points
    bold: bool = False
    center: bool = False
    color: tuple[int, int, int] = INK


@dataclass(frozen=True)
class RectOp:
    x: float
    y: float
    w: float
    h: float
    color: tuple[int, int, int]


@dataclass(frozen=True)
class DotOp:
    x: float
    y: float
    r: float
    color: tuple[int, int, int]


@dataclass(frozen=True)
class QrOp:
    x: float
    y: float
    size: float  # side of the square, quiet zone included


Op = TextOp | RectOp | DotOp | QrOp
# (text, size in points, bold) -> width in millimetres
Measure = Callable[[str, float, bool], float]


def _wrap(text: str, size: float, bold: bool, width: float, measure: Measure) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and measure(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _fit(text: str, size: float, bold: bool, width: float, measure: Measure) -> float:
    """The largest size <= `size` at which `text` fits on one line of `width`."""
    while size > 4 and measure(text, size, bold) > width:
        size -= 0.5
    return size


def layout(content: PosterContent, paper: str, measure: Measure) -> list[Op]:
    """Where everything goes: header at the top, link and footer at the bottom, QR between."""
    page_w, page_h = SIZES[paper]
    k = page_w / SIZES["a4"][0]  # 1 on A4, 0.5 on A6
    f = 1.0 if paper == "a4" else 0.6  # type scale: A6 text stays readable
    margin = 16 * k
    width = page_w - 2 * margin
    cx = page_w / 2
    ops: list[Op] = [RectOp(0, 0, page_w, 9 * k, ACCENT)]

    def block(
        text: str, y: float, size: float, bold: bool = False, color: tuple[int, int, int] = INK
    ) -> float:
        """Centred, wrapped text from top `y`; returns the y under it."""
        line_h = size * PT_TO_MM * 1.25
        for line in _wrap(text, size, bold, width, measure):
            ops.append(TextOp(cx, y + size * PT_TO_MM, line, size, bold, True, color))
            y += line_h
        return y

    # Top: kicker, title, the three lines as a bulleted list.
    y = 17 * k
    y = block(content.kicker.upper(), y, 13 * f, True, ACCENT) + 3 * k
    y = block(content.title, y, 30 * f, True) + 6 * k
    line_size = 16 * f
    line_h = line_size * PT_TO_MM * 1.3
    bullet_x = margin + 6 * k
    text_x = bullet_x + 5 * k
    for item in content.lines:
        for index, line in enumerate(
            _wrap(item, line_size, False, page_w - margin - text_x, measure)
        ):
            baseline = y + line_size * PT_TO_MM
            if index == 0:
                radius = 1.3 * f
                ops.append(DotOp(bullet_x, baseline - line_size * PT_TO_MM * 0.35, radius, ACCENT))
            ops.append(TextOp(text_x, baseline, line, line_size))
            y += line_h
        y += 1.5 * k
    top = y + 4 * k

    # Bottom, upwards: green footer band, privacy line, link, "scan" sentence.
    band_h = 16 * k
    ops.append(RectOp(0, page_h - band_h, page_w, band_h, ACCENT))
    footer_size = _fit(content.footer, 15 * f, True, width, measure)
    ops.append(
        TextOp(
            cx,
            page_h - band_h / 2 + footer_size * PT_TO_MM * 0.35,
            content.footer,
            footer_size,
            True,
            True,
            WHITE,
        )
    )
    privacy_size = 10 * (1.0 if paper == "a4" else 0.7)
    privacy_lines = _wrap(content.privacy, privacy_size, False, width, measure)
    privacy_h = len(privacy_lines) * privacy_size * PT_TO_MM * 1.3
    y = page_h - band_h - 6 * k - privacy_h
    for line in privacy_lines:
        y += privacy_size * PT_TO_MM * 1.3
        ops.append(
            TextOp(cx, y - privacy_size * PT_TO_MM * 0.3, line, privacy_size, False, True, GREY)
        )
    link_size = _fit(content.link_text, 20 * f, True, width, measure)
    scan_size = 13 * f
    scan_lines = _wrap(content.scan, scan_size, False, width, measure)
    bottom = page_h - band_h - 6 * k - privacy_h - 7 * k - link_size * PT_TO_MM * 1.3
    ops.append(
        TextOp(cx, bottom + link_size * PT_TO_MM, content.link_text, link_size, True, True, ACCENT)
    )
    bottom -= len(scan_lines) * scan_size * PT_TO_MM * 1.3 + 1 * k
    for index, line in enumerate(scan_lines):
        baseline = bottom + (index + 1) * scan_size * PT_TO_MM * 1.3 - scan_size * PT_TO_MM * 0.3
        ops.append(TextOp(cx, baseline, line, scan_size, False, True))
    bottom -= 2 * k

    # The QR code fills what is left, up to 115 mm on A4 (57.5 on A6).
    side = min(115 * k, bottom - top, width)
    if side < 30 * k:
        raise PosterError(
            f"the texts of '{content.topic}' ({content.lang}) leave no room for the QR code"
        )
    ops.append(QrOp(cx - side / 2, top + (bottom - top - side) / 2, side))
    return ops
