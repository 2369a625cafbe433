"""Posters: every QR code decodes to the right deep link, and every deep link works in the bot.

QR codes are read back from the files themselves with zxing-cpp: the PNG as it is, the image
embedded in the PDF (extracted with pypdf), and the SVG's vector path (parsed back into modules
and drawn). The deep links are then sent as `/start <payload>` to the real bot process through
the fake Bot API, and `/poster` is asked for by an admin on the same bot.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from bot.brain import Brain
from bot.chat import ChatContext
from bot.cli import main
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.knowledge_loader import default_knowledge_dir, load_knowledge
from bot.posters.build import FORMATS, build_poster
from bot.posters.content import TOPIC_FIELDS
from bot.posters.layout import SIZES
from bot.posters.links import GENERAL_TOPIC, deep_link_payloads, poster_topics, topic_payload
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.fakebotapi import BOT_USERNAME, DEFAULT_TOKEN, FakeBotApi
from tests.loadgen import stop_process
from tests.support import reference_brain
from tests.test_telegram_e2e import Telegram, as_sent, seen

USERNAME = "conciliazione_test_bot"
A4_AT_150_DPI = (1240, 1754)
A6_AT_150_DPI = (620, 874)
SVG = "{http://www.w3.org/2000/svg}"
ENV_KEYS = ("BOT_USERNAME", "BOT_TOKEN", "BOT_API_BASE_URL", "KNOWLEDGE_DIR")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def topics(kb: KnowledgeBase) -> list[str]:
    return poster_topics(kb.texts)


def expected_url(topic: str) -> str:
    payload = "" if topic == GENERAL_TOPIC else topic
    return f"https://t.me/{USERNAME}" + (f"?start={payload}" if payload else "")


# -- reading QR codes back out of the files ----------------------------------------------------
def decode_image(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def decode_pdf(data: bytes) -> list[str]:
    """The QR codes of the images embedded in the PDF's single page."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    found = []
    for image in reader.pages[0].images:
        found += decode_image(image.image)
    return found


def svg_qr_matrix(data: bytes) -> list[list[bool]]:
    """The modules drawn by the QR group's path ("M x y h n m dx dy ..." with 1-unit strokes)."""
    root = ElementTree.fromstring(data)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "qr")
    size = int(group.find(f"{SVG}rect").get("width"))  # type: ignore[union-attr]
    path = group.find(f"{SVG}path").get("d")  # type: ignore[union-attr]
    matrix = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHhVv])([-0-9. ]+)", path or ""):
        values = [float(v) for v in numbers.split()]
        if command in "Mm":
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        elif command in "Hh":
            end = values[0] if command == "H" else x + values[0]
            for column in range(round(min(x, end)), round(max(x, end))):
                matrix[int(y)][column] = True  # a stroke at y + 0.5 covers row int(y)
            x = end
        else:
            raise AssertionError(f"unexpected path command {command}")
    return matrix


def decode_svg(data: bytes) -> list[str]:
    matrix = svg_qr_matrix(data)
    scale = 8
    image = Image.new("L", (len(matrix) * scale, len(matrix) * scale), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(matrix):
        for column, dark in enumerate(line):
            if dark:
                box = (column * scale, row * scale, (column + 1) * scale - 1, (row + 1) * scale - 1)
                draw.rectangle(box, 0)
    return decode_image(image)


DECODERS = {
    "pdf": decode_pdf,
    "png": lambda data: decode_image(Image.open(io.BytesIO(data))),
    "svg": decode_svg,
}


# -- the deep-link table and validation ----------------------------------------------------------
def test_every_deep_link_in_the_table_does_what_it_says(kb: KnowledgeBase, tmp_path: Path) -> None:
    """The table is the brain's: each payload starts its flow or gives its entry's answer."""
    brain = Brain(kb, SQLiteStore(tmp_path))
    table = deep_link_payloads(kb)
    assert set(kb.flows) <= set(table) and {e.id for e in kb.entries} <= set(table)
    try:
        for index, (payload, kind) in enumerate(sorted(table.items())):
            chat = ChatContext(chat_id=f"table-{index}")
            replies = brain.handle_command(chat, "start", payload)
            what, _, ident = kind.partition(":")
            if what == "flow":
                assert brain.flows.active(chat.chat_id) == ident, payload
                assert replies[-1].status == "flow", payload
            elif what == "entry":
                assert replies[0].status == "answer" and replies[0].entry == ident, payload
            else:
                assert replies == brain.handle_command(ChatContext("table-x"), "start"), payload
    finally:
        brain.close()


def test_every_poster_topic_is_a_deep_link_of_the_bot(kb: KnowledgeBase, topics: list[str]) -> None:
    table = deep_link_payloads(kb)
    assert topics[0] == GENERAL_TOPIC
    assert set(kb.flows) <= set(topics), "every guided check has its poster"
    for topic in topics:
        assert topic_payload(topic) in table


def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target


def test_validate_refuses_a_poster_the_bot_would_not_understand(tmp_path: Path) -> None:
    folder = knowledge_copy(tmp_path)
    posters_file = folder / "ui" / "posters.yaml"
    text = posters_file.read_text(encoding="utf-8")
    extra = "".join(
        f'  poster.topic.no-such-thing.{name}:\n    it: "x"\n    en: "x"\n' for name in TOPIC_FIELDS
    )
    emoji = text.replace('it: "Assistente Telegram gratuito"', 'it: "Assistente 🤖 gratuito"')
    posters_file.write_text(emoji + extra, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    problems = "\n".join(caught.value.problems)
    assert "'no-such-thing' is not a deep link the bot understands" in problems
    assert "poster.kicker': it: a character cannot be printed" in problems
    assert main(["validate", str(folder)]) == 1


def test_validate_needs_both_languages_and_three_lines(tmp_path: Path) -> None:
    folder = knowledge_copy(tmp_path)
    posters_file = folder / "ui" / "posters.yaml"
    text = posters_file.read_text(encoding="utf-8")
    text = text.replace('    en: "NASKO fund: support during pregnancy"\n', "")
    text = re.sub(r"  poster\.topic\.cresco\.line3:\n    it: .*\n    en: .*\n", "", text)
    posters_file.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    problems = "\n".join(caught.value.problems)
    assert "text 'poster.topic.nasko.title': en: missing translation" in problems
    assert "text 'poster.topic.cresco.line3': -: missing" in problems


# -- every topic, language and format decodes to its link ---------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_qr_code_decodes_to_its_deep_link(
    kb: KnowledgeBase, topics: list[str], fmt: str, lang: str
) -> None:
    for topic in topics:
        for paper in SIZES:
            poster = build_poster(kb, topic, lang, USERNAME, fmt, paper)
            assert DECODERS[fmt](poster.data) == [expected_url(topic)], (topic, paper)


def test_the_pdf_carries_the_texts_the_link_and_the_page_size(kb: KnowledgeBase) -> None:
    poster = build_poster(kb, "nasko", "en", USERNAME, "pdf")
    page = pypdf.PdfReader(io.BytesIO(poster.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = " ".join(page.extract_text().split())
    for expected in (
        "NASKO fund: support during pregnancy",
        *kb.texts.get("poster.topic.nasko.line1", "en").split()[:3],
        "t.me/conciliazione_test_bot?start=nasko",
        "Regione Lombardia – Conciliazione vita-lavoro",
        "/cancellami",
    ):
        assert expected in text
    links = [a.get_object()["/A"]["/URI"] for a in page["/Annots"]]
    assert links == [expected_url("nasko")]


def test_the_svg_carries_the_link_in_words_and_as_a_link(kb: KnowledgeBase) -> None:
    poster = build_poster(kb, "cresco", "it", USERNAME, "svg", "a6")
    root = ElementTree.fromstring(poster.data)
    assert (root.get("width"), root.get("height")) == ("105mm", "148mm")
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "t.me/conciliazione_test_bot?start=cresco" in texts
    assert "Regione Lombardia – Conciliazione vita-lavoro" in texts
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [expected_url("cresco")]


@pytest.mark.parametrize(("paper", "size"), [("a4", A4_AT_150_DPI), ("a6", A6_AT_150_DPI)])
def test_the_png_is_150_dpi_and_not_empty(kb: KnowledgeBase, paper: str, size: tuple) -> None:
    poster = build_poster(kb, "aderire", "it", USERNAME, "png", paper)
    image = Image.open(io.BytesIO(poster.data))
    assert image.size == size
    assert tuple(round(d) for d in image.info["dpi"]) == (150, 150)
    gray = image.convert("L")
    histogram = gray.histogram()
    dark = sum(histogram[:128]) / (size[0] * size[1])
    assert 0.05 < dark < 0.5, dark  # text, bands and the QR code; not a blank or black page
    # Something is printed in each third of the page: header, QR code, footer.
    for third in range(3):
        box = (0, third * size[1] // 3, size[0], (third + 1) * size[1] // 3)
        assert gray.crop(box).getextrema()[0] < 64


def test_the_readme_shows_a_generated_poster() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    image_path = re.search(r"!\[[^\]]*\]\((docs/[^)]+\.png)\)", readme)
    assert image_path, "the README shows a poster image"
    image_file = root / image_path.group(1)
    assert image_file.stat().st_size < 200_000
    assert decode_image(Image.open(image_file)) == [
        "https://t.me/conciliazione_esempio_bot?start=nasko"
    ]


# -- the command line ---------------------------------------------------------------------------
@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work


def test_cli_writes_the_default_file_in_the_current_folder(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["poster", "nasko", "--bot-username", f"@{USERNAME}"]) == 0
    made = clean_env / "poster-nasko-it.pdf"
    assert capsys.readouterr().out.strip() == str(made)
    assert decode_pdf(made.read_bytes()) == [expected_url("nasko")]
    assert sorted(p.name for p in clean_env.iterdir()) == ["poster-nasko-it.pdf"]


def test_cli_reads_the_format_from_out_and_writes_several_into_a_folder(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, topics: list[str]
) -> None:
    monkeypatch.setenv("BOT_USERNAME", USERNAME)
    assert main(["poster", "time-saving", "--lang", "en", "--out", "leaflet.png"]) == 0
    assert Image.open(clean_env / "leaflet.png").size == A4_AT_150_DPI
    folder = clean_env / "all"
    folder.mkdir()
    assert main(["poster", "--format", "svg", "--size", "a6", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"poster-{topic}-it-a6.svg" for topic in topics
    )
    for topic in topics:
        assert decode_svg((folder / f"poster-{topic}-it-a6.svg").read_bytes()) == [
            expected_url(topic)
        ]


def test_cli_lists_topics_and_links(
    clean_env: Path, capsys: pytest.CaptureFixture[str], topics: list[str]
) -> None:
    assert main(["poster", "--list", "--bot-username", USERNAME]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{topic}\t{expected_url(topic)}" for topic in topics]
    assert list(clean_env.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["poster", "nope", "--bot-username", USERNAME], "unknown poster topic 'nope'"),
        (["poster", "nasko"], "the bot's username is unknown"),
        (["poster", "nasko", "--bot-username", "x"], "is not a Telegram username"),
        (
            ["poster", "nasko", "cresco", "--bot-username", USERNAME, "--out", "one.pdf"],
            "--out must be an existing folder",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    clean_env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
    assert list(clean_env.iterdir()) == []


def test_cli_unwritable_path_is_one_line_exit_1_and_nothing_half_written(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean_env / "a-file").write_text("not a folder")
    target = clean_env / "a-file" / "poster.pdf"
    assert main(["poster", "nasko", "--bot-username", USERNAME, "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(target) in err
    # Several posters, one of which cannot be put in place: no temporary file is left behind.
    folder = clean_env / "out"
    folder.mkdir()
    (folder / "poster-nasko-it.pdf").mkdir()  # a folder where the file should go
    assert main(["poster", "nasko", "cresco", "--bot-username", USERNAME, "--out", str(folder)])
    assert capsys.readouterr().err.count("\n") == 1
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    for path in folder.iterdir():
        if path.is_file():  # whatever is there is whole
            assert decode_pdf(path.read_bytes())


def test_cli_asks_telegram_for_the_username_with_get_me(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeBotApi.serve_in_thread() as api:
        monkeypatch.setenv("BOT_TOKEN", DEFAULT_TOKEN)
        monkeypatch.setenv("BOT_API_BASE_URL", api.base_url)
        assert main(["poster", "assistente", "--format", "png"]) == 0
        assert api.calls_to("getMe")
    image = Image.open(clean_env / "poster-assistente-it.png")
    assert decode_image(image) == [f"https://t.me/{BOT_USERNAME}"]


def test_cli_get_me_failure_is_one_line_and_exit_1(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeBotApi.serve_in_thread() as api:
        monkeypatch.setenv("BOT_TOKEN", "999999:" + "x" * 30)  # not the server's token: 401
        monkeypatch.setenv("BOT_API_BASE_URL", api.base_url)
        assert main(["poster", "nasko"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "getMe" in err
    assert list(clean_env.iterdir()) == []


# -- through Telegram: the deep links and /poster on the real bot --------------------------------
ADMIN_CHAT = 777


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Telegram]:
    """One bot process for every deep link, with one admin; the username comes from getMe."""
    data_dir = tmp_path_factory.mktemp("poster-bot-data")
    reference = reference_brain(tmp_path_factory.mktemp("poster-reference"))
    with FakeBotApi.serve_in_thread() as api:
        env = {
            "BOT_TOKEN": DEFAULT_TOKEN,
            "BOT_API_BASE_URL": api.base_url,
            "BOT_DATA_DIR": str(data_dir),
            "ADMIN_IDS": str(ADMIN_CHAT),
            "BOT_USERNAME": "",
        }
        telegram = Telegram(api, None, data_dir / "bot.log", reference, env)  # type: ignore[arg-type]
        try:
            telegram.start()
            yield telegram
        finally:
            if telegram.process is not None:
                stop_process(telegram.process)
            reference.close()


@pytest.mark.slow
def test_each_posters_deep_link_starts_the_right_flow_or_answer(
    telegram: Telegram, kb: KnowledgeBase, topics: list[str]
) -> None:
    table = deep_link_payloads(kb)
    for index, topic in enumerate(topics):
        chat_id = 100 + index
        payload = topic_payload(topic)
        command = f"/start {payload}".strip()
        sent = telegram.say(chat_id, command)
        assert seen(sent) == telegram.expected(chat_id, command), topic
        # ... and what the brain said is what the table promised.
        reference = ChatContext(chat_id=f"kind-{chat_id}", user_lang="it")
        replies = telegram.brain.handle_command(reference, "start", payload)
        what, _, ident = table[payload].partition(":")
        if what == "flow":
            assert telegram.brain.flows.active(reference.chat_id) == ident
            assert replies[-1].status == "flow"
        elif what == "entry":
            assert replies[0].entry == ident
        else:
            assert {"m:families", "m:check"} <= set(sent[-1].callback_data)


@pytest.mark.slow
def test_an_admin_gets_the_poster_pdf_as_a_document(telegram: Telegram) -> None:
    sent = telegram.exchange(
        ADMIN_CHAT, lambda: telegram.api.push_message(ADMIN_CHAT, "/poster nasko en"), expect=2
    )
    assert [message.method for message in sent] == ["sendMessage", "sendDocument"]
    assert "NASKO fund" in sent[0].plain
    document = sent[1].document
    assert document is not None and document.filename == "poster-nasko-en.pdf"
    assert document.content_type == "application/pdf"
    assert decode_pdf(document.data) == [f"https://t.me/{BOT_USERNAME}?start=nasko"]
    # Without a topic: how to use it. Not an admin: an unknown command.
    usage = telegram.say(ADMIN_CHAT, "/poster")
    assert [m.method for m in usage] == ["sendMessage"] and "nasko" in usage[0].plain
    stranger = telegram.say(ADMIN_CHAT + 1, "/poster nasko")
    assert seen(stranger) == as_sent(
        telegram.brain.handle_command(ChatContext("stranger"), "poster", "nasko")
    )
    assert all(m.method == "sendMessage" for m in stranger)


# -- the console and a missing extra ------------------------------------------------------------
def test_the_console_saves_the_poster_in_the_current_folder(
    clean_env: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    from bot.console import ConsoleSession

    brain = Brain(kb, SQLiteStore(tmp_path / "store"), Settings(bot_username=USERNAME))
    out = io.StringIO()
    try:
        session = ConsoleSession(brain, out)
        session.show(session.send("/poster cresco en a6"))
    finally:
        brain.close()
    made = clean_env / "poster-cresco-en-a6.pdf"
    assert f"File salvato: {made}" in out.getvalue()  # the chat is in Italian
    assert decode_pdf(made.read_bytes()) == [expected_url("cresco")]


def test_without_the_posters_extra_one_line_and_a_polite_reply(
    clean_env: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "segno", None)  # import segno fails
    assert main(["poster", "nasko", "--bot-username", USERNAME]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "conciliazione-bot[posters]" in err
    assert list(clean_env.iterdir()) == []
    brain = Brain(kb, SQLiteStore(tmp_path / "store"), Settings(bot_username=USERNAME))
    try:
        admin = ChatContext(chat_id="admin", is_admin=True)
        [reply] = brain.handle_command(admin, "poster", "nasko")
    finally:
        brain.close()
    assert reply.document is None
    assert reply.text == kb.texts.get("poster.unavailable", "it")


async def test_poster_through_the_offline_door(kb: KnowledgeBase, tmp_path: Path) -> None:
    """The Telegram door uploads Reply.document with sendDocument (in-process Bot API)."""
    from telegram import Update

    from handlers.app import build_application
    from tests.fakebotapi import BotApiEmulator

    settings = Settings.from_env(
        {
            "BOT_TOKEN": DEFAULT_TOKEN,
            "BOT_API_BASE_URL": "http://bot-api.invalid/bot",
            "BOT_DATA_DIR": str(tmp_path),
            "ADMIN_IDS": str(ADMIN_CHAT),
            "BOT_USERNAME": USERNAME,
        }
    )
    api = BotApiEmulator()
    brain = Brain(kb, SQLiteStore(tmp_path), settings)
    app = build_application(settings, brain, request=api.offline_request())
    try:
        async with app:
            update = api.push_message(ADMIN_CHAT, "/poster time-saving it a6")
            await app.process_update(Update.de_json(update, app.bot))
    finally:
        brain.close()
    sent = api.sent_to(ADMIN_CHAT)
    assert [message.method for message in sent] == ["sendMessage", "sendDocument"]
    document = sent[1].document
    assert document is not None and document.filename == "poster-time-saving-it-a6.pdf"
    assert decode_pdf(document.data) == [expected_url("time-saving")]
