"""The understanding step, seventeenth pass: text-speak keeps a chat Italian ("ki", "nn"),
an organisation's seat counts over a member's home, who ran conciliazione in a year of the
ATS is its card, another agency is not the ATS, "2k19" is a year, interjections ("mannaggia",
"uagliò") are no words of a question, and refusals and small talk in the words of dialect and
of the workplace.

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_sixteenth.py hold the earlier
passes.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from bot.cues import OTHER_AGENCY, WHO_RAN
from bot.language import detect_language
from bot.periods import PeriodReader
from bot.smalltalk import asks_how_it_is_done
from tests.support import assert_answered_by


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # text-speak is Italian: the ATS card in Italian, no English "did you mean"
        ("ats d cremona x la conciliazione ki è?", "ats:val-padana"),
        # an association's seat in Lombardy counts, wherever its members live
        (
            "la nostra associazione ha sede a Pavia, io però abito a Piacenza: come entriamo "
            "nella rete di conciliazione?",
            "aderire-terzo-settore",
        ),
        # who ran conciliazione in a year of the ATS: the ATS there
        ("nel 2021 chi seguiva la conciliazione a Sondalo?", "ats:montagna"),
        # "2k17" is 2017
        ("quanti progetti di conciliazione nel 2k17?", "programmi-2017-2018"),
        # a contribution for the baby's food is CRESCO
        ("esiste un contributo per il cibo del bambino?", "cresco"),
        # an interjection does not sink a question
        ("mannaggia, il bonus famiglia c'è ancora?", "bonus-famiglia"),
        # a parent's leave asked with "per il congedo" is the INPS measure
        (
            "mia moglie lavora in un'azienda di Lecco: per il congedo a chi deve chiedere?",
            "misure-congedo-parentale",
        ),
        # a travel agency's owner is a small business, not an ATS question
        (
            "ho un'agenzia viaggi a Lovere, lavoro da sola: la regione aiuta chi ha un'attività "
            "piccola e dei figli?",
            "aderire-time-saving",
        ),
        # the ATS's own conciliazione office, named through the programme's words
        (
            "in which ATS department is the work-life balance programme handled?",
            "ats-conciliazione",
        ),
        # the Regione's office for the programme in Lombardy
        (
            "who should I email about the work-life balance programme in Lombardy?",
            "contatti-regione",
        ),
        # a measure's rules asked with no year: its last rules, not a past edition
        ("bonus famiglia: che isee serviva?", "bonus-famiglia-what"),
        # a period asked that has its own entry
        ("c'è stato un programma di conciliazione 2023-2025?", "programmi-2023-2025"),
        # a PEC asked of the ATS protocol office: its card
        ("la pec dell'ufficio protocollo di ats bergamo?", "ats:bergamo"),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert_answered_by(brain, text, entry)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # questions about the bot from a person telling who they are
        ("in what way could you be of use to a dad like me?", "smalltalk"),
        ("can you book an appointment for me?", "smalltalk"),
        # ... and "aiuti" is help that exists, not "do you help?"
        ("aiuti regione per le mamme?", "answer"),
        # dialect and everyday complaints, requests for a person
        ("vogghiu parrari cu na pirsuna vera", "smalltalk"),
        ("ma stai tirando a indovinare?", "smalltalk"),
        ("è da stamattina che giro in tondo con te", "smalltalk"),
        ("potrei avere al telefono un impiegato della regione?", "smalltalk"),
        ("grazie, mi hai risolto la giornata", "smalltalk"),
        # an everyday word is no misspelt comune ("bello" is not Blello)
        ("che bello!", "smalltalk"),
        ("fantastico!", "smalltalk"),
        # refusals in the words of the workplace and of other agencies
        ("mio fratello lavora per alleanza assicurazioni, mi dai il suo numero?", "fallback"),
        ("in busta paga l'ufficio paghe ha sbagliato il cedolino, come faccio?", "fallback"),
        ("gara d'appalto dell'ATS di Pavia per le pulizie, scadenza?", "fallback"),
        ("maternity pay in the UK, how long does it last?", "fallback"),
        ("c'è il bonus sport regionale per i ragazzi?", "fallback"),
        # a job looked for is the question, not a job told
        ("dove trovare lavoro per mamme a Bergamo?", "fallback"),
        # an electric shock is an emergency
        ("la bimba ha preso la scossa e non si sveglia", "fallback"),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status, text


def test_text_speak_votes_italian() -> None:
    for text in ("ki mi aiuta x il nasko", "nn ho capito ke devo fare"):
        assert detect_language(text) == "it", text


def test_a_year_written_2k_is_read(brain: Brain) -> None:
    reader = PeriodReader(brain.k.answerer.lexicon)
    assert "2019" in reader.dated("nel 2k19 cosa c era", None)


def test_cues_for_agencies_and_who_ran_things() -> None:
    assert OTHER_AGENCY.search("ho un agenzia viaggi a clusone")
    assert OTHER_AGENCY.search("i run a travel agency in como")
    assert not OTHER_AGENCY.search("l agenzia di pavia per la conciliazione")
    assert WHO_RAN.search("in 2019 who ran conciliation in breno")
    assert not WHO_RAN.search("who runs the nasko office")


def test_how_it_is_done_is_no_how_are_you(brain: Brain) -> None:
    assert brain.answer_question("nell'isee la casa come va messa?").status != "smalltalk"
    assert asks_how_it_is_done("come va messo il conto deposito?")
    assert asks_how_it_is_done("come vanno scritti i redditi?")
    assert not asks_how_it_is_done("ciao come va?")


def test_the_ats_line_names_the_comune_as_it_is_called(brain: Brain) -> None:
    reply = brain.answer_question("lodi cresco quanto al mese")
    assert "📍 Lodi →" in reply.text, reply.text


def test_the_ats_details_do_not_repeat_the_page_shown(brain: Brain) -> None:
    reply = brain.answer_question("abito a Sondrio, qual è la mia ATS?")
    page = next(line for line in reply.plain_text.splitlines() if "http" in line)
    assert page not in reply.plain_details


def test_a_greeting_from_a_town_names_its_ats(brain: Brain) -> None:
    reply = brain.answer_question("hello from the social services office of Saronno")
    assert reply.status == "smalltalk" and "ATS dell'Insubria" in reply.text, reply.text


def test_thanks_that_say_goodbye_get_a_goodbye(brain: Brain) -> None:
    thanks_bye = brain.answer_question(
        "grazie di tutto, ci sentiamo quando esce il bando. a presto!"
    )
    assert thanks_bye.text == brain.answer_question("arrivederci").text
