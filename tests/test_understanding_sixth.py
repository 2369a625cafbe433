"""The understanding step, sixth pass: vague questions, follow-ups in a chat, ...

Each test says what a person writes and what the reply must hold; tests/test_understanding.py,
tests/test_understanding_more.py and tests/test_understanding_fifth.py hold the earlier passes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import chat_state
from bot.brain import Brain
from bot.knowledge import KnowledgeError
from bot.knowledge_loader import load_knowledge
from tests.support import button_data, chat


# -- vague questions ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("quanto mi spetta?", ["e:nasko-amount", "e:cresco-amount", "e:bonus-famiglia-2019"]),
        ("how much?", ["e:nasko-amount", "e:cresco-amount", "e:bonus-famiglia-2019"]),
        ("requisiti quali sono", ["e:nasko-who", "e:cresco-who", "e:bonus-famiglia-what"]),
        ("scadenza?", ["e:programmi-oggi", "e:nasko-status"]),
        ("application form", ["e:nasko-where", "e:cresco-where", "e:bonus-famiglia-come"]),
        ("c'è un bonus?", ["e:bonus-famiglia-what", "e:misure-bonus-nido"]),
        ("money for my family", ["e:aiuti-overview", "e:programmi-oggi"]),
    ],
)
def test_a_question_about_nothing_named_asks_which_measure(
    brain: Brain, text: str, options: list[str]
) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "clarify"
    assert set(options) <= set(button_data(reply))


def test_someone_about_to_ask_is_invited_to_ask(brain: Brain) -> None:
    for text, lang, start in (
        ("ho una domanda", "it", "Certo, chiedi pure!"),
        ("vorrei sapere una cosa", "it", "Certo, chiedi pure!"),
        ("I have a question", "en", "Of course, go ahead!"),
    ):
        reply = brain.answer_question(text)
        assert (reply.status, reply.lang) == ("clarify", lang)
        assert reply.plain_text.startswith(start)
        assert "e:aiuti-overview" in button_data(reply)
    # With a greeting word it is greeted back: the greeting invites the question too.
    assert brain.answer_question("buongiorno, ho una domanda").status == "smalltalk"


def test_a_vague_question_with_a_measure_named_is_answered(brain: Brain) -> None:
    assert brain.answer_question("nasko quanto?").entry == "nasko-amount"
    assert brain.answer_question("requisiti cresco").status == "answer"


# -- follow-ups in a chat -----------------------------------------------------------------------
def _ask(brain: Brain, chat_id: str, text: str) -> tuple[str, str | None]:
    reply = brain.handle_text(chat(chat_id), text)[-1]
    return reply.status, reply.entry


def test_a_follow_up_is_read_as_about_the_measure_just_answered(brain: Brain) -> None:
    assert _ask(brain, "f1", "cos'è il fondo nasko?") == ("answer", "nasko-what")
    assert _ask(brain, "f1", "quanto mi spetta?") == ("answer", "nasko-amount")
    assert _ask(brain, "f1", "e i requisiti?") == ("answer", "nasko-who")
    assert _ask(brain, "f1", "e il cresco?") == ("answer", "cresco-what")
    assert _ask(brain, "f1", "quanto?") == ("answer", "cresco-amount")
    # Another chat has talked about nothing: it is asked which measure.
    assert _ask(brain, "f2", "quanto mi spetta?")[0] == "clarify"


def test_a_tapped_entry_is_the_measure_talked_about(brain: Brain) -> None:
    brain.handle_button(chat("f3"), "e:cresco-who")
    assert _ask(brain, "f3", "how much?") == ("answer", "cresco-amount")


def test_the_measure_talked_about_is_forgotten(
    brain: Brain, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _ask(brain, "f4", "nasko?")[1] is not None
    brain.handle_button(chat("f4"), "x:forget")  # /cancellami, confirmed
    assert _ask(brain, "f4", "quanto mi spetta?")[0] == "clarify"
    assert _ask(brain, "f5", "cos'è il fondo cresco?") == ("answer", "cresco-what")
    monkeypatch.setattr(chat_state, "FOLLOW_UP_SECONDS", -1)  # as if long ago
    assert _ask(brain, "f5", "quanto mi spetta?")[0] == "clarify"
    # Nothing of it is written to the store.
    assert "cresco" not in str(brain.store.get_state(chat("f5").chat_id) or {})


# -- offers and places in composed answers ------------------------------------------------------
def test_a_pregnant_family_short_of_money_is_offered_both_checks(brain: Brain) -> None:
    reply = brain.answer_question("sono incinta e non ho soldi, vivo a Lodi da 10 anni")
    assert reply.entry == "aiuti-incinta-senza-soldi"
    assert {"f:start:nasko", "f:start:bonus-famiglia"} <= set(button_data(reply))
    assert "Bonus Famiglia" in reply.plain_text
    # Each check button is named after its check when there are two.
    labels = [b.title for b in reply.all_buttons() if b.data.startswith("f:start:")]
    assert any("NASKO" in label for label in labels)
    assert any("Bonus Famiglia" in label for label in labels)


def test_an_entry_with_one_check_keeps_the_generic_button(brain: Brain) -> None:
    reply = brain.answer_question("posso avere il cresco? ho una bimba di 2 mesi")
    checks = [b for b in reply.all_buttons() if b.data.startswith("f:start:")]
    assert [b.data for b in checks] == ["f:start:cresco"]
    assert checks[0].title == brain.texts.get("answer.start_flow", "it")


def test_several_measures_and_a_place_get_the_summary_and_the_ats(brain: Brain) -> None:
    reply = brain.answer_question(
        "we live in Pavia since 2015. I don't understand what's NASKO, CRESCO, Bonus famiglia"
    )
    assert {"e:nasko-what", "e:cresco-what", "e:bonus-famiglia-what"} <= set(button_data(reply))
    assert "ATS di Pavia" in reply.plain_text


def test_an_unknown_extra_check_is_reported(tmp_path: Path) -> None:
    faq = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).resolve().parent.parent / "knowledge", faq)
    path = faq / "faq" / "aiuti-famiglie.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "also_flows: [bonus-famiglia]", "also_flows: [bonus-famigliaa]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="also_flows.*bonus-famigliaa"):
        load_knowledge(faq)


# -- dialect and stories ------------------------------------------------------------------------
def test_a_lombard_pregnancy_story_is_understood_and_answered_in_italian(brain: Brain) -> None:
    reply = brain.answer_question(
        "ghe fo ü bagai a mars e ol mé om l'è stacc licensiat, sem de clüs, ghe sarès mia ü quac "
        "aiüt de la regiù per nóter?"
    )
    assert (reply.status, reply.lang) == ("answer", "it")
    assert reply.entry == "aiuti-incinta-senza-soldi"


def test_a_single_dialect_like_word_does_not_make_a_message_italian(brain: Brain) -> None:
    text = "Yo soy de Bolivia, mi esposa tiene bebé 1 mes, we live in Sondrio. food help cresco?"
    assert brain.answer_question(text).lang == "en"


@pytest.mark.parametrize(
    "text",
    [
        "mi stoo a cantù, la mia fiöla la g'ha un bagai de tri mes e la lavura minga, cusè che la "
        "pö ciapà?",
        "mia moglie ha fatto gemelli io romeno lavoro cantiere a pioltello soldi pochi cosa "
        "possiamo prendere regione",
    ],
)
def test_a_baby_born_told_plainly_is_offered_the_cresco_check(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "answer" and "f:start:cresco" in button_data(reply)


def test_a_vat_number_in_a_pregnancy_story_is_no_tax_question(brain: Brain) -> None:
    reply = brain.answer_question(
        "ho quasi 40 anni e dopo 6 anni di tentativi finalmente sono incinta, di due gemelli. i "
        "soldi sono finiti. viviamo ad abbiategrasso, io sono a partita iva, lui dipendente. "
        "esistono contributi per chi aspetta gemelli in lombardia?"
    )
    assert reply.entry == "aiuti-incinta-senza-soldi"
    assert brain.answer_question("partita iva regime forfettario come funziona").status == (
        "fallback"
    )


# -- emergencies and contacts -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["my partner is threatening me with a knife right now", "mi sta minacciando con un coltello"],
)
def test_a_threat_now_gets_112(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "fallback" and "112" in reply.text


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("ats di brescia tel?", "ats:brescia"),
        ("mi hanno detto di chiamare la ats della brianza ma non trovo il numero", "ats:brianza"),
        ("l'ats bergamasca ha un numero?", "ats:bergamo"),
        ("l'ats montagna quanti comuni copre oggi", "ats:montagna"),
        ("mi incolli il link della pagina ats pavia sulla conciliazione?", "ats:pavia"),
        ("il nostro comune è iseo, ufficio ats competente per la conciliazione?", "ats:brescia"),
        # which ATS a comune is in, asked in dialect beside the office or an ATS's name
        ("a menaggio adess sem cun l'ats de varés o amò cun sundri?", "ats:insubria"),
        ("ma a porlezza sem de l'insubria o de la muntagna, ghe capissi pü nagott", "ats:insubria"),
        ("a soresina chi ela l'ats? mantua o cremuna?", "ats:val-padana"),
    ],
)
def test_asking_an_ats_for_its_contacts_gets_its_card(brain: Brain, text: str, entry: str) -> None:
    assert brain.answer_question(text).entry == entry


def test_an_ats_named_by_another_word_is_that_ats(brain: Brain) -> None:
    # knowledge/ats.yaml `aliases`; a province's adjective ("l'ATS pavese") is its province.
    assert brain.understand("scrivo all'ATS orobica").ats == "bergamo"
    assert brain.understand("l'ATS metropolitana ha un numero?").ats == "milano"


# -- periods ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Total budget for work-life conciliation 2020-2023 in Lombardy?",
        "il decreto attuativo dei piani 2020 qual è?",
        "regole 2020",
    ],
)
def test_a_programme_extended_a_few_days_into_a_year_does_not_answer_for_it(
    brain: Brain, text: str
) -> None:
    # The 2017-2018 programme ran to 15/01/2020: 2020 is the 2020-2023 programme's year.
    assert brain.answer_question(text).entry.startswith("programmi-2020-2023")


def test_days_in_counts_the_days_of_the_period_an_entry_covers(brain: Brain) -> None:
    from bot.answer_periods import days_in
    from bot.understanding import Period

    old, new = brain.kb.entry("programmi-2017-2018"), brain.kb.entry("programmi-2020-2023")
    assert old is not None and new is not None
    assert days_in(old, Period(2020, 2023)) == 15
    assert days_in(new, Period(2020, 2020)) > 300
    assert days_in(old, Period(2014, 2016)) == 0


# -- organisations ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "noi siamo una rsa, possiamo aderire per i servizi ai caregiver?",
        "siamo un centro per la famiglia di un comune della brianza, come ci mettiamo in rete",
        "siamo un consultorio privato accreditato, possiamo far parte dell'alleanza?",
        "buonasera, sono del CAV di bergamo, noi possiamo aderire?",
        "sono il presidente di una polisportiva, possiamo essere finanziati dalla conciliazione?",
    ],
)
def test_third_sector_bodies_asking_to_join_get_the_way_in(brain: Brain, text: str) -> None:
    reply = brain.answer_question(text)
    assert reply.entry == "aderire-terzo-settore", reply.entry
    assert "Accordo" in reply.plain_text and "f:start:aderire" in button_data(reply)


def test_a_mother_sent_to_a_cav_is_no_organisation(brain: Brain) -> None:
    assert brain.understand("il cav mi ha detto di chiedere il nasko, sono incinta").role is None


def test_the_members_of_a_rete_join_by_its_agreement(brain: Brain) -> None:
    reply = brain.answer_question("Who are the members of a conciliation network?")
    assert reply.entry == "reti-chi" and "Accordo di partenariato" in reply.plain_text


# -- refusals -----------------------------------------------------------------------------------
def test_heavy_bleeding_in_pregnancy_is_an_emergency(brain: Brain) -> None:
    reply = brain.answer_question("sono incinta di 38 settimane e ho perso tanto sangue")
    assert reply.status == "fallback" and "112" in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "can you help me find a flat to rent in Monza with 2 kids?",
        "abbiamo un mutuo a treviglio e aspettiamo un bambino, la banca può sospendere le rate?",
        "il sindacato dice che c'è una conciliazione in sede protetta, voi la fate?",
        "My company needs a loan for new machines, does Regione Lombardia help?",
        "abitiamo a lugano ma io lavoro a como, mia moglie è incinta, ci dà il bonus famiglia?",
        "what is the Milan public transport discount for families with children?",
        "bonus affitti regione lombardia 2026",
        "time saving tips for working from home",
    ],
)
def test_rent_loans_labour_conciliation_switzerland_transport_are_not_ours(
    brain: Brain, text: str
) -> None:
    assert brain.answer_question(text).status == "fallback"


def test_an_office_s_staff_is_not_someone_s_personal_data(brain: Brain) -> None:
    reply = brain.answer_question(
        "datemi la mail diretta della dottoressa che segue la conciliazione"
    )
    assert reply.entry == "contatti-ats-referenti"
    reply = brain.answer_question(
        "vorrei un appuntamento per il nasko, il consultorio non mi risponde al telefono"
    )
    assert reply.status == "answer"
    # A private person's data is still refused.
    reply = brain.answer_question(
        "mi dai il numero di telefono della signora che ha preso il nasko?"
    )
    assert reply.text == brain.texts.get("oos.personal_data", "it")


def test_give_me_asks_for_no_amount(brain: Brain) -> None:
    assert not brain.understand("can you give me the e-mail of the ATS office?").amount
    assert brain.understand("how much does NASKO give?").amount


def test_sending_a_membership_to_the_ats_gets_its_card(brain: Brain) -> None:
    for text, ats in (
        ("menaggio adesso è sotto che ats? dobbiamo mandare l'adesione", "ats:insubria"),
        (
            "vorremmo inviare la nostra adesione all'accordo di rete all'ATS di Brescia",
            "ats:brescia",
        ),
    ):
        assert brain.answer_question(text).entry == ats
    # Asking how to join and whom to call gets the way in, with the ATS's contacts.
    reply = brain.answer_question(
        "We're a comune in Valcamonica. Who do we send our membership to?"
    )
    assert reply.entry == "aderire-comune" and "Montagna" in reply.plain_text


def test_bonus_famiglia_questions_of_a_story_stay_on_it(brain: Brain) -> None:
    reply = brain.answer_question(
        "abbiamo adottato un bambino dalla colombia, viviamo a saronno. un'amica dice che il bonus "
        "famiglia valeva anche per chi adotta. è ancora così? come facciamo a sapere se ci spetta?"
    )
    assert reply.entry is not None and reply.entry.startswith("bonus-famiglia")
    assert "f:start:bonus-famiglia" in button_data(reply)
    # Whether it still exists says the rules of its last edition, residence included.
    reply = brain.answer_question("il bonus famiglia c'è ancora? servono 5 anni di residenza?")
    assert "5 anni" in reply.plain_text


def test_years_joined_by_and_are_both_asked(brain: Brain) -> None:
    assert brain.understand("nel 2019 e nel 2020 quanto?").period.label() == "2019-2020"
    assert brain.understand("la cifra del triennio 2020-2023 e la quota").period.label() == (
        "2020-2023"
    )


def test_how_much_in_a_period_gets_the_programme_stating_the_sum(brain: Brain) -> None:
    reply = brain.answer_question("total budget for the 2020-2023 plans")
    assert reply.entry == "programmi-2020-2023" and "3 million" in reply.plain_text


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("assegno unico a Varese dove vado", "misure-assegno-unico"),
        ("bonus nido a Pavia a chi chiedo?", "misure-bonus-nido"),
    ],
)
def test_a_national_measure_with_a_place_is_not_the_ats_s(
    brain: Brain, text: str, entry: str
) -> None:
    reply = brain.answer_question(text)
    assert reply.entry == entry and "INPS" in reply.plain_text


def test_what_a_fund_is_for_is_what_it_is(brain: Brain) -> None:
    assert brain.answer_question("cresco a cosa serve").entry == "cresco-what"
    assert brain.answer_question("cosa serve per il cresco").entry == "cresco-documents"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("salve, sono l'assessore di un comune, posso farle qualche domanda?", "smalltalk"),
        ("clear as day, thanks for explaining", "smalltalk"),
        ("need some info on the money thing", "clarify"),
        ("volevo sapere del fondo ma non so come si chiama", "clarify"),
        ("mi serve un contributo, quale?", "clarify"),
    ],
)
def test_more_wordings_of_small_talk_and_vague_questions(
    brain: Brain, text: str, status: str
) -> None:
    assert brain.answer_question(text).status == status


def test_the_card_asked_by_an_organisation_carries_its_check(brain: Brain) -> None:
    reply = brain.answer_question("la pec della ats brescia qual è? devo mandare un'adesione")
    assert reply.entry == "ats:brescia" and "f:start:aderire" in button_data(reply)
    reply = brain.answer_question(
        "a chi scrivo per il time saving a lecco? sono idraulico con 2 operai"
    )
    assert reply.entry == "ats:brianza" and "f:start:time-saving" in button_data(reply)
    # A person asking only where their ATS is gets the card alone.
    assert not button_data(brain.answer_question("abito a Varese, qual è la mia ATS?"))


def test_joining_two_measures_with_one_way_in_is_no_comparison(brain: Brain) -> None:
    reply = brain.answer_question(
        "I'm an HR manager at a logistics firm near Lodi, 40 employees. We'd like to join the "
        "Rete di Conciliazione of our ATS and maybe an Alleanza. Who should we write to?"
    )
    assert reply.entry == "aderire-azienda" and "f:start:aderire" in button_data(reply)
    # A national measure mentioned in passing does not make a comparison either.
    reply = brain.answer_question(
        "I own a print shop in Lodi, 4 employees. One is back from maternity leave: are there "
        "time saving funds for micro businesses?"
    )
    assert reply.entry == "aderire-time-saving"


def test_a_family_story_with_a_firm_in_it_is_a_family_s(brain: Brain) -> None:
    reply = brain.answer_question(
        "mia figlia abita a dervio, ha avuto due gemelle a fine ottobre, il marito ha un'impresa "
        "di pulizie che va male. ci sono contributi per gemelli?"
    )
    assert reply.status == "answer" and "f:start:cresco" in button_data(reply)


def test_a_pregnancy_told_as_one_s_own_case_gets_every_check_that_fits(brain: Brain) -> None:
    reply = brain.answer_question(
        "aspetto il terzo figlio, isee 9.500, sono residente in lombardia da sempre. cosa posso "
        "chiedere?"
    )
    assert reply.entry == "aiuti-incinta-senza-soldi"
    assert {"f:start:nasko", "f:start:bonus-famiglia"} <= set(button_data(reply))


def test_a_social_worker_asking_what_to_activate_after_an_ivg_request_is_answered(
    brain: Brain,
) -> None:
    reply = brain.answer_question(
        "sono l'assistente sociale dell'ambito di sondrio, seguo una signora incinta che aveva "
        "chiesto l'ivg. che strumento regionale posso attivare?"
    )
    assert reply.status == "answer" and "NASKO" in reply.plain_text
    assert brain.answer_question("dove posso fare l'ivg a milano?").status == "fallback"


@pytest.mark.parametrize(
    ("text", "flow"),
    [
        (
            "scrivo per mia nuora: hanno avuto un bambino il 2 novembre, vivono a viadana",
            "cresco",
        ),
        (
            "my wife and I run a small pizzeria in Lecco, 2 employees, both young mums. is there "
            "any regional thing that helps small businesses?",
            "time-saving",
        ),
    ],
)
def test_more_wordings_of_a_birth_and_of_a_small_firm(brain: Brain, text: str, flow: str) -> None:
    assert f"f:start:{flow}" in button_data(brain.answer_question(text))


@pytest.mark.parametrize(
    ("text", "flow"),
    [
        (
            "We are Chinese family, we have restaurant in Sesto San Giovanni, 6 workers. help "
            "for workers with kids? time saving?",
            "time-saving",
        ),
        ("hello, money for milk and food for my newborn, we live in Busto Arsizio", "cresco"),
        ("cresco x straniera con permesso di soggiorno si puo?", "cresco"),
    ],
)
def test_owners_of_restaurants_and_milk_for_a_newborn(brain: Brain, text: str, flow: str) -> None:
    assert f"f:start:{flow}" in button_data(brain.answer_question(text))
    assert brain.answer_question("best restaurant in milan").status == "fallback"


def test_a_plea_for_help_naming_nothing_asks_what_about(brain: Brain) -> None:
    for text in ("info", "info please", "aiuto per favore", "help me pls", "I need support"):
        reply = brain.answer_question(text)
        assert reply.status == "clarify" and "e:aiuti-overview" in button_data(reply), text
    # "aiuto", "help" or "menu" alone is the menu.
    for text in ("aiuto", "help", "menu"):
        assert brain.answer_question(text).status == "info", text


def test_how_much_an_ats_had_in_a_year_is_the_money_not_the_card(brain: Brain) -> None:
    assert brain.answer_question("e nel 2021 l'ats di pavia, quanto?").entry != "ats:pavia"


def test_who_may_lead_in_a_period_is_the_capofila_entry(brain: Brain) -> None:
    assert brain.answer_question("chi può fare da ente capofila nel 2020-2023?").entry == (
        "alleanze-capofila"
    )
    assert brain.answer_question("regole 2020-2023").entry == "programmi-2020-2023"


def test_refusals_of_italian_named_things_asked_in_english_are_in_english(brain: Brain) -> None:
    for text in (
        "give me a quick risotto alla milanese recipe",
        "carta acquisti application",
        "assegno di inclusione requirements",
    ):
        reply = brain.answer_question(text)
        assert (reply.status, reply.lang) == ("fallback", "en"), text
