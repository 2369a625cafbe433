"""The understanding step, fifth pass: juggling work and care, contacts, places, own cases.

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py hold the earlier passes.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from tests.support import button_data


# -- juggling work and care ---------------------------------------------------------------------
def test_juggling_work_and_care_gets_the_services_the_programme_funds(brain: Brain) -> None:
    reply = brain.answer_question(
        "faccio i turni in ospedale a Lodi e mio padre ha l'alzheimer, c'è qualcosa della "
        "regione per chi lavora e assiste un familiare?"
    )
    assert reply.entry == "conciliazione-servizi-famiglie"
    assert "caregiver" in reply.plain_text
    # Asking whom to contact, a family is sent to its ATS or Comune, not the Regione's office.
    reply = brain.answer_question(
        "lavoro a turni e accudisco mia madre anziana, la conciliazione vita lavoro aiuta chi "
        "assiste un familiare? a chi chiedo?"
    )
    assert reply.entry == "conciliazione-servizi-famiglie"


def test_a_situation_word_does_not_make_a_weak_match_an_answer(brain: Brain) -> None:
    # "summer camp" is a situation of ours, but nothing else of ours is asked.
    assert brain.answer_question("summer camp for kids in lecco in july, any ideas?").status == (
        "fallback"
    )


def test_a_closed_school_is_a_situation_not_the_writer(brain: Brain) -> None:
    u = brain.understand("a chi lascio i bambini quando la scuola è chiusa a natale?")
    assert u.role is None and u.situation_entry == "conciliazione-servizi-famiglie"
    assert brain.understand("sono la preside di una scuola di Erba").role == "school"


# -- contacts -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ats"),
    [
        ("come si contatta l'ats di pavia?", "ats:pavia"),
        ("a Suzzara a chi posso chiedere informazioni sulla rete?", "ats:val-padana"),
        ("give me the switchboard number of ATS Insubria in Como", "ats:insubria"),
        ("ats bergamo sede legale indirizzo", "ats:bergamo"),
    ],
)
def test_asking_for_an_office_s_contacts_gets_its_card(brain: Brain, text: str, ats: str) -> None:
    assert brain.answer_question(text).entry == ats


def test_a_contact_request_is_not_one_s_own_case(brain: Brain) -> None:
    u = brain.understand("a chi posso chiedere informazioni sulla rete?")
    assert u.contact and not u.own_case and not u.eligible


def test_a_phone_network_is_not_our_rete(brain: Brain) -> None:
    assert brain.answer_question("la rete vodafone non prende a lecco, chi chiamo?").status == (
        "fallback"
    )


# -- out of scope -------------------------------------------------------------------------------
def test_booking_an_abortion_points_to_the_consultorio(brain: Brain) -> None:
    reply = brain.answer_question("ho scelto di non portare avanti la gravidanza, dove prenoto?")
    assert reply.status == "fallback" and "Consultorio" in reply.plain_text
    # Deciding to keep the baby is still ours.
    assert brain.answer_question(
        "ci avevo pensato ma ho deciso di portare avanti la gravidanza, che aiuti ci sono?"
    ).status == ("answer")


def test_from_outside_but_working_in_lombardy_lives_outside(brain: Brain) -> None:
    assert brain.answer_question("sono di Piacenza ma lavoro a Lodi, il cresco vale?").status == (
        "fallback"
    )
    # Coming from elsewhere and living here is ours.
    assert brain.answer_question("sono di Napoli ma vivo a Lodi, il cresco vale?").status == (
        "answer"
    )


# -- places and language ------------------------------------------------------------------------
def test_a_valley_of_one_province_names_its_ats(brain: Brain) -> None:
    assert brain.answer_question("we live up in Valmalenco").entry == "ats:montagna"
    assert brain.answer_question("siamo in franciacorta").entry == "ats:brescia"


def test_the_place_casts_no_vote_for_the_language(brain: Brain) -> None:
    assert brain.answer_question("we moved to sant'angelo lodigiano").lang == "en"
    assert brain.answer_question("abitiamo a sant'angelo lodigiano").lang == "it"


# -- own case, births to come, dialect, status ---------------------------------------------------
def test_personal_facts_make_it_one_s_own_case(brain: Brain) -> None:
    reply = brain.answer_question("bonus famiglia: isee 19.000, rientriamo o siamo fuori?")
    assert "f:start:bonus-famiglia" in button_data(reply)
    assert brain.understand("siamo residenti in lombardia da 4 anni, va bene?").own_case


def test_a_birth_to_come_is_a_pregnancy(brain: Brain) -> None:
    text = "nostra figlia nascerà a marzo, la regione dà qualcosa?"
    assert brain.understand(text).situation_flow == "nasko"
    assert brain.answer_question(text).status == "answer"


def test_dialect_words_of_family_and_help_are_read(brain: Brain) -> None:
    u = brain.understand("la me tusa l'è nasüda ad agost, gh'è un aiüt per la famej?")
    assert u.situation_flow == "cresco"
    assert "aiuto" in u.folded and "nata" in u.folded


def test_asking_whether_a_measure_is_out_again_asks_its_status(brain: Brain) -> None:
    assert brain.answer_question("il cresco nuovo è uscito?").entry == "cresco-status"


# -- conversations that close -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "status"),
    [
        # Questions sharing our words that we do not answer.
        ("mi hanno licenziata appena ho detto che ero incinta, posso fare causa?", "fallback"),
        ("il padrone di casa ci manda lo sfratto e abbiamo un neonato, può farlo?", "fallback"),
        ("come funziona l'affido dei figli quando ci si separa?", "fallback"),
        ("c'è un bonus carburante per le famiglie con bambini?", "fallback"),
        ("buoni libri per le medie a chi si chiedono?", "fallback"),
        ("how do I register the birth of my son at the comune?", "fallback"),
        # A courtesy around a statement that asks nothing: the conversation closes or opens.
        ("grazie davvero, adesso so a chi rivolgermi", "smalltalk"),
        ("thanks a lot, that was really helpful for my sister", "smalltalk"),
        ("devo scappare, il piccolo si è svegliato. ciao ciao!", "smalltalk"),
        ("ok bye for now, I'll come back tomorrow with the papers", "smalltalk"),
        ("hello! just found this bot", "smalltalk"),
    ],
)
def test_each_message_gets_its_status(brain: Brain, text: str, status: str) -> None:
    assert brain.answer_question(text).status == status


def test_a_question_reopens_the_conversation(brain: Brain) -> None:
    assert brain.answer_question("grazie! e il cresco quanto dava?").status == "answer"
    assert brain.answer_question("thanks, and where do I apply for the nasko?").status == "answer"


def test_an_entry_of_exactly_the_years_asked_answers_a_weak_match(brain: Brain) -> None:
    reply = brain.answer_question("soldi previsti nel triennio 2025 2027?")
    assert reply.entry == "programmi-2025-2027"


def test_an_office_s_address_for_formal_requests_is_its_card(brain: Brain) -> None:
    reply = brain.answer_question("is there an official email for ATS Pavia to send requests?")
    assert reply.entry == "ats:pavia"


def test_money_of_one_ats_in_a_year_is_not_its_card(brain: Brain) -> None:
    reply = brain.answer_question("è vero che a Lecco sono arrivati 96 mila euro nel 2020?")
    assert reply.entry == "programmi-2020-2023-riparto"


def test_the_regional_minister_of_a_period_is_named(brain: Brain) -> None:
    reply = brain.answer_question("quale assessora regionale c'era per i piani 2020-2023?")
    assert "Silvia Piani" in reply.plain_text
    reply = brain.answer_question("who is the assessore behind the 2025-2027 guidelines?")
    assert "Elena Lucchini" in reply.plain_text


def test_the_years_asked_choose_between_close_entries_of_two_topics(brain: Brain) -> None:
    reply = brain.answer_question("il decreto attuativo dei piani 2020-2023 qual era?")
    assert reply.status == "answer" and reply.entry == "programmi-2020-2023"


def test_the_year_someone_came_to_live_here_is_no_period(brain: Brain) -> None:
    u = brain.understand("we live in Lodi since 2019 and my wife is pregnant, any help?")
    assert u.period is None and u.situation_flow == "nasko"
    # Without a pregnancy or a birth the years still count ("since 2017 ... which ATS now?").
    assert brain.understand("we live in Menaggio since 2017, which ATS are we in now?").period


def test_a_family_asking_whom_to_contact_about_help_for_mothers(brain: Brain) -> None:
    for text in (
        "c'è un numero verde per le mamme in difficoltà?",
        "where can I go in person to ask about help for mothers? I live in Lecco",
    ):
        assert brain.answer_question(text).entry == "contatti-famiglie", text
    # An organisation asking whom to contact is not sent to the families' contacts.
    assert brain.answer_question(
        "siamo una cooperativa, a chi ci rivolgiamo per i progetti per le mamme?"
    ).entry != ("contatti-famiglie")
