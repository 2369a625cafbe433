"""The understanding step, nineteenth pass: years written in words ("duemilaventi", "nel '24"),
a home outside Lombardy left for a Lombard town, a named ATS's page for its own calls, "what is
ATS?" with words around it, the logo, the Regione's mailbox and named referents, working
parents in dialect and English, an organisation never offered what families get, sums with a
lead-in, and refusals for things that share our words (life insurance, a GP change, another
network, other calls).

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_eighteenth.py hold the
earlier passes.
"""

from __future__ import annotations

import re

import pytest

from bot.brain import Brain
from bot.cues import WHICH_ATS, is_sum
from bot.periods import _years_in_words
from tests.support import assert_answered_by, assert_smalltalk_like


@pytest.mark.parametrize(
    ("folded", "expected"),
    [
        ("quanto davano nel duemiladiciotto", "quanto davano nel 2018"),
        ("il piano dumilaventidue", "il piano 2022"),
        ("triennio venti ventitre per bergamo", "triennio 2020 2023 per bergamo"),
        ("e nel 19 cosa c era", "e nel 2019 cosa c era"),
        # twentieth pass: a span after "duemila", years after "del", "nel", "dal", "anno"
        ("i piani del duemilaventi ventitre", "i piani del 2020 2023"),
        ("contributo alimentare del tredici", "contributo alimentare del 2013"),
        ("nell anno ventuno", "nell anno 2021"),
        # numbers that are no years stay
        ("nel 24 ore rispondono", "nel 24 ore rispondono"),
        ("dal 20 per cento in su", "dal 20 per cento in su"),
        ("nata nel 12 marzo", "nata nel 12 marzo"),
        ("dal venti per cento", "dal venti per cento"),
        ("nel dieci mesi", "nel dieci mesi"),
        ("il tredici del mese", "il tredici del mese"),
    ],
)
def test_years_in_words(folded: str, expected: str) -> None:
    assert _years_in_words(folded) == expected


def test_a_year_in_words_is_the_period_asked(brain: Brain) -> None:
    period = brain.understand("duemiladiciannove: la proroga quanto ha dato alla Brianza?").period
    assert period is not None and (period.first, period.last) == (2019, 2019)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what's 3+3*3", True),
        ("quanto fa 12 x 4?", True),
        ("how much is 7+5", True),
        # a measure and a number are no sum
        ("cresco 2+1 figli", False),
    ],
)
def test_sums_with_a_lead_in(text: str, expected: bool) -> None:
    assert is_sum(text) is expected


@pytest.mark.parametrize(
    "folded",
    [
        "non so se il comune di sondalo sta con l ats della montagna",
        "does gravedona belong to ats montagna",
        "casalpusterlengo a quale rete apparteniamo",
    ],
)
def test_which_ats_asked_in_a_sentence(folded: str) -> None:
    assert WHICH_ATS.search(folded) is not None, folded


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # "what is ATS?" with an apology or a remark around it
        ("scusate, sono nuova in Italia: cos'è l'ATS?", "ats-what"),
        ("whats ats?? just arrived in lombardy", "ats-what"),
        # the logo, asked with the word alone
        ("dobbiamo stampare il logo sul pieghevole del progetto?", "conciliazione-logo"),
        # the Regione's mailbox, asked by its building
        ("c'è una mail di palazzo lombardia per chi segue i piani di conciliazione?", "contatti"),
        # a home outside Lombardy, left for a Lombard town: the town is the home asked about
        (
            "vivo a Torino ma mi trasferisco a Lodi in primavera, incinta: posso avere il nasko?",
            "nasko",
        ),
        # a total spent on two funds in a year asks no comparison between them: the year's
        ("nel 2015 quanto avevano stanziato per NASKO e CRESCO insieme?", "cresco-2015"),
        # parents juggling work and children, in dialect and in English
        (
            "staju a Monza, travagghiu tuttu u jornu e i picciriddi sunnu suli, c'è aiutu?",
            "conciliazione-servizi-famiglie",
        ),
        (
            "single dad, I work nights in a warehouse in Seriate: anything for fathers too?",
            "conciliazione-servizi-famiglie",
        ),
        # a newborn and no money for milk: CRESCO's situation
        (
            "we just had our baby in Cremona and we can't afford milk, any help?",
            "aiuti-neomamma-difficolta",
        ),
        # a cooperative asking for money for a pre-school service: its way in, not what
        # families get
        (
            "siamo una cooperativa di Chiavenna, vorremmo fare il pre-scuola: ci sono fondi?",
            "aderire-terzo-settore",
        ),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert_answered_by(brain, text, entry)


def test_a_named_ats_local_call_names_its_page(brain: Brain) -> None:
    reply = brain.answer_question("l'avviso per le alleanze in ATS Brianza come funziona?")
    assert reply.status == "answer" and "ats-brianza" in reply.text.lower(), reply.text
    # ... but the ATS named beside a sum gets no line
    reply = brain.answer_question("quanti fondi ha avuto ATS Brianza nel 2021?")
    assert "📍" not in reply.text, reply.text


def test_the_time_saving_limit_is_in_the_first_message(brain: Brain) -> None:
    reply = brain.answer_question("time saving: a shop with how many employees can use it?")
    assert reply.status == "answer" and "3" in reply.text, reply.text


def test_nasko_names_abortion_plainly(brain: Brain) -> None:
    reply = brain.answer_question("NASKO is only for women who were going to have an abortion?")
    assert reply.status == "answer" and "abortion" in reply.text, reply.text


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # our words in another sense
        ("vorrei disdire la polizza vita con Alleanza, come si fa?", "fallback"),
        ("how do I change my GP at ATS Brianza?", "fallback"),
        ("il comune vuole entrare nella rete antiviolenza, a chi chiediamo?", "fallback"),
        ("bando per le botteghe storiche di Regione Lombardia, scade quando?", "fallback"),
        ("does cresco mean anything in japanese?", "fallback"),
        ("la mia gatta aspetta i gattini, cosa le do da mangiare?", "fallback"),
        ("what's 2+3*4", "fallback"),
        # an ATS's named officer asked by role gets what is published, not a refusal
        ("mi serve il nome di chi segue la conciliazione in ATS Pavia per la lettera", "answer"),
        # vague in other words: which one?
        ("mi avevano parlato di un aiuto della regione, come si chiamava?", "clarify"),
        ("mi mandate il modulo per favore?", "clarify"),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status, text


def test_terminating_an_insurance_is_no_abortion_request(brain: Brain) -> None:
    reply = brain.answer_question("I want to terminate my car insurance, how?")
    assert "termination of pregnancy" not in reply.text, reply.text


def test_a_pregnant_girl_thrown_out_by_her_parents_gets_the_funds(brain: Brain) -> None:
    reply = brain.answer_question(
        "I'm 19 and pregnant, my parents kicked me out, I live in Como with my boyfriend, help"
    )
    assert reply.status == "answer" and re.search(r"NASKO", reply.text), reply.text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # a greeting from a town, written to the team
        ("buonasera, vi scrivo da Sondrio", "buonasera"),
        ("good evening from Città Alta!", "good evening"),
        # someone checking the chat is alive, a switchboard with people, an algorithm
        ("c'è nessuno?", "ciao"),
        ("ma avete un centralino con persone vere?", "voglio parlare con una persona"),
        ("wait, is an algorithm replying to me?", "who are you"),
        # thanks for an answer about a fund, with a pet name
        ("grazie, sei un tesoro per la risposta sul nasko", "grazie"),
        ("thanks a lot, I'll put this in the minutes of the network meeting", "thanks"),
        # what the bot answers, asked by an organisation
        ("do you also answer schools and companies?", "what can you do"),
        ("how are things on your side today?", "how are you"),
    ],
)
def test_small_talk_acts(brain: Brain, text: str, canonical: str) -> None:
    assert_smalltalk_like(brain, text, canonical)


def test_chat_shorthand_is_italian(brain: Brain) -> None:
    assert brain.answer_question("grz x tt 😊").lang == "it"
