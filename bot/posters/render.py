"""Drawing a poster's layout as PDF (fpdf2), PNG (Pillow) or SVG, with segno's QR code.

These libraries are the optional extra `posters`: imported only when a poster is rendered.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

from bot.posters.content import PosterContent
from bot.posters.layout import PT_TO_MM, SIZES, WHITE, DotOp, Measure, QrOp, RectOp, TextOp, layout

PNG_DPI = 150
# The `posters` extra of pyproject.toml, by the names they are imported under.
POSTER_MODULES = ("segno", "fpdf", "PIL", "font_lato")
QR_BORDER = 4  # modules of quiet zone, as the QR standard asks
QR_PNG_SCALE = 12  # pixels per module of the QR image embedded in the PDF


class PosterUnavailable(RuntimeError):
    """The optional libraries of the `posters` extra are not installed."""


def _libraries() -> tuple[Any, Any, Any, Any, Any]:
    """The optional poster libraries, or PosterUnavailable naming the first one missing."""
    for module in POSTER_MODULES:
        if importlib.util.find_spec(module) is None:
            raise PosterUnavailable(
                f"posters need the optional libraries (missing: {module}): "
                "pip install 'conciliazione-bot[posters]'"
            )
    import font_lato
    import fpdf
    import segno
    from PIL import Image, ImageFont

    return segno, fpdf, Image, ImageFont, font_lato


def _font_files() -> tuple[str, str]:
    font_lato = _libraries()[4]
    return font_lato.font_files["Lato"], font_lato.font_files["LatoBold"]


def make_qr(url: str) -> Any:
    """The segno QR code of `url` (error correction M: survives a smudge, stays scannable)."""
    segno = _libraries()[0]
    return segno.make(url, error="m", micro=False, boost_error=False)


def _pillow_measure(dpi: float) -> tuple[Measure, Callable[[float, bool], Any]]:
    """A Measure in millimetres using Lato in Pillow at `dpi`, and the font getter."""
    _, _, _, ImageFont, _ = _libraries()
    regular, bold_file = _font_files()
    cache: dict[tuple[int, bool], Any] = {}

    def font(size_pt: float, bold: bool) -> Any:
        px = max(1, round(size_pt / 72 * dpi))
        key = (px, bold)
        if key not in cache:
            cache[key] = ImageFont.truetype(bold_file if bold else regular, px)
        return cache[key]

    def measure(text: str, size_pt: float, bold: bool) -> float:
        return float(font(size_pt, bold).getlength(text)) / dpi * 25.4

    return measure, font


def render_pdf(content: PosterContent, paper: str = "a4") -> bytes:
    """The poster as a PDF: Lato embedded (subset), the QR a lossless image linking to the URL."""
    _, fpdf, _, _, _ = _libraries()
    regular, bold_file = _font_files()
    page_w, page_h = SIZES[paper]
    pdf = fpdf.FPDF(unit="mm", format=(page_w, page_h))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("Lato", "", regular)
    pdf.add_font("Lato", "B", bold_file)
    pdf.set_title(content.title)
    pdf.set_author(content.footer)
    pdf.set_creator("conciliazione-bot")
    pdf.set_lang(content.lang)
    pdf.add_page()

    def measure(text: str, size: float, bold: bool) -> float:
        pdf.set_font("Lato", "B" if bold else "", size)
        return float(pdf.get_string_width(text))

    for op in layout(content, paper, measure):
        if isinstance(op, RectOp):
            pdf.set_fill_color(*op.color)
            pdf.rect(op.x, op.y, op.w, op.h, style="F")
        elif isinstance(op, DotOp):
            pdf.set_fill_color(*op.color)
            pdf.circle(op.x, op.y, op.r, style="F")
        elif isinstance(op, TextOp):
            pdf.set_font("Lato", "B" if op.bold else "", op.size)
            pdf.set_text_color(*op.color)
            x = op.x - pdf.get_string_width(op.text) / 2 if op.center else op.x
            pdf.text(x, op.baseline, op.text)
        else:
            image = io.BytesIO()
            make_qr(content.url).save(image, kind="png", scale=QR_PNG_SCALE, border=QR_BORDER)
            image.seek(0)
            pdf.image(image, x=op.x, y=op.y, w=op.size, h=op.size, link=content.url)
    return bytes(pdf.output())


def render_png(content: PosterContent, paper: str = "a4", dpi: int = PNG_DPI) -> bytes:
    """The poster as a PNG at `dpi` (A4 at 150 dpi: 1240 x 1754 pixels)."""
    _, _, Image, _, _ = _libraries()
    from PIL import ImageDraw

    page_w, page_h = SIZES[paper]

    def px(mm: float) -> int:
        return round(mm / 25.4 * dpi)

    measure, font = _pillow_measure(dpi)
    image = Image.new("RGB", (px(page_w), px(page_h)), WHITE)
    draw = ImageDraw.Draw(image)
    for op in layout(content, paper, measure):
        if isinstance(op, RectOp):
            box = (px(op.x), px(op.y), px(op.x + op.w) - 1, px(op.y + op.h) - 1)
            draw.rectangle(box, op.color)
        elif isinstance(op, DotOp):
            draw.ellipse(
                (px(op.x - op.r), px(op.y - op.r), px(op.x + op.r), px(op.y + op.r)), op.color
            )
        elif isinstance(op, TextOp):
            anchor = "ms" if op.center else "ls"
            draw.text(
                (px(op.x), px(op.baseline)),
                op.text,
                op.color,
                font(op.size, op.bold),
                anchor=anchor,
            )
        else:
            qr = make_qr(content.url)
            modules = qr.symbol_size(scale=1, border=QR_BORDER)[0]
            scale = max(1, px(op.size) // modules)  # whole pixels per module: sharp edges
            buffer = io.BytesIO()
            qr.save(buffer, kind="png", scale=scale, border=QR_BORDER)
            code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
            offset = (px(op.size) - code.width) // 2
            image.paste(code, (px(op.x) + offset, px(op.y) + offset))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def render_svg(content: PosterContent, paper: str = "a4") -> bytes:
    """The poster as SVG (millimetre units), with segno's vector QR code linking to the URL."""
    page_w, page_h = SIZES[paper]
    measure, _ = _pillow_measure(600)
    ns = "http://www.w3.org/2000/svg"
    ElementTree.register_namespace("", ns)

    def tag(name: str) -> str:
        return f"{{{ns}}}{name}"

    def rgb(color: tuple[int, int, int]) -> str:
        return "#{:02x}{:02x}{:02x}".format(*color)

    root = ElementTree.Element(
        tag("svg"),
        {
            "width": f"{page_w:g}mm",
            "height": f"{page_h:g}mm",
            "viewBox": f"0 0 {page_w:g} {page_h:g}",
            "font-family": "Lato, 'Helvetica Neue', Helvetica, Arial, sans-serif",
        },
    )
    ElementTree.SubElement(root, tag("title")).text = content.title
    ElementTree.SubElement(
        root, tag("rect"), {"width": f"{page_w:g}", "height": f"{page_h:g}", "fill": "#ffffff"}
    )
    for op in layout(content, paper, measure):
        if isinstance(op, RectOp):
            ElementTree.SubElement(
                root,
                tag("rect"),
                {
                    "x": f"{op.x:.2f}",
                    "y": f"{op.y:.2f}",
                    "width": f"{op.w:.2f}",
                    "height": f"{op.h:.2f}",
                    "fill": rgb(op.color),
                },
            )
        elif isinstance(op, DotOp):
            ElementTree.SubElement(
                root,
                tag("circle"),
                {
                    "cx": f"{op.x:.2f}",
                    "cy": f"{op.y:.2f}",
                    "r": f"{op.r:.2f}",
                    "fill": rgb(op.color),
                },
            )
        elif isinstance(op, TextOp):
            attributes = {
                "x": f"{op.x:.2f}",
                "y": f"{op.baseline:.2f}",
                "font-size": f"{op.size * PT_TO_MM:.2f}",
                "fill": rgb(op.color),
            }
            if op.bold:
                attributes["font-weight"] = "bold"
            if op.center:
                attributes["text-anchor"] = "middle"
            ElementTree.SubElement(root, tag("text"), attributes).text = op.text
        else:
            root.append(_svg_qr(content.url, op, tag))
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _svg_qr(url: str, op: QrOp, tag: Callable[[str], str]) -> ElementTree.Element:
    """segno's SVG path of the QR code, scaled into the QR box, on white, as a link."""
    qr = make_qr(url)
    modules = qr.symbol_size(scale=1, border=QR_BORDER)[0]
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=1, border=QR_BORDER, xmldecl=False, svgns=True, nl=False)
    drawn = ElementTree.fromstring(buffer.getvalue())
    path = next(element for element in drawn.iter() if element.tag.endswith("path"))
    link = ElementTree.Element(tag("a"), {"href": url})
    group = ElementTree.SubElement(
        link,
        tag("g"),
        {
            "class": "qr",
            "transform": f"translate({op.x:.3f} {op.y:.3f}) scale({op.size / modules:.5f})",
        },
    )
    ElementTree.SubElement(
        group, tag("rect"), {"width": str(modules), "height": str(modules), "fill": "#ffffff"}
    )
    ElementTree.SubElement(
        group, tag("path"), {"d": path.get("d", ""), "stroke": "#000000", "fill": "none"}
    )
    return link


RENDERERS: dict[str, Callable[[PosterContent, str], bytes]] = {
    "pdf": render_pdf,
    "png": render_png,
    "svg": render_svg,
}
