"""Printable posters and leaflets with a QR code that opens the bot on a topic.

A poster names a topic (`knowledge/ui/posters.yaml`: `poster.topic.<topic>.*`), whose name is
the `/start` payload of its deep link `https://t.me/<bot>?start=<topic>` (the general poster,
`assistente`, links to the bot without a payload). Every payload is checked against the
bot's deep-link table (`deep_link_table`, the same rules as `Brain._cmd_start`) when the
knowledge base is loaded and again when a poster is built, so a poster can never point to a
payload the bot does not understand.

The QR code is made by segno, the PDF by fpdf2, the PNG by Pillow; the text is set in Lato
(the `font-lato` package), embedded in the PDF, so a fresh install needs no system font. These
libraries are the optional extra `posters`: they are imported only when a poster is rendered.
The SVG is the same layout with segno's vector QR code.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bot.texts import LANGS, Texts

GENERAL_TOPIC = "assistente"
FORMATS = ("pdf", "png", "svg")
SIZES: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a6": (105.0, 148.0)}
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml"}
PNG_DPI = 150
# The `posters` extra of pyproject.toml, by the names they are imported under.
POSTER_MODULES = ("segno", "fpdf", "PIL", "font_lato")
TOPIC_PREFIX = "poster.topic."
TOPIC_FIELDS = ("title", "line1", "line2", "line3")
SHARED_TEXTS = ("poster.kicker", "poster.scan", "poster.privacy", "poster.footer")
# Lengths that still fit the layout on an A6 leaflet.
MAX_TITLE_CHARS = 70
MAX_LINE_CHARS = 75
MAX_PRIVACY_CHARS = 240
# Telegram: a deep-link payload is 1-64 of A-Z a-z 0-9 _ -; the brain reads it lower-case.
PAYLOAD_PATTERN = re.compile(r"^[a-z0-9_-]{1,64}$")
# Telegram usernames: 5-32 letters, digits and underscores, starting with a letter.
USERNAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
# Posters are printed in black and one colour (Lombardy green).
INK = (33, 33, 33)
ACCENT = (0, 104, 71)
WHITE = (255, 255, 255)
GREY = (90, 90, 90)
PT_TO_MM = 25.4 / 72
QR_BORDER = 4  # modules of quiet zone, as the QR standard asks
QR_PNG_SCALE = 12  # pixels per module of the QR image embedded in the PDF


class PosterError(ValueError):
    """A request that cannot give a poster (unknown topic, bad username): a usage problem."""


class PosterUnavailable(RuntimeError):
    """The optional libraries of the `posters` extra are not installed."""


# -- the deep-link table -----------------------------------------------------------------------
def deep_link_table(entries: Iterable[Any], flows: Mapping[str, Any]) -> dict[str, str]:
    """Every `/start` payload the bot understands -> what it opens.

    The same precedence as `Brain._cmd_start`: a flow id starts the flow; then an entry id,
    then a topic (its first entry) gives the answer; no payload gives the greeting and menu.
    Values: "menu", "flow:<id>" or "entry:<id>".
    """
    table: dict[str, str] = {"": "menu"}
    by_topic: dict[str, str] = {}
    for entry in entries:
        table.setdefault(entry.id, f"entry:{entry.id}")
        by_topic.setdefault(entry.topic, entry.id)
    for topic, entry_id in by_topic.items():
        table.setdefault(topic, f"entry:{entry_id}")
    for flow_id in flows:
        table[flow_id] = f"flow:{flow_id}"
    return {payload: kind for payload, kind in table.items() if valid_payload(payload)}


def deep_link_payloads(kb: Any) -> dict[str, str]:
    """The deep-link table of a loaded knowledge base."""
    return deep_link_table(kb.entries, kb.flows)


def valid_payload(payload: str) -> bool:
    """Whether Telegram carries this payload unchanged to the brain ("" = no payload)."""
    return payload == "" or bool(PAYLOAD_PATTERN.match(payload))


def topic_payload(topic: str) -> str:
    return "" if topic == GENERAL_TOPIC else topic


def deep_link(username: str, topic: str) -> str:
    payload = topic_payload(topic)
    base = f"https://t.me/{username}"
    return f"{base}?start={payload}" if payload else base


def poster_topics(texts: Texts) -> list[str]:
    """The topics with a poster title, the general poster first."""
    topics = sorted(
        key[len(TOPIC_PREFIX) : -len(".title")]
        for key in texts.keys()
        if key.startswith(TOPIC_PREFIX) and key.endswith(".title")
    )
    return sorted(topics, key=lambda topic: topic != GENERAL_TOPIC)


def check_username(raw: str) -> str:
    """A Telegram username without '@', or PosterError."""
    username = raw.strip().removeprefix("@")
    if not USERNAME_PATTERN.match(username):
        raise PosterError(
            f"'{raw}' is not a Telegram username "
            "(5-32 letters, digits or _, starting with a letter)"
        )
    return username


# -- validation (conciliazione-bot validate) --------------------------------------------------
def _printable(text: str) -> bool:
    # Windows-1252 is what every poster font covers: accents, – « » € yes, emoji no.
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def poster_problems(texts: Texts, entries: Iterable[Any], flows: Mapping[str, Any]) -> list[str]:
    """One line per problem in the poster texts (knowledge/ui/posters.yaml)."""
    where = "knowledge/ui/posters.yaml"
    keys = [key for key in texts.keys() if key.startswith("poster.")]
    if not keys:
        return []
    problems = []
    table = deep_link_table(entries, flows)
    for key in SHARED_TEXTS:
        if key not in texts:
            problems.append(f"{where}: text '{key}': -: required poster text is missing")
    for topic in poster_topics(texts):
        payload = topic_payload(topic)
        if payload not in table:
            problems.append(
                f"{where}: text '{TOPIC_PREFIX}{topic}.title': -: '{topic}' is not a deep link "
                "the bot understands (use a flow id, an entry id or a topic)"
            )
        for name in TOPIC_FIELDS:
            if f"{TOPIC_PREFIX}{topic}.{name}" not in texts:
                problems.append(
                    f"{where}: text '{TOPIC_PREFIX}{topic}.{name}': -: missing (a poster needs "
                    "a title and three lines)"
                )
    limits = {"title": MAX_TITLE_CHARS, "privacy": MAX_PRIVACY_CHARS}
    for key in keys:
        if key in SHARED_TEXTS or key.startswith(TOPIC_PREFIX):
            limit = limits.get(key.rsplit(".", 1)[1], MAX_LINE_CHARS)
            for lang in LANGS:
                text = texts.get(key, lang)
                if not _printable(text):
                    problems.append(
                        f"{where}: text '{key}': {lang}: a character cannot be printed "
                        "(letters, accents and punctuation only, no emoji)"
                    )
                if len(text) > limit:
                    problems.append(
                        f"{where}: text '{key}': {lang}: longer than {limit} characters "
                        "(it would not fit the poster)"
                    )
    return problems


# -- content -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PosterContent:
    """Everything printed on one poster, in one language."""

    topic: str
    lang: str
    url: str
    kicker: str
    title: str
    lines: tuple[str, ...]
    scan: str
    privacy: str
    footer: str

    @property
    def link_text(self) -> str:
        """The link in words: what a person would type (no https://)."""
        return self.url.removeprefix("https://")


def poster_content(kb: Any, topic: str, lang: str, username: str) -> PosterContent:
    """The texts of `topic`'s poster; PosterError for an unknown topic or language."""
    texts: Texts = kb.texts
    topics = poster_topics(texts)
    if topic not in topics:
        raise PosterError(f"unknown poster topic '{topic}' (topics: {', '.join(topics)})")
    if lang not in LANGS:
        raise PosterError(f"unknown language '{lang}' (languages: {', '.join(LANGS)})")
    if topic_payload(topic) not in deep_link_payloads(kb):
        raise PosterError(f"the bot has no deep link '{topic}'")
    username = check_username(username)

    def t(key: str) -> str:
        return texts.get(key, lang)

    prefix = f"{TOPIC_PREFIX}{topic}."
    return PosterContent(
        topic=topic,
        lang=lang,
        url=deep_link(username, topic),
        kicker=t("poster.kicker"),
        title=t(prefix + "title"),
        lines=tuple(t(f"{prefix}line{n}") for n in (1, 2, 3)),
        scan=t("poster.scan"),
        privacy=t("poster.privacy"),
        footer=t("poster.footer"),
    )


# -- layout (millimetres; y grows downwards) --------------------------------------------------
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


# -- rendering --------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class Poster:
    """A rendered poster: what to call the file, its bytes, its media type."""

    content: PosterContent
    paper: str
    fmt: str
    data: bytes

    @property
    def filename(self) -> str:
        suffix = "" if self.paper == "a4" else f"-{self.paper}"
        return f"poster-{self.content.topic}-{self.content.lang}{suffix}.{self.fmt}"

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.fmt]


def build_poster(
    kb: Any, topic: str, lang: str, username: str, fmt: str = "pdf", paper: str = "a4"
) -> Poster:
    """Render `topic`'s poster; PosterError for bad input, PosterUnavailable without the extra."""
    if fmt not in RENDERERS:
        raise PosterError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    if paper not in SIZES:
        raise PosterError(f"unknown paper size '{paper}' (sizes: {', '.join(SIZES)})")
    content = poster_content(kb, topic, lang, username)
    return Poster(content, paper, fmt, RENDERERS[fmt](content, paper))


def write_atomically(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file or none: each goes to a temporary file that is renamed at the end.

    OSError if any cannot be written; the temporary files are then removed and no target is
    touched.
    """
    staged: list[tuple[str, Path]] = []
    target = Path()
    try:
        for target, data in files:
            handle, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as exc:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
        # Name the file asked for, not the temporary one.
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc


def describe(topics: Iterable[str]) -> str:
    """The topic list for a help or usage message."""
    return textwrap.shorten(", ".join(topics), 300)
