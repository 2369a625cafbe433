"""The understanding step, seventh pass: families' stories, organisations' own cases, places
said in passing, periods in words, and refusals of things that share our words.

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_sixth.py hold the earlier
passes.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.knowledge import KnowledgeError
from bot.knowledge_loader import load_knowledge
from tests.support import button_data


# -- places ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "comune di sassuolo, vorremmo entrare in un'alleanza locale di conciliazione",
        "sono di alessandria, vicino a pavia, il time saving vale per il mio negozio?",
        "sono di Piacenza, a pochi km da Lodi: posso entrare nella rete di conciliazione?",
        "residente a novara, lavoro a milano, nasko?",
        "residente a chiasso (ticino), lavoro a como, il nasko lo posso avere?",
        "sto a mendrisio e lavoro a como, la mamma frontaliera ha diritto a qualcosa?",
    ],
)
def test_a_home_outside_lombardy_is_refused_whatever_lombard_place_is_near(
    brain: Brain, text: str
) -> None:
    assert brain.answer_question(text).status == "fallback"


def test_a_short_form_before_a_province_code_is_the_comune(brain: Brain) -> None:
    reply = brain.answer_question("Calolzio (LC)")
    assert reply.entry == "ats:brianza"
    assert "p:Calolziocorte|LC" in button_data(brain.answer_question("nasko a Calolzio (LC)?"))


def test_an_ats_named_by_its_full_name_and_its_pec_for_the_adhesion(brain: Brain) -> None:
    reply = brain.answer_question(
        "indirizzo pec dell'agenzia di tutela della salute bresciana x mandare l'adesione"
    )
    assert reply.entry == "ats:brescia"
    assert "f:start:aderire" in button_data(reply)


# -- emergencies and refusals --------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "help my baby fell from the changing table and is not moving",
        "my 4 month old went limp and his lips look blue, he barely breathes",
        "mio marito mi ha appena picchiata davanti ai bambini, ho paura",
    ],
)
def test_an_emergency_gets_112(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "fallback" and "112" in reply.plain_text


# What shares our words but is not ours is refused.
REFUSED = [
    "come facciamo a ricevere il 5 per mille come associazione?",
    "We'd like to apply for Fondazione Cariplo funding for a childcare project. Deadline?",
    "bandi PNRR asili nido per il nostro comune, sono ancora aperti?",
    "Nuova Sabatini per un tornio, la mia officina ha 4 dipendenti. come funziona?",
    "bonus sociale luce e gas, serve isee sotto quanto?",
    "c'e un contributo per l'affitto per le famiglie con bambini a Pavia?",
    "My employer refuses to renew my smart working agreement. What are my rights?",
    "Can you help me find a job as a nanny in Milan?",
    "quali mamme di Clusone hanno preso il nasko? mi servono i nomi",
    "please give me the personal mobile of the social worker",
    "I'm pregnant and I don't want to continue, which clinic in Monza can do it?",
    "contributi inps artigiani scadenza novembre",
    "voglio sposarmi in comune a lecco, che documenti servono",
]
# An incidental word does not refuse a question of ours.
ANSWERED = [
    # "covid" and a work injury are part of the story, not what it asks
    "mi presento sono Giulia, vivo a Codogno, dopo il covid mia mamma e morta e non abbiamo "
    "nessuno, ora sono incinta e vorrei tenerlo ma ho paura dei soldi, e vero che c'e un "
    "aiuto se non abortisci? a chi lo chiedo?",
    # "vicino a Mortara" is near, not a neighbour whose phone is asked
    "sono la segretaria di un circolo acli vicino a Mortara, il presidente non usa il "
    "telefono: noi come circolo possiamo entrare nella rete?",
    "scuola primaria a Casteggio, chiusure per elezioni e ponti: c'è un servizio "
    "finanziabile dalla conciliazione?",
    "What was the total investment in the 2014-2016 plans?",
]
SMALL_TALK = [
    "sisi",
    "sta ben?",
    "mannaggia nun capisci nient",
    "are you run by the region or by some company?",
    "so what can you do for a family like mine",
    "sorry for the long message, thanks for reading",
    "I'm logging off, have a nice weekend",
]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        *((text, "fallback") for text in REFUSED),
        *((text, "answer") for text in ANSWERED),
        *((text, "smalltalk") for text in SMALL_TALK),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status, text


# -- families -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (
            "mi abiti a Teglio, lavori in di vigni cun me marì, gh'em trè fiöi. gh'è quaicòss de "
            "la regiun per i famili che lavora in campagna?",
            "conciliazione-servizi-famiglie",
        ),
        (
            "me ciami Mirella, stoo a Ponte in Valtellina, gh'hoo du fiöi. gh'è quajcoss de la "
            "regiun per i mamm che i gh'ha i fiöi picinin?",
            "aiuti-overview",
        ),
    ],
)
def test_a_family_story_asking_whether_anything_exists_gets_what_exists(
    brain: Brain, text: str, entry: str
) -> None:
    reply = brain.answer_question(text)
    assert (reply.status, reply.entry) == ("answer", entry)


def test_an_organisation_never_gets_the_families_overview_for_want_of_an_answer(
    brain: Brain,
) -> None:
    answerer, understand = brain.k.answerer, brain.k.understander.understand
    story = "gh'è quaicòss de la regiun per i famili che lavora in campagna?"
    assert answerer._family_story_help(understand(story)) == "conciliazione-servizi-famiglie"
    assert answerer._family_story_help(understand("siamo un comune: " + story)) is None
    assert answerer._family_story_help(understand("il nasko dà qualcosa alle famiglie?")) is None


def test_a_newborns_mother_is_not_answered_about_pregnancy(brain: Brain) -> None:
    reply = brain.answer_question(
        "ciao io sono marocchina abito a rovato, ho bambino piccolo 2 mesi, mio marito lavora "
        "campagna poco soldi, io sentito di soldi per mangiare per mamma e bambino, come si "
        "chiama? cosa devo portare?"
    )
    assert reply.entry != "aiuti-incinta-senza-soldi"
    assert "f:start:cresco" in button_data(reply)


@pytest.mark.parametrize(
    "text",
    [
        "uè raga, mia morosa aspetta e noi c'abbiamo 20 anni, a desenzano. ghè quaicos de la "
        "regiun?",
        "ciao, mi sun de Legnan, la mia tosa l'è in stato interessant, la vor tegnil ma la "
        "gh'ha minga un ghell. cusa la po' fa?",
    ],
)
def test_a_pregnancy_told_in_dialect_gets_the_nasko_check(brain: Brain, text: str) -> None:
    assert "f:start:nasko" in button_data(brain.answer_question(text))


def test_own_case_naming_two_measures_gets_a_check_for_each(brain: Brain) -> None:
    reply = brain.answer_question(
        "Sono Ilaria, vivo a Caravaggio, aspetto il primo figlio. NASKO e CRESCO li posso "
        "chiedere tutti e due?"
    )
    assert {"f:start:nasko", "f:start:cresco"} <= set(button_data(reply))
    summary = brain.answer_question(
        "mia figlia ha partorito a Esine, abita a Breno: può chiedere il nasko o il cresco?"
    )
    assert {"f:start:nasko", "f:start:cresco"} <= set(button_data(summary))


def test_the_pregnancy_help_names_the_residence_rules(brain: Brain) -> None:
    reply = brain.answer_question("sono incinta e non ho soldi, ci sono aiuti?")
    assert reply.entry == "aiuti-incinta-senza-soldi"
    assert "2 anni" in reply.plain_details and "5 anni" in reply.plain_details


def test_the_bonus_famiglia_amount_is_its_last_edition(brain: Brain) -> None:
    assert brain.answer_question("bonus famiglia qnt e??? isee 15k").entry == (
        "bonus-famiglia-2019"
    )


# -- organisations ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "ciao, siamo una scuola dell'infanzia paritaria a Lissone, vorremmo fare un centro estivo "
        "con fondi conciliazione. come?",
        "Our union branch in Como wants to sign the local agreement. Is it signed with ATS "
        "Insubria?",
    ],
)
def test_an_organisation_asking_about_its_own_case_is_offered_the_way_in(
    brain: Brain, text: str
) -> None:
    assert "f:start:aderire" in button_data(brain.answer_question(text))


def test_a_firm_in_a_familys_story_is_not_offered_the_way_in(brain: Brain) -> None:
    reply = brain.answer_question(
        "lavoro in una ditta di pulizie e sono incinta di 3 mesi, posso avere aiuti?"
    )
    assert "f:start:aderire" not in button_data(reply)


# -- periods and documents -------------------------------------------------------------------------
def test_years_said_in_words_in_a_short_question(brain: Brain) -> None:
    today = date(2026, 11, 30)
    understand = brain.k.understander.understand
    assert understand("l'anno scorso quanti soldi alle ats?", today).period.label() == "2025"
    assert understand("dal prossimo anno cambia qualcosa per le reti?", today).period.label() == (
        "2027"
    )
    # In a story they date what happened, not the period asked.
    story = (
        "ue, sta cosa del nasko vale pure pe chi è venuta dalla calabria da poco? io so "
        "arrivata a monza l'anno scorso e aspetto un bambino"
    )
    assert understand(story, today).period is None


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("estensione 2019: quanto era per l'ats insubria?", "programmi-2017-2018-proroga"),
        (
            "sono funzionaria dell'ambito di Dalmine: la quota 2021 della nostra ats era di "
            "quanto?",
            "programmi-2020-2023-riparto",
        ),
        (
            "ci hanno citato il 'DTI' in riunione: cos'è questo documento territoriale?",
            "conciliazione-piano-territoriale",
        ),
        ("numero verde regione lombardia per la conciliazione?", "contatti-regione"),
    ],
)
def test_a_period_or_document_in_other_words(brain: Brain, text: str, entry: str) -> None:
    assert brain.answer_question(text).entry == entry


# -- small talk and vague messages ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("cosa sai fare oltre ai bonus per le mamme?", "cosa sai fare?"),
        ("do you only know about NASKO and CRESCO?", "what can you do?"),
    ],
)
def test_a_question_about_what_the_bot_covers_gets_what_it_can_do(
    brain: Brain, text: str, same_as: str
) -> None:
    # Whatever topic it names, the reply says what the bot covers (and offers the menu).
    reply = brain.answer_question(text)
    assert reply.status == "smalltalk"
    assert reply.text == brain.answer_question(same_as).text


@pytest.mark.parametrize(
    "text",
    [
        "contributo??? come",
        "bonus quale?",
        "help with the fund",
        "un contributino??",
        "need some help about the grant thing",
        "mi date qualche info x favore",
    ],
)
def test_a_vague_message_asks_what_about(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "clarify" and len(reply.options) >= 2, text


def test_an_office_word_in_english_makes_the_reply_english(brain: Brain) -> None:
    # "switchboard" and "helpline" are in no word-frequency table: the language lists name them.
    assert brain.answer_question("ATS Pavia switchboard").lang == "en"
    reply = brain.answer_question("helpline for mums in Lodi")
    assert (reply.lang, reply.entry) == ("en", "contatti-famiglie")


# -- knowledge checks ------------------------------------------------------------------------------
def test_an_unknown_family_help_entry_is_reported(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).resolve().parent.parent / "knowledge", knowledge)
    path = knowledge / "understanding.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  working_entry: conciliazione-servizi-famiglie",
            "  working_entry: conciliazione-servizi-famigliee",
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="family_help.*conciliazione-servizi-famigliee"):
        load_knowledge(knowledge)
