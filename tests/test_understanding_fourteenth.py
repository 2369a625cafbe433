"""The understanding step, fourteenth pass: refusals for quarrels between neighbours and for a
service's fees, acronyms written with dots, "agenzia" for the ATS, greetings that say there is
nothing to ask yet, towns written "santangelo" or named after a lake, ATS province codes, a
statement of where one lives, the ISEE explained, and English refusals that say "not".

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_thirteenth.py hold the earlier
passes.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from bot.normalise import fold
from tests.support import assert_answered_by


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # the ATS asked with "agenzia", an acronym with dots, a province code, a lake
        ("dubbio: Breno risponde all'agenzia di Sondrio o a quella di Brescia?", "ats:montagna"),
        ("mi incolli il link della A.T.S. della Montagna?", "ats:montagna"),
        ("Agency for health protection Bergamo work life balance webpage", "ats:bergamo"),
        ("ats bg conciliazione", "ats:bergamo"),
        ("santangelo lodigiano appartiene a che ats?", "ats:milano"),
        ("sono lecchese, per la conciliazione che ufficio contatto", "ats:brianza"),
        # a statement of where one lives: the ATS card
        ("abito a Livigno, piccolo tibet", "ats:montagna"),
        # a comune writing as such, in a union of comuni too
        (
            "sono un comune di Brembate, chi chiamiamo all'ATS per aderire alla rete?",
            "aderire-comune",
        ),
        (
            "Gentili, scrivo per conto dell'Unione dei Comuni della Valtellina di Tirano: come "
            "partecipiamo al piano 2025-2027?",
            "aderire-comune",
        ),
        # a micro firm asking what the programme offers it: time saving
        (
            "siamo una piccola impresa commerciale di Palazzolo sull'Oglio, cosa offre la "
            "conciliazione alle micro imprese come la nostra?",
            "aderire-time-saving",
        ),
        # "cresco firmo" is a verb, not Firmo in Calabria
        ("per il cresco firmo un progetto con chi?", "cresco-where"),
        # what the ISEE is
        ("what does ISEE mean?", "aiuti-isee"),
        # a nursery asking how to present a project: never a choice of what families get
        (
            "salve, sono la coordinatrice di un nido privato a melzo con 40 bambini. molte mamme "
            "lavorano su turni e ci chiedono aperture al sabato: possiamo presentare un progetto "
            "noi direttamente o dobbiamo passare da qualcuno?",
            "aderire",
        ),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert_answered_by(brain, text, entry)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # greetings from a town, a lake or a valley, and greetings with nothing to ask yet
        ("ue ciao da Brembate 😊", "smalltalk"),
        ("bongiorno a voi dal lago d'Iseo", "smalltalk"),
        ("grazie ancora, da Sesto San Giovanni", "smalltalk"),
        (
            "ciao, sono una mamma di Rho con tre figli e un lavoro full time, non ho ancora "
            "domande, volevo solo salutarti 😊",
            "smalltalk",
        ),
        # questions about the bot and requests for a person
        (
            "wait, is this run by the Lombardy government or by some startup pretending?",
            "smalltalk",
        ),
        ("I'm a first-time mum in Como, which things can this bot handle for me?", "smalltalk"),
        ("honest question: is a regional employee reading my texts?", "smalltalk"),
        ("non voglio il bot, voglio l'impiegata", "smalltalk"),
        # a request for a person implies no measure ("con un dipendente" is no small firm)
        ("esigo di parlare con un dipendente regionale", "smalltalk"),
        # a goodbye among errands, a Lombard "how are you"
        ("le auguro una buona serata, torno a cucinare", "smalltalk"),
        ("e te come la vet? tut a post?", "smalltalk"),
        # vague one-liners: which one?
        ("quando scade il bando", "clarify"),
        ("quali sono i requisiti per fare domanda?", "clarify"),
        ("mia zia dice che è uscito il bando, è vero? quale?", "clarify"),
        # refusals of what shares our words
        (
            "la rete di conciliazione delle liti condominiali a Milano esiste? ho problemi col "
            "vicino",
            "fallback",
        ),
        ("quanto costa la retta dell'asilo nido comunale di Seregno?", "fallback"),
        ("how much does the after-school club cost at my kid's school in Cantù?", "fallback"),
        ("alleanza coop 3.0 la tessera socio dove si fa", "fallback"),
        ("the network is down in my office in Sesto San Giovanni, who fixes it", "fallback"),
        ("l'ATS Insubria fa i controlli sulle mense? ho trovato un capello nel piatto", "fallback"),
        (
            "my daughter was born in Brescia to Pakistani parents, when can she become Italian?",
            "fallback",
        ),
        (
            "chi sono le famiglie di Lodi che hanno avuto il bonus famiglia? voglio i nomi",
            "fallback",
        ),
        ("la mia vicina ha chiesto il cresco? dimmi se è vero", "fallback"),
        ("ciao bot mi scrivi una canzone per il compleanno di mia nonna", "fallback"),
        ("my employer hasn't paid me for two months, who do I complain to", "fallback"),
        # ... but the fees a fund or a bonus pays back, and a story told, are ours
        ("asilo nido comunale di Casatenovo: voi finanziate le rette?", "answer"),
        ("my son goes to a private nursery, can I get money back for the fees?", "answer"),
        (
            "la mia vicina ha avuto un bambino a dicembre a Pieve Emanuele, è sola e non ha "
            "soldi per il latte. Io vorrei aiutarla a chiedere qualcosa. Cosa c'è?",
            "answer",
        ),
        (
            "ciao sn di gallarate incinta 3 mese compagno mi ha lasciata e nn ho lavoro volevo "
            "abortire ma ci sto ripensando... mi danno qualcosa??",
            "answer",
        ),
        (
            "non cerco lavoro, sono un'azienda di Busto: cosa offre la conciliazione per i nostri "
            "dipendenti?",
            "answer",
        ),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status, text


def test_acronyms_written_with_dots_are_folded_to_one_word() -> None:
    assert fold("la A.T.S. di Pavia") == "la ats di pavia"
    assert fold("a.s.l. di Lodi") == "asl di lodi"
    assert fold("1.500 euro") == "1500 euro"  # a thousands separator stays a number


def test_english_refusals_say_not_plainly(brain: Brain) -> None:
    for text in ("maternity leave rules in the UK?", "who won the last football world cup?"):
        reply = brain.answer_question(text)
        assert reply.status == "fallback" and "not " in reply.text, text


def test_a_town_line_with_the_page_when_a_webpage_is_asked(brain: Brain) -> None:
    reply = brain.answer_question(
        "our association in Bergamo wants to talk with the ATS about conciliazione: which webpage?"
    )
    assert "ats-bg.it" in reply.text


def test_a_greeting_with_nothing_to_ask_names_the_town_ats(brain: Brain) -> None:
    reply = brain.answer_question("ciao, sono di Rho, volevo solo salutarti")
    assert reply.status == "smalltalk" and "Milano" in reply.text


def test_a_settlement_after_a_road_accident_is_no_emergency(brain: Brain) -> None:
    reply = brain.answer_question("conciliazione stragiudiziale per un incidente stradale")
    assert reply.status == "fallback" and "112" not in reply.text
