"""The understanding step, eighteenth pass: an "ok" before thanks or a goodbye is the thanks or
the goodbye, "indirizzo" as a verb asks no address, a contact asked of an ATS by its name gets
its card whatever the topic, "numero di decreto" asks for a decree and not a phone number, "at
the moment" is now, a patient who would keep the pregnancy with some money is ours, and
refusals for things that share our words (another alliance, a parking fine, a professional
pension fund, a B&B, bleach swallowed).

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_seventeenth.py hold the
earlier passes.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from bot.cues import address_words
from tests.support import assert_answered_by, assert_smalltalk_like


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # a contact asked of an ATS by its name, with topic words beside it: the ATS card
        (
            "come contatto l'ATS Insubria per i progetti di welfare e conciliazione? siamo a "
            "Saronno",
            "ats:insubria",
        ),
        # "indirizzo" as a verb: whom to refer a patient to, not the ATS's address
        (
            "sono un'ostetrica di Chiari, a chi indirizzo una donna che continuerebbe la "
            "gravidanza con un aiuto economico?",
            "contatti-famiglie",
        ),
        # a doctor's patient who would keep the pregnancy with financial help: ours
        (
            "I'm a GP in Cremona: where can a patient who would continue the pregnancy with "
            "financial help be sent?",
            "aiuti-incinta-senza-soldi",
        ),
        # "75 euro" said of mums and small children is CRESCO's sum
        ("dicono che a Pavia danno 75 euro alle mamme coi bimbi piccoli, è così?", "cresco"),
        # the money split between pregnancy and after the birth is NASKO's amount
        ("nasko: com'era la divisione dei soldi prima e dopo il parto?", "nasko-amount"),
        # "numero di decreto" asks for the decree, never for the Regione's phone numbers
        ("il piano territoriale di Brescia del 2020 che numero di decreto aveva?", "programmi"),
        # "what is X?" asks about X, not about the bot
        ("what is the ATS? sorry, I'm new here", "ats-what"),
        # the programme's poster
        ("avete una locandina della conciliazione da affiggere in comune?", "conciliazione-logo"),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert_answered_by(brain, text, entry)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # another alliance, a parking fine, a professional fund, a B&B: not ours
        ("l'alleanza contro la povertà come funziona?", "fallback"),
        ("posso fare conciliazione della multa per divieto di sosta?", "fallback"),
        ("la mia cassa di previdenza quanto paga di maternità?", "fallback"),
        ("a cheap bed and breakfast in Bormio for a family of four?", "fallback"),
        # requirements with no measure named, and "that fund, who gets it": which one?
        ("requisiti per accedere in breve?", "clarify"),
        ("so that fund, who gets it?", "clarify"),
        # a social worker asking whom to e-mail at the Regione: its contacts, no refusal
        (
            "sono un'assistente sociale di Pavia, la regione ha una mail per la conciliazione?",
            "answer",
        ),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status, text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("help my daughter drank bleach from the bottle", "112"),
        ("il bimbo ha ingoiato le pastiglie della nonna", "112"),
        # someone speaking of ending their life: 112 first, whatever else is named
        ("non ce la faccio più con il neonato, voglio farla finita", "112"),
        ("honestly I want to die, the baby never sleeps and the nasko money is gone", "112"),
        # a partner who pushed her: the anti-violence line
        ("il mio compagno mi ha spinta davanti ai bambini, ho paura che ricapiti", "1522"),
    ],
)
def test_emergencies_name_the_number_to_call(brain: Brain, text: str, number: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "fallback" and number in reply.text, reply.text


def test_the_fund_for_mothers_who_do_not_abort_is_no_abortion_request(brain: Brain) -> None:
    reply = brain.answer_question(
        "is there still that fund for mothers who don't abort? I live in Lecco, low income"
    )
    assert reply.status == "answer", reply.text


@pytest.mark.parametrize(
    "text",
    [
        # a home outside Lombardy, said as a move or as "resident here"
        "we have just moved to Alessandria from Pavia, is CRESCO still for us?",
        "Parma resident here, is the Lombardy conciliazione programme for us as well?",
    ],
)
def test_a_home_outside_lombardy(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "fallback" and "Lombard" in reply.text, reply.text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # an "ok" before thanks or a goodbye: the thanks, the goodbye
        ("ok grazie davvero, adesso mi è tutto più chiaro", "grazie"),
        ("va bene allora ci risentiamo la settimana prossima, ciao ciao", "ciao ciao"),
        # someone checking the chat is alive is greeted
        ("hi, anybody home?", "hello"),
        # thanks for the help given
        ("thank you, you helped me a lot", "thank you"),
        # "some kind of chatbot?" asks who the bot is
        ("what are you exactly, some sort of bot?", "who are you"),
        # "ok" with praise acknowledges, it does not thank
        ("okay perfect 👍", "ok"),
        ("perfetto, chiaro!", "ok"),
        # a goodbye or a greeting from a town, after an "ok" or with the letters drawn out
        ("ok bye from Brescia", "bye"),
        ("hiii from Sondrio 🙂", "hello"),
        # thanks for what was said about a town, or for help with a fund
        ("thanks for the info about the Bergamo ATS", "thanks"),
        ("grazie mille, mi hai aiutata tanto col nasko", "grazie"),
        # whether the bot can check someone's eligibility, which channel it is
        ("could you check whether my family qualifies for something?", "what can you do"),
        ("is this an official regional service or a private project?", "who are you"),
    ],
)
def test_small_talk_acts(brain: Brain, text: str, canonical: str) -> None:
    assert_smalltalk_like(brain, text, canonical)


def test_indirizzo_as_a_verb_is_no_address() -> None:
    assert "indirizzo" not in address_words("a quale servizio indirizzo una paziente")
    assert "indirizzo" in address_words("qual e l indirizzo dell ats di brescia")
    assert "indirizzo" in address_words("mi date l indirizzo e la pec")


def test_at_the_moment_is_now(brain: Brain) -> None:
    period = brain.understand("is an ATS call for Alleanze open at the moment?").period
    assert period is not None and period.current


def test_a_decree_number_is_no_contact_request(brain: Brain) -> None:
    assert not brain.understand("che numero di decreto ha il piano di Lecco?").contact
    assert brain.understand("che numero di telefono ha l'ATS di Lecco?").contact


def test_how_are_you_is_answered_with_a_greeting(brain: Brain) -> None:
    assert brain.answer_question("ciao, come va?").text.startswith("Ciao!")
    assert brain.answer_question("hey how are you doing?").text.startswith("Hi!")


def test_giving_a_form_asks_no_amount(brain: Brain) -> None:
    # "who gives it", "le hanno dato la scheda": a form given, not a sum asked
    assert not brain.understand("the vulnerability form for bonus famiglia: who gives it?").amount
    assert not brain.understand("all'asilo le hanno dato un modulo per il bonus famiglia").amount
    assert brain.understand("quanto ha dato il nasko nel 2015?").amount
