"""The understanding step, twentieth pass: the years someone has lived here, a project named
inside a sentence, words for the same form, one contact for several measures, a birth told
that keeps its own answer, "which ATS and what help?", a network's town written in lower
case, a past period against today's entry, and refusals that share our words (a dismissal
settlement, a neighbour's ISEE, the ISEE's paperwork).

Each test says what a person writes and what the reply must hold; tests/test_understanding.py
and tests/test_understanding_more.py to tests/test_understanding_nineteenth.py hold the
earlier passes.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from tests.support import assert_answered_by, assert_smalltalk_like, button_data


@pytest.mark.parametrize(
    "text",
    [
        "My partner and I are adopting. We live in Desio since 2012. Is there an adoption bonus?",
        "abitiamo a Lodi dal 2015 e abbiamo adottato una bimba: c'è un bonus della regione?",
    ],
)
def test_the_year_someone_has_lived_here_since_is_no_period(brain: Brain, text: str) -> None:
    u = brain.understand(text)
    assert u.period is None
    reply = brain.answer_question(text)
    assert reply.status == "answer" and "Bonus Famiglia" in reply.plain_text


def test_a_year_asked_beside_the_years_lived_here_still_counts(brain: Brain) -> None:
    # the year said twice is asked, not only lived
    period = brain.understand("abito a Lodi dal 2019, cosa dava il bonus famiglia 2019?").period
    assert period is not None and period.first == 2019
    # ... and "now" reaches today from then
    assert brain.understand("we live in Menaggio since 2017, which ATS are we in now?").period


@pytest.mark.parametrize(
    "text",
    [
        "mi racconti il progetto BrenoConcilia in Valcamonica?",
        "I read about BrenoConcilia in an old newspaper, what was that project?",
    ],
)
def test_a_project_named_inside_a_sentence(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.entry == "alleanze-esempi"
    assert "Breno" in reply.plain_text + reply.plain_details


def test_one_contact_for_several_measures_is_not_a_comparison(brain: Brain) -> None:
    reply = brain.answer_question(
        "c'è un indirizzo email regionale dedicato alle reti e alleanze di conciliazione?"
    )
    assert reply.entry == "contatti-organizzazioni"
    # two measures with their own contacts are still answered together
    assert brain.answer_question("differenza tra nasko e cresco?").entry != "nasko-where"


def test_a_birth_told_keeps_its_answer_against_the_families_overview(brain: Brain) -> None:
    reply = brain.answer_question(
        "Sono la nonna di due gemelli nati a Sondrio. Mia figlia è sola e lavora al "
        "supermercato. La regione aiuta con il cibo per i piccoli?"
    )
    assert reply.entry == "aiuti-neomamma-difficolta"
    assert "CRESCO" in reply.plain_text


def test_which_ats_and_what_help_for_a_pregnancy(brain: Brain) -> None:
    reply = brain.answer_question(
        "Mio marito è di Sorico e io di Gravedona, aspettiamo un bambino. Quale ATS ci segue "
        "e c'è qualche aiuto per la gravidanza?"
    )
    assert reply.status == "answer" and not (reply.entry or "").startswith("ats:")
    assert "NASKO" in reply.plain_text and "Montagna" in reply.plain_text
    # the ATS alone is still its card
    assert (brain.answer_question("abito a Sorico, quale ATS mi segue?").entry or "").startswith(
        "ats:"
    )


def test_a_town_after_the_network_in_lower_case(brain: Brain) -> None:
    u = brain.understand("rete conciliazione lodi referente?")
    assert u.place is not None and u.place.matched_text.lower() == "lodi"
    # a word that is also a comune's name is not read so
    assert brain.understand("alleanza conciliazione dello scorso anno").place is None


def test_a_past_period_is_not_answered_with_today(brain: Brain) -> None:
    reply = brain.answer_question(
        "attività di tempo libero per minori nel triennio 2020-2023: rientravano?"
    )
    assert reply.entry == "programmi-2020-2023-aree"
    # a status entry that states the year asked still answers it
    reply = brain.answer_question("nel 2016 cosa ha dato la regione per il nasko?")
    assert "849" in reply.plain_text + reply.plain_details


def test_an_organisation_signing_up_to_the_agreement_is_answered(brain: Brain) -> None:
    reply = brain.answer_question(
        "Our hospital foundation in Lecco would like to sign up to the ATS conciliazione "
        "agreement. Who do we contact?"
    )
    assert reply.status == "answer"


def test_what_the_bot_helps_people_with(brain: Brain) -> None:
    assert_smalltalk_like(
        brain, "my sister sent me this link, what do you actually help people with?"
    )


@pytest.mark.parametrize(
    "text",
    ["come si chiede il contributo della regione?", "that fund they mentioned, how does it work"],
)
def test_a_vague_request_gets_a_choice(brain: Brain, text: str) -> None:
    assert brain.answer_question(text).status == "clarify"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # chat shorthand whose letters would be squeezed ("tt", "nn")
        ("va tt bn?", "come va?"),
        ("grz tt chiaro", "grazie"),
        # not having understood is no "ok": the bot offers to try again
        ("non ho capito", "non servi a niente"),
        ("nn ho capito", "non servi a niente"),
        ("i don't understand", "you are useless"),
    ],
)
def test_shorthand_and_not_understanding(brain: Brain, text: str, canonical: str) -> None:
    assert_smalltalk_like(brain, text, canonical)
    assert brain.answer_question("ok ho capito").text != brain.answer_question("non ho capito").text


def test_the_extension_year_and_an_allocation(brain: Brain) -> None:
    period = brain.understand("durante l'anno di proroga quante risorse sono arrivate?").period
    assert period is not None and (period.first, period.last) == (2019, 2019)
    u = brain.understand("l'ufficio di piano di rozzano vuole sapere l'assegnazione 2020")
    assert u.amount


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("il sindaco di albino vuole sapere quanto arriva all'ats", "albino"),
        ("ufficio di piano ambito cremasco: dove trovo i documenti dell'ats?", "cremasco"),
    ],
)
def test_a_mayors_town_and_an_ambitos_area(brain: Brain, text: str, town: str) -> None:
    place = brain.understand(text).place
    assert place is not None and place.matched_text.lower() == town


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (
            "il nostro cda non capisce cosa siano le famose azioni di sistema, ce le spiegate?",
            "programmi-2017-2018-azione-sistema",
        ),
        (
            "per il contributo alimentare neomamme del tredici che soglia di isee chiedevano?",
            "cresco-who",
        ),
        (
            "se ho gia avuto il sostegno per la gravidanza posso chiedere anche quello per la "
            "spesa del neonato, per lo stesso figlio?",
            "cresco-nasko",
        ),
        ("la cciaa e dentro le reti territoriali per la conciliazione o no?", "reti-chi"),
        (
            "xke la ats mi parla di conciliazione se io volevo solo il vaccino?? 🤔",
            "ats-conciliazione",
        ),
        (
            "Good afternoon, could you give me the phone number of the Regione officer "
            "responsible for the conciliazione programme?",
            "contatti-regione",
        ),
        # our words beside words of health or of a birth
        ("cresco allattamento c'era un extra?", "cresco-2015"),
        (
            "Sono un'estetista di Bagolino con una dipendente neomamma, c'è un servizio per "
            "risparmiare tempo?",
            "aderire-time-saving",
        ),
        # "fragilità" is the vulnerability form
        (
            "chi compila quella scheda sulla fragilità della famiglia richiesta dal bonus?",
            "bonus-famiglia-vulnerabilita",
        ),
    ],
)
def test_the_entry_that_answers(brain: Brain, text: str, entry: str) -> None:
    assert_answered_by(brain, text, entry)


@pytest.mark.parametrize(
    "text",
    [
        "my employer wants me to sign a conciliazione agreement after firing me, is it fair",
        "sono curiosa: quanto dichiara di isee la mia dirimpettaia che ha avuto il bonus famiglia?",
        "la dsu per l'isee la faccio da sola sul sito o serve il caf?",
        "aiuto un operaio e caduto dall impalcatura nel cantiere a seriate e non risponde!!!",
        "siamo un comune del canton ticino vicino a como, possiamo entrare nell'alleanza locale?",
        "our sports club in Brescia wants the regional fund for new changing rooms, how to apply?",
        "how does the conciliation procedure with the gas company work, they overcharged me",
        "should I put my baby's savings in an ETF fund or a bank fund",
        "bulky waste pickup in Saronno, who do I call",
        "does the consultorio in Legnano do free pap tests?",
        "tell me the name and phone of the woman who runs the CAV in Lecco, she's my neighbour",
        "can you find me work as a babysitter around Monza, I have references",
        "bonus nuovi nati 1000 euro quando arriva?? ho partorito a settembre",
    ],
)
def test_refusals_that_share_our_words(brain: Brain, text: str) -> None:
    assert brain.answer_question(text).status == "fallback"


def test_a_sports_club_running_summer_camps_is_answered(brain: Brain) -> None:
    reply = brain.answer_question(
        "associazione sportiva di Chiari, campus estivo per figli di lavoratori, "
        "potremmo rientrare?"
    )
    assert reply.status == "answer"


@pytest.mark.parametrize(
    "text",
    [
        # a baby's age in Neapolitan months, "the last one" born days ago, a birth in Lombard
        "tengo 'na creatura 'e tre mise e nun tengo 'na lira pe' 'o latte. 'a regione dà quacche "
        "cosa?",
        "ho 3 bambini, vivo ad Arcore. l'ultimo ha 20 giorni. cosa posso chiedere?",
        "la mia tusa l'ha fa un bagaj e gh'è minga de laurà. ghè quaicos de la regiun per el lacc?",
    ],
)
def test_a_newborn_told_in_dialect_is_offered_the_check(brain: Brain, text: str) -> None:
    u = brain.understand(text)
    assert u.situation_flow == "cresco"
    assert "f:start:cresco" in button_data(brain.answer_question(text))


@pytest.mark.parametrize(
    ("text", "folded_part"),
    [
        ("nel nuovo triennio quanto toccherà all'agenzia di Bergamo?", "ats di bergamo"),
        ("dove si trovano gli uffici centrali dell'agenzia pavese?", "ats di pavia"),
    ],
)
def test_the_agency_of_a_town_is_its_ats(brain: Brain, text: str, folded_part: str) -> None:
    assert folded_part in brain.understand(text).folded
    # any agency in a town is not
    assert "ats" not in brain.understand("lavoro in un'agenzia di Milano, e per me?").folded


@pytest.mark.parametrize(
    "text",
    [
        "quanti mesi di facoltativa pagata all'80 ci sono adesso?",
        "After maternity leave ends, for how many months is the optional leave paid at eighty "
        "percent of salary?",
        "mo moglie ha finit a maternità obbligatoria a mantova, mo che tocca?",
    ],
)
def test_parental_leave_asked_every_way_is_redirected_to_inps(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.entry == "misure-congedo-parentale" and "INPS" in reply.plain_text
