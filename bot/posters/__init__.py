"""Printable posters and leaflets with a QR code that opens the bot on a topic.

A poster names a topic (`knowledge/ui/posters.yaml`: `poster.topic.<topic>.*`), whose name is
the `/start` payload of its deep link `https://t.me/<bot>?start=<topic>` (the general poster,
`assistente`, links to the bot without a payload). Every payload is checked against the
bot's deep-link table (`deep_link_table`, the same rules as `Router._cmd_start`) when the
knowledge base is loaded and again when a poster is built, so a poster can never point to a
payload the bot does not understand.

The QR code is made by segno, the PDF by fpdf2, the PNG by Pillow; the text is set in Lato
(the `font-lato` package), embedded in the PDF, so a fresh install needs no system font. These
libraries are the optional extra `posters`: they are imported only when a poster is rendered.
The SVG is the same layout with segno's vector QR code.

One module a job: `links` (deep links and topics), `content` (the texts of a poster and
their checks), `layout` (where everything goes, in millimetres), `render` (PDF, PNG, SVG
with the optional libraries), `build` (a rendered poster, files written atomically).
"""
