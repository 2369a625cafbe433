"""Dates, amounts and counts in what the bot says read as the chat's language expects.

Through real flows, the real brain and the real knowledge base: an English chat meets English
dates ("February 1, 2015", "October 2025") and amounts ("€3,000"), an Italian one Italian
("1 febbraio 2015", "ottobre 2025", "3.000 €"), never a day/month/year or ISO date.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.formatting import format_date
from tests.flow_support import play
from tests.support import chat, make_brain, real_kb
from tests.test_flows_engine import NASKO_TO_RECAP, make_engine

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
ENGLISH = {
    "verdict": ("€9,000", "from January 1, 2015", "as of February 1, 2015"),
    "recap": ("€8,500", "3 years"),
    "yesterday": "yesterday",
    "date": "Understood: November 19, 2026.",  # the engine's today is November 20, 2026
    "month": "You wrote October 2025",
}
ITALIAN = {
    "verdict": ("9.000\xa0€", "dal 1 gennaio 2015", "al 1 febbraio 2015"),
    "recap": ("8.500\xa0€", "3 anni"),
    "yesterday": "ieri",
    "date": "Ho capito: 19 novembre 2026.",
    "month": "Hai scritto ottobre 2025",
}
EXPECTED = {"en": ENGLISH, "it": ITALIAN}


@pytest.fixture()
def brain(tmp_path: Path) -> Brain:
    return make_brain(tmp_path / "data")


def _said(reply_text: str) -> str:
    """What the bot says before the question, less the "(for example 15/10/2025)" hints: a
    format to type, not a date shown (the question's own text is the flow's, from YAML)."""
    return re.sub(r"\((?:ad esempio|for example)[^)]*\)", "", reply_text.split("\n\n")[0])


@pytest.mark.parametrize("lang", ["it", "en"])
def test_recap_and_verdict_show_amounts_and_dates_in_the_chat_language(
    tmp_path: Path, lang: str
) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "nasko", lang)
    (recap,) = play(engine, 1, NASKO_TO_RECAP, lang=lang)
    (verdict,) = engine.handle_button(1, "f:ok:nasko", lang)
    for expected in EXPECTED[lang]["recap"]:
        assert expected in recap.text
    for expected in EXPECTED[lang]["verdict"]:
        assert expected in verdict.text
    other = "it" if lang == "en" else "en"
    assert EXPECTED[other]["verdict"][2] not in verdict.text
    assert NUMERIC_DATE.findall(recap.text) == []
    # What the bot writes of its rules (not the sources' own titles and references).
    written = [line for line in verdict.text.splitlines() if not line.startswith("•")]
    assert NUMERIC_DATE.findall("\n".join(written)) == []


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_date_answer_and_a_month_are_shown_in_words(tmp_path: Path, lang: str) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "cresco", lang)
    engine.handle_text(1, "sì", lang)
    (month,) = engine.handle_text(1, "ottobre 2025", lang)  # a month: the day is asked
    assert EXPECTED[lang]["month"] in month.text
    assert NUMERIC_DATE.findall(_said(month.text)) == []
    engine.handle_text(1, "indietro", lang)
    (after,) = engine.handle_text(1, EXPECTED[lang]["yesterday"], lang)  # read, then said
    assert after.text.startswith(EXPECTED[lang]["date"])


@pytest.mark.parametrize(("lang", "wrong"), [("it", "01/01/2027"), ("en", "01/01/2027")])
def test_a_refused_date_is_explained_without_a_numeric_date(
    tmp_path: Path, lang: str, wrong: str
) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "cresco", lang)
    engine.handle_text(1, "sì", lang)
    (refusal,) = engine.handle_text(1, wrong, lang)  # in the future: refused, asked again
    assert refusal.status == "flow" and refusal.text
    assert NUMERIC_DATE.findall(_said(refusal.text)) == []


@pytest.mark.parametrize("lang", ["it", "en"])
def test_contacts_give_the_date_they_were_checked_in_words(brain: Brain, lang: str) -> None:
    office = real_kb().contacts
    assert office is not None
    regional = brain.handle_command(chat(8, lang=lang), "contatti")[0].text
    assert format_date(office.as_of, lang) in regional
    assert NUMERIC_DATE.findall(regional) == []


@pytest.mark.parametrize("lang", ["it", "en"])
def test_stats_dates_follow_the_admin_language(tmp_path: Path, lang: str) -> None:
    brain = make_brain(tmp_path / "data")
    try:
        brain.handle_text(chat(1), "dove posso parcheggiare la bicicletta in stazione")
        admin = chat(42, lang=lang, admin=True)
        [stats] = brain.handle_command(admin, "stats")
    finally:
        brain.close()
    assert format_date(date.today(), lang, "medium") in stats.text  # the first and last day
    assert NUMERIC_DATE.findall(stats.text) == []


@pytest.mark.parametrize(
    ("lang", "question"),
    [("it", "quanto dà il fondo cresco al mese?"), ("en", "how much does the cresco fund pay?")],
)
def test_an_answer_dates_its_information_in_the_chat_language(
    brain: Brain, lang: str, question: str
) -> None:
    reply = brain.answer_question(question, lang)
    entry = real_kb().entry(reply.entry or "")
    assert reply.status == "answer" and entry is not None
    shown = reply.text + "\n" + reply.details
    assert format_date(entry.as_of, lang) in shown
    assert NUMERIC_DATE.findall(shown) == []
