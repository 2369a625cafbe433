"""The understanding step, fifteenth pass: a writer's own name is no typo of ours, greetings
from a first-time writer, outside places opening a headline, street words that are no comuni,
events dated by month, "con chi sta?" asking whose ATS a town is, organisations writing about
their own staff (the joining check is offered), CRESCO named as food support for newborns, the
programme's English names, and malformed YAML tags explained rather than crashing the loader.

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_fourteenth.py hold the earlier
passes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.cues import gives_own_name, without_own_names
from bot.knowledge import KnowledgeError
from bot.knowledge_loader import load_knowledge
from tests.support import assert_answered_by

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # whose ATS a town is, asked as "sta sotto" or "con chi sta"
        ("desio sta sotto quale agenzia di tutela?", "ats:brianza"),
        ("e Sorico, in cima al lago, con chi sta?", "ats:montagna"),
        # an event dated by its month: the entry stating it, whatever the years of its rules
        ("chi ha trasferito le risorse alle ATS nel dicembre 2016?", "programmi-2017-2018-fondi"),
        # the programme named in English, asked whether it still runs
        (
            "This year, is there still a conciliation programme running in Lombardy?",
            "programmi-oggi",
        ),
        # CRESCO described, not named; the residence asked of a year's rules
        (
            "income ceiling (ISEE) for the food support for newborns when it launched in 2013?",
            "cresco",
        ),
        ("per il cresco del 2013 da quanto tempo bisognava essere residenti?", "cresco-who"),
        # a small shop named by its trade
        (
            "bar tabacchi a Morbegno, io e mio marito. la conciliazione ha roba per noi?",
            "aderire-time-saving",
        ),
        # a new father asking what the region gives
        ("bella zio, sn papà da 1 settimana a Gallarate, regione da qlcs?? 👶", "aiuti-overview"),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert_answered_by(brain, text, entry)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a greeting with the writer's name and town, or a first message: greeted back
        ("bundì, sono la Pinuccia da Morbegno", "smalltalk"),
        ("buonasera, scrivo da Varzi per la prima volta", "smalltalk"),
        ("qual è il tuo campo, di preciso?", "smalltalk"),
        ("what can you do for an association?", "smalltalk"),
        (
            "is this chat officially run by the Lombardy region or by some private company?",
            "smalltalk",
        ),
        # places outside Lombardy: a capital opening a headline, a dialect name
        ("Roma bonus bebè comunale domanda", "fallback"),
        ("a Napule ce sta nu bonus pe' 'e mamme comme o nasko?", "fallback"),
        # out of scope, sharing our words
        ("is the bonus for car purchases still available in Italy", "fallback"),
        ("aiutami a dividere il conto della pizza tra 7 amici: 98 euro", "fallback"),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status, text


@pytest.mark.parametrize(
    ("text", "status", "holds"),
    [
        # someone who lost consciousness: an emergency
        ("mia moglie incinta ha perso i sensi e non risponde, cosa faccio", "fallback", "112"),
        # parental leave for an adoption: answered (INPS), no family-law refusal
        ("congedo parentale per adozione fino a che età del bambino", "answer", "INPS"),
    ],
)
def test_the_reply_and_what_it_holds(brain: Brain, text: str, status: str, holds: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == status and holds in reply.text, (text, reply.status)


def test_a_street_word_is_no_comune_outside_lombardy(brain: Brain) -> None:
    # "Viale" is a comune of Piedmont; "ats di viale duca degli abruzzi" is an address
    reply = brain.answer_question("centralino ats di viale duca degli abruzzi?")
    assert "Piemonte" not in reply.text


@pytest.mark.parametrize(
    ("text", "flow"),
    [
        (
            "We are an RSA in Brescia and many staff care for elderly parents. Can we join and "
            "what could be funded for caregivers?",
            "aderire",
        ),
        (
            "asilo nido privato di Saronno, vogliamo offrire posti ai figli dei dipendenti delle "
            "aziende della zona tramite l'alleanza. come si fa?",
            "aderire",
        ),
        (
            "Two years ago we opened a small ice-cream shop in Salò, just me and my husband. Is "
            "there any regional support for shop owners like us?",
            "time-saving",
        ),
    ],
)
def test_an_organisation_about_its_own_case_is_offered_its_check(
    brain: Brain, text: str, flow: str
) -> None:
    reply = brain.answer_question(text)
    assert f"f:start:{flow}" in {b.data for b in reply.all_buttons()}, (text, reply.entry)


def test_a_writers_own_name_is_dropped_not_corrected() -> None:
    text = "buongiorno, sono la Pinuccia da Morbegno"
    assert gives_own_name(text)
    assert without_own_names(text, "buongiorno sono la pinuccia da morbegno") == (
        "buongiorno sono la da morbegno"
    )
    # a lower-case word after "sono" is no name; a word of ours is kept
    assert not gives_own_name("sono incinta di tre mesi")
    assert without_own_names("This is Nasko?", "this is nasko", frozenset({"nasko"})) == (
        "this is nasko"
    )


def test_several_measures_compared_say_they_differ(brain: Brain) -> None:
    reply = brain.answer_question("nasko cresco bonus famiglia: sono la stessa cosa?")
    assert "diverse" in reply.text


@pytest.mark.parametrize("tagged", ["!!timestamp hello", "!!int abc", "!!float xyz"])
def test_a_value_that_does_not_fit_its_tag_is_explained(tmp_path: Path, tagged: str) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    flow = root / "flows" / "aderire.yaml"
    flow.write_text(f"oops: {tagged}\n" + flow.read_text(encoding="utf-8"), encoding="utf-8")
    faq = root / "faq" / "nasko.yaml"
    faq.write_text(f"oops: {tagged}\n" + faq.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    problems = str(caught.value)
    assert "aderire.yaml" in problems and "nasko.yaml" in problems
    assert "does not fit its tag" in problems
