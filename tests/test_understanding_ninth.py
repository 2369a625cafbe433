"""The understanding step, ninth pass: vague questions in any order, acts named by number or
dated the year before their programme, an ATS's money for a year, questions about today and
about several programmes, measures after their documented years, how a fund was paid, another
region's measure, a did-you-mean that names the ATS, and more refusals and small talk.

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_eighth.py hold the earlier
passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import Brain
from bot.compose import Composer
from bot.knowledge_loader import load_knowledge
from bot.language import detect_language


# -- vague questions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "ma sto contributo quando arriva?",
        "money for the kids pls",
        "quanto ci danno alla fine?",
        "il bonus per i bambini",
        "bando?? c'è?",
    ],
)
def test_a_question_made_of_generic_words_in_any_order_asks_which(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "clarify"
    assert len(reply.options) >= 2


@pytest.mark.parametrize("text", ["mi aiuti?", "buongiorno, ho una domanda", "grazie di tutto"])
def test_small_talk_made_of_common_words_is_not_taken_for_a_vague_question(
    brain: Brain, text: str
) -> None:
    assert brain.answer_question(text).status == "smalltalk"


# -- acts and periods -----------------------------------------------------------------------------
def test_an_acts_number_names_the_entry_that_states_it(brain: Brain) -> None:
    reply = brain.answer_question("delibera 2398 quando è stata fatta??")
    assert reply.status == "answer"
    assert "2398" in reply.plain_text


def test_an_act_dated_the_year_before_its_programme_is_found_by_that_year(brain: Brain) -> None:
    reply = brain.answer_question("scusi, la delibera del 2013 per le alleanze quale era?")
    assert "1081" in reply.plain_text


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        pytest.param(
            "for a report: how did the Lombardy networks and alliances change between 2010 and "
            "2023?",
            "programmi-overview",
            id="a period over several programmes gets their overview",
        ),
        pytest.param(
            "ats bergamo 2021?",
            "programmi-2020-2023-riparto",
            id="an ATS and a year ask what it had",
        ),
        pytest.param(
            "fondi conciliazione ats pavia 2019",
            "programmi-2017-2018-proroga",
            id="an ATS, funds and a year ask what it had",
        ),
        pytest.param(
            "il prossimo programma di conciliazione quando inizia e quanto vale?",
            "programmi-2025-2027",
            id="the next programme leaves entries of past years",
        ),
        pytest.param(
            "bonus famiglia 2019, da che giorno si poteva fare domanda?",
            "bonus-famiglia-2019",
            id="a past year's applications get that year's edition, not the status",
        ),
        pytest.param(
            "il cresco come veniva pagato, in contanti?",
            "cresco-food",
            id="how a fund was paid is not how much",
        ),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert brain.answer_question(text).entry == entry


# -- measures -------------------------------------------------------------------------------------
def test_nasko_after_its_documented_years_gets_its_status(brain: Brain) -> None:
    assert brain.answer_question("il nasko nel 2018 c'era ancora?").entry == "nasko-status"
    assert brain.answer_question("nasko 2014 quanto dava al mese?").entry != "nasko-status"


def test_a_story_told_now_about_nasko_gets_the_fund_not_its_status(brain: Brain) -> None:
    reply = brain.answer_question(
        "adesso sono incinta di due mesi, sola e senza lavoro, il consultorio mi ha parlato del "
        "nasko: come funziona e quanto danno?"
    )
    assert reply.entry not in (None, "nasko-status")
    assert "NASKO" in reply.plain_text


def test_amount_and_contact_together_get_the_measures_own_entry(brain: Brain) -> None:
    reply = brain.answer_question("CRESCO a Lodi: quanto dava e a chi mi rivolgo?")
    assert reply.entry == "cresco-what"
    assert "75" in reply.plain_text


def test_a_measure_named_among_unknown_words_gets_its_rules(brain: Brain) -> None:
    reply = brain.answer_question("nasko a lovere? ciumbia, l'è tüt un casot")
    assert reply.entry in ("nasko-what", "nasko-who")
    assert reply.lang == "it"


# -- refusals and small talk ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("abito a Lodi ma il bonus famiglia del veneto posso chiederlo?", "fallback"),
        ("can I fire an employee who asked for parental leave?", "fallback"),
        ("dove faccio il corso sicurezza per i miei dipendenti a Cremona?", "fallback"),
        ("write a little poem for the mums of our nursery", "fallback"),
        ("ma in pratica tu a cosa servi?", "smalltalk"),
        ("what topics do u cover, families or companies?", "smalltalk"),
        ("c'è un essere umano con cui parlare?", "smalltalk"),
        ("a domani allora", "smalltalk"),
    ],
)
def test_refusals_and_small_talk_get_their_status(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status


def test_another_regions_bonus_asked_about_here_is_ours(brain: Brain) -> None:
    reply = brain.answer_question(
        "prima vivevamo in Puglia e c'era un contributo della puglia per i neonati, qui in "
        "lombardia c'è qualcosa?"
    )
    assert reply.status != "fallback"


def test_violence_happening_now_in_english_gets_the_emergency_numbers(brain: Brain) -> None:
    reply = brain.answer_question("he is beating me right now, the kids are crying")
    assert "112" in reply.plain_text


def test_whom_to_talk_to_naming_a_place_gets_the_ats_there(brain: Brain) -> None:
    reply = brain.answer_question(
        "la parrocchia di Livigno vorrebbe fare uno spazio gioco per i figli di chi fa i turni "
        "in albergo. con chi parlo?"
    )
    assert reply.status == "answer"
    assert "Montagna" in reply.plain_text


def test_a_named_ats_officer_is_asked_for_by_role_not_refused(brain: Brain) -> None:
    reply = brain.answer_question("c'è un referente ats con nome e mail per la conciliazione?")
    assert reply.status == "answer"


# -- the did-you-mean and the language --------------------------------------------------------
def test_a_did_you_mean_can_name_the_persons_ats_and_its_button(tmp_path: Path) -> None:
    kb = load_knowledge()
    composer = Composer(kb)
    entries = [e for e in kb.entries if e.id in ("reti-what", "alleanze-what")]
    reply = composer.clarify(entries, "it", 70.0, "clarify.text", "📍 Lovere → ATS di Bergamo.")
    assert reply is not None
    assert reply.plain_text.endswith("📍 Lovere → ATS di Bergamo.")
    assert [b.data for b in reply.all_buttons()][-1] == "n:"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("I'm in Sondrio", "en"), ("val padana ats website?", "en"), ("c'è un bando", "it")],
)
def test_english_contractions_and_ats_names_decide_the_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
