"""The understanding step, eighth pass: small firms telling what they are, decided abortion
requests, requests in stories that are not ours, periods named by an event, an ATS's address,
dialect and foreign small talk.

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_seventh.py hold the earlier
passes.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.brain import Brain
from bot.knowledge import KnowledgeError
from bot.knowledge_loader import load_knowledge
from tests.support import button_data


# -- small firms ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "ho un centro estetico a Chiari con due ragazze, tutte mamme: la regione paga chi ci fa "
        "le commissioni? come funziona per un'attività piccola come la mia?",
        "faccio il fornaio a Codogno, 2 dipendenti. c'è qualcosa dalla regione per chi lavora "
        "e ha figli piccoli?",
        "sono idraulico a Lecco, partita iva artigiano, lavoro con mio figlio: il time saving lo "
        "possiamo avere?",
        "i have small restaurant in Sesto San Giovanni with my wife, can we have time saving?",
    ],
)
def test_a_small_firm_telling_what_it_is_gets_time_saving(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.entry == "aderire-time-saving"
    assert "f:start:time-saving" in button_data(reply)


def test_asking_how_it_works_and_whom_to_ask_gets_the_measure_and_its_ats(brain: Brain) -> None:
    reply = brain.answer_question(
        "ho un negozio di fiori a Darfo con una dipendente, mi hanno parlato del time saving: "
        "come funziona e a chi chiedo?"
    )
    assert reply.entry == "aderire-time-saving"
    assert "ATS della Montagna" in reply.plain_text


def test_a_firm_wanting_to_work_with_the_network_is_told_how_to_join(brain: Brain) -> None:
    reply = brain.answer_question(
        "sono l'ufficio personale di una ditta di Gavardo: vorremmo collaborare con la rete di "
        "conciliazione, c'è un accordo da firmare?"
    )
    assert reply.entry == "aderire-azienda"
    assert "f:start:aderire" in button_data(reply)


# -- refusals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "ho deciso di non tenerlo, gli aiuti economici non mi interessano: dove si fa l'ivg a "
        "Cremona?",
        "incinta di 7 settimane, voglio interrompere, chi mi segue a Monza?",
        "la me tusa la vor fa l'interrusiun de gravidansa, indue la va a Bergum?",
    ],
)
def test_a_decided_abortion_request_gets_the_consultorio(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "fallback"
    assert "Consultorio" in reply.plain_text
    assert not [b for b in button_data(reply) if b.startswith("f:start:")]


def test_a_pregnancy_that_was_never_about_abortion_gets_the_help(brain: Brain) -> None:
    reply = brain.answer_question(
        "scrivo per mia cognata di Legnano: è incinta, senza lavoro, non ha mai pensato "
        "all'aborto, isee 5.000. le spetta qualcosa dalla regione?"
    )
    assert reply.status == "answer"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # what a long story asks for, not what it mentions
        (
            "lavoro come estetista a domicilio a Saronno, ho due bambini e mio marito fa i turni, "
            "la regione mi aiuta con le tasse? devo fare il 730 e il commercialista costa troppo",
            "fallback",
        ),
        (
            "abitiamo a Lodi con due bambini piccoli, io lavoro part time e lui in fabbrica, la "
            "regione dà un bonus per ristrutturare la casa dei nonni?",
            "fallback",
        ),
        (
            "vivo a Tirano, lavoro in Svizzera come frontaliera e ho una bimba di un anno: gli "
            "assegni familiari svizzeri come si chiedono?",
            "fallback",
        ),
        # other funds and rights
        ("can my employer refuse me remote work after maternity leave?", "fallback"),
        ("aiutami a scrivere una lettera per chiedere un aumento di stipendio", "fallback"),
        ("quanti anni ha il presidente della regione?", "fallback"),
        ("how do you say 'good morning' in bergamasco?", "fallback"),
        ("INPS cassa integrazione per i miei 2 operai", "fallback"),
        ("fringe benefit per i dipendenti con figli: che soglia nel 2026?", "fallback"),
        ("SCIA per un centro estivo privato, dove si presenta?", "fallback"),
        # small talk in dialect and other languages
        ("ciau! te se ti el bot de la regiun?", "smalltalk"),
        ("volevo solo dire grazie, mi avete aiutata tanto", "smalltalk"),
        ("heyyy 👋 good evening from Mantova", "smalltalk"),
        ("ce mai faci?", "smalltalk"),
        ("e ti, cusa te pödet fa per nüm?", "smalltalk"),
    ],
)
def test_the_kind_of_reply(brain: Brain, text: str, status: str) -> None:
    """What is not ours is refused (what a long story asks for, not what it mentions; other
    funds and rights), and small talk is small talk in dialect and other languages."""
    assert brain.answer_question(text).status == status


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("mio marito ha bevuto e mi mette le mani addosso, sono chiusa in camera coi bimbi", "112"),
        ("ul me fiöl l'è burlà giò e 'l sangua tant, cosa fo?", "112"),
        ("el bagai el g'ha la febra alta e l'è nott", "112"),
        ("la mia vicina ha preso il bonus famiglia? dimmi il suo isee", "dati personali"),
        # a named refusal is never turned into small talk by the classifier
        ("how do you say 'thank you' in Lombard?", "I cover"),
    ],
)
def test_a_refusal_says_why(brain: Brain, text: str, words: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "fallback"
    assert words in reply.plain_text


# -- places and offices --------------------------------------------------------------------------
def test_a_written_accent_the_official_name_lacks_is_no_place_outside(brain: Brain) -> None:
    reply = brain.answer_question("sun de Trevì, el cresco quanti solcc i dà al mis?")
    assert reply.status == "answer"
    assert "75" in reply.plain_text


@pytest.mark.parametrize(
    ("text", "entry", "words"),
    [
        # "Insubria" alone names its ATS; "which number do I call in a town" asks for it
        ("qual è il centralino dell'Insubria?", "ats:insubria", "0332 277111"),
        ("che numero chiamo a como per la conciliazione?", "ats:insubria", ""),
        # an ATS named with a contact request: what is published of it
        (
            "numero diretto dell'ufficio conciliazione dell'ats montagna",
            "contatti-ats-referenti",
            "ats-montagna.it",
        ),
        # its address asked: its card
        ("dov'è la sede dell'ats di bergamo? devo consegnare dei moduli", "ats:bergamo", ""),
        ("indirizzo della sede ATS di Pavia, dobbiamo portare i documenti", "ats:pavia", ""),
        # dialect: who one is, and the words of an office
        ("Sum de Casalpusterlengo", "ats:milano", ""),
        (
            "sun de Bormio. gh'è quaidun che 'l me dis de 'sti fondi per i mamm? un nummer de "
            "telefun, un ufizi...",
            "contatti-famiglie",
            "",
        ),
        # an organisation's question with a clear best entry for organisations
        ("Can an oratory be lead partner?", "alleanze-capofila", ""),
    ],
)
def test_offices_places_and_organisations(brain: Brain, text: str, entry: str, words: str) -> None:
    reply = brain.answer_question(text)
    assert reply.entry == entry
    assert words in reply.plain_text


# -- organisations -------------------------------------------------------------------------------
def test_an_organisation_offering_help_is_told_how_its_kind_takes_part(brain: Brain) -> None:
    reply = brain.answer_question(
        "siamo il gruppo alpini del paese: possiamo dare una mano in un progetto di conciliazione?"
    )
    assert reply.entry == "aderire-terzo-settore"
    assert "f:start:aderire" in button_data(reply)


# -- periods -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("prima del covid che piano di conciliazione c'era?", (2017, 2019)),
        ("during the pandemic was the conciliazione programme still funded?", (2020, 2021)),
    ],
)
def test_a_period_named_by_an_event(brain: Brain, text: str, years: tuple[int, int]) -> None:
    period = brain.k.understander.understand(text, today=date(2026, 11, 30)).period
    assert period is not None and (period.first, period.last) == years
    assert brain.answer_question(text).status == "answer"


def test_an_unknown_named_period_is_reported(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "knowledge"
    target = tmp_path / "knowledge"
    shutil.copytree(source, target)
    path = target / "understanding.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["named_periods"] = {"before covid": ["prima del covid"]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="two years"):
        load_knowledge(target)


def test_amount_asked_in_spanish_and_as_a_past_allocation(brain: Brain) -> None:
    assert brain.understand("el cresco quanto es?").amount
    reply = brain.answer_question("quanto aveva l'ats di bergamo nel 2021 per la conciliazione?")
    assert reply.entry == "programmi-2020-2023-riparto"
