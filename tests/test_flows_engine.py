"""The flow dialogue: restart, several users, back, cancel, recap, stale buttons, comuni."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.flows import FlowEngine
from bot.flows.schema import LText
from bot.reply import Reply
from bot.store import SQLiteStore
from tests.flow_support import (
    FLOWS,
    PROBLEMS,
    TEXTS,
    TODAY,
    Comune,
    PlaceMatch,
    datas,
    play,
)

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


# --- a tiny place directory with bot/places.py's interface -----------------------------------


@dataclass(frozen=True)
class Ats:
    name: str
    pages: tuple[str, ...]


@dataclass
class FakePlaces:
    comuni: tuple[Comune, ...] = (
        Comune("Bergamo", "BG", ("bergamo",)),
        Comune("Breno", "BS", ("montagna",)),
        Comune("Brescia", "BS", ("brescia",)),
        Comune("Castro", "BG", ("bergamo",)),
        Comune("Castro", "LE", ()),
    )
    ats: dict[str, Ats] = field(
        default_factory=lambda: {
            "bergamo": Ats(
                "ATS di Bergamo", ("https://www.ats-bg.it/conciliazione-vita-e-lavoro",)
            ),
            "brescia": Ats(
                "ATS di Brescia", ("https://www.ats-brescia.it/le-reti-di-conciliazione1",)
            ),
            "montagna": Ats("ATS della Montagna", ("https://ats-montagna.it/conciliazione",)),
        }
    )

    def resolve(self, text: str) -> PlaceMatch | None:
        key = text.strip().lower()
        if key in ("provincia di brescia", "bs"):
            return PlaceMatch("province", (), "BS")
        found = tuple(c for c in self.comuni if c.name.lower() == key)
        if not found:
            return None
        return PlaceMatch("comune" if len(found) == 1 else "ambiguous", found)

    def comune_by_key(self, key: str) -> Comune | None:
        return next((c for c in self.comuni if f"{c.name}|{c.province}" == key), None)

    def ats_for_match(self, match: PlaceMatch) -> tuple[str, ...]:
        return ("brescia", "montagna") if match.kind == "province" else ()


# --- helpers ---------------------------------------------------------------------------------
def make_engine(
    data_dir: Path, places: FakePlaces | None = None, flows=None
) -> tuple[FlowEngine, SQLiteStore]:
    store = SQLiteStore(data_dir)
    return FlowEngine(flows or FLOWS, TEXTS, store, places, today=lambda: TODAY), store


def step_of(store: SQLiteStore, chat: int | str) -> str | None:
    slot = (store.get_state(chat) or {}).get("flow")
    return slot["step"] if slot else None


def answers_of(store: SQLiteStore, chat: int | str) -> dict:
    return (store.get_state(chat) or {}).get("flow", {}).get("answers", {})


NASKO_TO_RECAP = [
    ("button", "f:a:nasko:pregnant:yes"),
    ("button", "f:a:nasko:gave_up:yes"),
    ("text", "sì"),
    ("text", "3 anni"),
    ("button", "f:a:nasko:household:family"),
    ("text", "8.500"),
    ("text", "si"),
    ("button", "f:a:nasko:comune:unknown"),
]


def test_no_problems_loading() -> None:
    assert PROBLEMS == []


# --- the shape of the replies ----------------------------------------------------------------
def test_menu_lists_flows_as_buttons(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    reply = engine.menu("it")
    assert datas(reply) == [
        f"f:start:{i}" for i in ("nasko", "cresco", "bonus-famiglia", "time-saving", "aderire")
    ]
    assert engine.flow_ids()[0] == "nasko"
    assert engine.title("cresco", "en").startswith("CRESCO fund")


def test_start_shows_intro_and_first_question(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    (question,) = engine.start(1, "nasko", "it")  # one message: the intro, then the question
    assert question.status == "flow" and question.text.index("NASKO") < question.text.index(
        "Sei incinta"
    )
    assert "Sei incinta" in question.text and "Domanda 1 di" in question.text
    last_row = question.buttons[-1]
    assert [b.data for b in last_row] == ["f:cancel"]  # no "Indietro" on the first question
    assert last_row[0].title == "✖️ Annulla"
    assert "f:a:nasko:pregnant:unknown" in datas(question)  # "Non lo so"-style option
    assert engine.active(1) == "nasko" and step_of(store, 1) == "pregnant"


def test_second_question_has_back_and_cancel(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    (reply,) = engine.handle_text(1, "sì", "it")
    titles = [b.title for b in reply.buttons[-1]]
    assert titles == ["⬅️ Indietro", "✖️ Annulla"]
    assert reply.buttons[-1][0].data == "f:back:nasko:gave_up"


def test_unknown_flow_is_refused_politely(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    replies = engine.start(1, "nope", "it")
    assert replies[-1].buttons and "non è disponibile" in replies[0].text


# --- persistence ----------------------------------------------------------------------------
def test_restart_in_the_middle_continues(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(7, "nasko", "it")
    play(engine, 7, NASKO_TO_RECAP[:4])
    assert step_of(store, 7) == "household"
    store.close()

    engine2, store2 = make_engine(tmp_path)  # a new process: new store object, same data dir
    assert engine2.active(7) == "nasko"
    (shown,) = engine2.current(7, "it")
    assert "nucleo familiare" in shown.text and "f:a:nasko:household:family" in datas(shown)
    replies = play(engine2, 7, NASKO_TO_RECAP[4:])
    assert "Riepilogo" in replies[-1].text and "3 anni" in replies[-1].text
    (verdict,) = engine2.handle_button(7, "f:ok:nasko", "it")
    assert verdict.status == "verdict" and verdict.text.startswith("⚠️ ")


def test_restart_at_the_recap_shows_the_recap(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(8, "nasko", "it")
    play(engine, 8, NASKO_TO_RECAP)
    store.close()
    engine2, _ = make_engine(tmp_path)
    (shown,) = engine2.current(8, "it")
    assert "f:ok:nasko" in datas(shown)


def test_current_without_flow_is_empty(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    assert engine.current(5, "it") == [] and engine.active(5) is None


def test_interleaved_users_do_not_mix(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start("alice", "nasko", "it")
    engine.start("bob", "cresco", "en")
    engine.handle_text("alice", "sì", "it")
    engine.handle_text("bob", "yes", "en")
    engine.handle_text("alice", "sì", "it")
    engine.handle_text("bob", "01/09/2026", "en")
    assert step_of(store, "alice") == "resident" and step_of(store, "bob") == "resident"
    assert answers_of(store, "alice") == {"pregnant": "yes", "gave_up": "yes"}
    assert answers_of(store, "bob") == {"born": "yes", "child_birth": "2026-09-01"}
    play(
        engine,
        "alice",
        [
            ("text", "sì"),
            ("text", "4"),
            ("text", "solo da me"),
            ("text", "16.000"),
            ("text", "sì"),
            ("text", "salta"),
            ("text", "conferma"),
        ],
    )
    assert engine.active("alice") is None  # verdict given, Alice's answers deleted
    assert answers_of(store, "bob") == {"born": "yes", "child_birth": "2026-09-01"}
    replies = play(
        engine,
        "bob",
        [
            ("text", "yes"),
            ("text", "3"),
            ("text", "7000"),
            ("text", "no"),
            ("text", "skip"),
            ("text", "confirm"),
        ],
        lang="en",
    )
    assert replies[-1].status == "verdict" and replies[-1].lang == "en"
    assert "16.000" not in replies[-1].text and "€7,000" in replies[-1].text


# --- back, cancel, recap ------------------------------------------------------------------------
def test_back_at_the_first_step_is_polite(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    (reply,) = engine.handle_button(1, "f:back:nasko:pregnant", "it")  # forged: no such button
    assert "prima domanda" in reply.text and "Sei incinta" in reply.text
    (reply,) = engine.handle_text(1, "indietro", "it")
    assert "prima domanda" in reply.text and step_of(store, 1) == "pregnant"


def test_back_goes_one_step_and_forgets_that_answer(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:3])
    assert step_of(store, 1) == "resident_years"
    (reply,) = engine.handle_button(1, "f:back:nasko:resident_years", "it")
    assert step_of(store, 1) == "resident" and "Risiedi in Lombardia?" in reply.text
    assert "resident" not in answers_of(store, 1)
    engine.handle_text(1, "back", "it")
    assert step_of(store, 1) == "gave_up"
    # an old "back" button of a question already left is stale, not a second step back
    (reply,) = engine.handle_button(1, "f:back:nasko:resident_years", "it")
    assert "precedente" in reply.text and step_of(store, 1) == "gave_up"


def test_back_from_the_recap_reopens_the_last_question(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP)
    engine.handle_button(1, "f:back:nasko:_recap", "it")
    assert step_of(store, 1) == "comune"


def test_cancel_deletes_the_answers(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    store.update_state(1, "pending", {"kind": "other feature"})
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:3])
    reply = engine.cancel(1, "it")
    assert "annullata" in reply.text and reply.status == "info"
    assert engine.active(1) is None
    assert store.get_state(1) == {"pending": {"kind": "other feature"}}  # other slots untouched
    assert "Non c'è nessuna verifica" in engine.cancel(1, "it").text


@pytest.mark.parametrize("how", [("button", "f:cancel"), ("text", "annulla"), ("text", "Cancel")])
def test_cancel_by_button_or_word(tmp_path: Path, how) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "cresco", "it")
    (reply,) = play(engine, 1, [how])
    assert store.get_state(1) is None and "f:menu" in datas(reply)


def test_recap_then_edit_an_answer(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    (recap,) = play(engine, 1, NASKO_TO_RECAP)
    assert "f:edit:nasko:isee" in datas(recap) and "8.500\xa0€" in recap.text
    (question,) = engine.handle_button(1, "f:edit:nasko:isee", "it")
    assert "Risposta attuale: 8.500\xa0€" in question.text
    (recap,) = engine.handle_text(1, "9.500", "it")
    assert "9.500\xa0€" in recap.text and "f:ok:nasko" in datas(recap)
    (verdict,) = engine.handle_text(1, "ok", "it")
    assert verdict.text.startswith("❌ ") and "✘ ISEE non superiore a 9.000\xa0€" in verdict.text


def test_editing_a_branch_answer_skips_questions_that_no_longer_apply(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP)
    engine.handle_button(1, "f:edit:nasko:resident", "it")
    (recap,) = engine.handle_text(1, "no", "it")  # not resident: stop, straight to the recap
    assert "f:ok:nasko" in datas(recap)
    assert set(answers_of(store, 1)) == {"pregnant", "gave_up", "resident"}


def test_typed_text_at_the_recap_explains(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP)
    (reply,) = engine.handle_text(1, "boh cosa faccio", "it")
    assert "Conferma" in reply.text and "f:ok:nasko" in datas(reply)


# --- typed answers and invalid inputs -----------------------------------------------------------
@pytest.mark.parametrize(
    "typed,expected",
    [
        ("si", "yes"),
        ("sì", "yes"),
        ("Sì!", "yes"),
        ("SI", "yes"),
        ("certo", "yes"),
        ("yes", "yes"),
        ("y", "yes"),
        ("no", "no"),
        ("No.", "no"),
        ("n", "no"),
        ("non so", "unknown"),
        ("boh", "unknown"),
        ("don't know", "unknown"),
    ],
)
def test_typed_yes_no_where_buttons_are_shown(tmp_path: Path, typed: str, expected: str) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    engine.handle_text(1, typed, "it")
    assert answers_of(store, 1)["pregnant"] == expected


@pytest.mark.parametrize(
    "typed,reason",
    [
        ("un sacco di soldi", "importo in euro"),
        ("-500", "negativo"),
        ("−500", "negativo"),  # the Unicode minus sign
        ("–500", "negativo"),  # an en dash
        ("tanti", "importo in euro"),
        ("tra 8000 e 9000", "importo in euro"),
        ("2.000.000", "troppo alto"),
    ],
)
def test_invalid_isee_is_reprompted_with_the_reason(
    tmp_path: Path, typed: str, reason: str
) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:5])
    assert step_of(store, 1) == "isee"
    (reply,) = engine.handle_text(1, typed, "it")
    assert reason in reply.text and "Qual è il valore del tuo ISEE" in reply.text
    assert reply.status == "flow" and step_of(store, 1) == "isee"


def test_reprompt_in_english(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "nasko", "en")
    play(engine, 1, NASKO_TO_RECAP[:5], lang="en")
    (reply,) = engine.handle_text(1, "lots of money", "en")
    assert "digits" in reply.text and "ISEE" in reply.text


@pytest.mark.parametrize(
    "typed,reason",
    [
        ("2020", "sembra un anno"),
        ("da sempre", "in cifre"),
        ("-3", "negativo"),
        ("250", "troppo alto"),
    ],
)
def test_invalid_years(tmp_path: Path, typed: str, reason: str) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:3])
    (reply,) = engine.handle_text(1, typed, "it")
    assert reason in reply.text and step_of(store, 1) == "resident_years"


def test_residence_as_a_start_date(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:3])
    engine.handle_text(1, "dal 20/11/2024", "it")
    assert answers_of(store, 1)["resident_years"] == 2


@pytest.mark.parametrize(
    "typed,reason",
    [
        ("31/02/2026", "non esiste"),
        ("01/01/2027", "futuro"),
        ("l'altro giorno", "giorno/mese/anno"),
        ("non so", "mi serve proprio una risposta"),  # this question has no "Non lo so"
    ],
)
def test_invalid_birth_dates(tmp_path: Path, typed: str, reason: str) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "cresco", "it")
    engine.handle_text(1, "sì", "it")
    (reply,) = engine.handle_text(1, typed, "it")
    assert reason in reply.text and step_of(store, 1) == "child_birth"


def test_invalid_choice_lists_the_options(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "aderire", "it")
    (reply,) = engine.handle_text(1, "banana", "it")
    assert "Aderire alla Rete di conciliazione dell'ATS" in reply.text.split("\n\n")[0]


def test_typed_choice_label_or_number(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "aderire", "it")
    engine.handle_text(1, "alleanza locale", "it")
    engine.handle_text(1, "2", "it")
    assert answers_of(store, 1) == {"goal": "alleanza", "org_type": "nonprofit"}


# --- stale and forged buttons --------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        "f:a:nasko:pregnant:yes",  # an earlier question
        "f:a:nasko:resident:maybe",  # an option that does not exist
        "f:a:cresco:resident:yes",  # another flow
        "f:ok:nasko",  # confirm before the recap
        "f:edit:nasko:isee",  # edit outside the recap
        "f:a:nasko",  # malformed
        "f:zap:nasko:x",  # unknown action
        "xyz",  # not ours
        "f:pick:nasko:resident:0",  # no candidates
    ],
)
def test_stale_or_forged_buttons_reshow_the_question(tmp_path: Path, data: str) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:2])
    replies = engine.handle_button(1, data, "it")
    assert replies[-1].status == "flow" and "Risiedi in Lombardia?" in replies[-1].text
    assert "precedente" in replies[-1].text
    assert step_of(store, 1) == "resident"


def test_buttons_without_a_running_flow(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    replies = engine.handle_button(1, "f:a:nasko:pregnant:yes", "it")
    assert "Non hai nessuna verifica" in replies[0].text and "f:start:nasko" in datas(replies[-1])
    replies = engine.handle_text(1, "sì", "it")
    assert "Non hai nessuna verifica" in replies[0].text


def test_old_verdict_restart_button_starts_again(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP)
    (verdict,) = engine.handle_button(1, "f:ok:nasko", "it")
    assert store.get_state(1) is None
    assert engine.handle_button(1, "f:ok:nasko", "it")[0].text.startswith("Non hai")  # double tap
    replies = engine.handle_button(1, verdict.buttons[0][0].data, "it")
    assert "Sei incinta" in replies[-1].text
    assert engine.handle_button(1, "f:menu", "it")[0].buttons


def test_starting_another_flow_replaces_the_running_one(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    engine.handle_text(1, "sì", "it")
    (reply,) = engine.start(1, "cresco", "it")
    assert "NASKO" in reply.text and engine.active(1) == "cresco"
    assert answers_of(store, 1) == {}


# --- the verdict -------------------------------------------------------------------------------
def test_verdict_lists_conditions_amount_contacts_and_sources(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path, FakePlaces())
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:-1] + [("text", "Bergamo")])
    (verdict,) = engine.handle_text(1, "conferma", "it")
    text = verdict.text
    assert text.startswith("⚠️ ") and "regole in vigore oggi non sono documentate" in text
    assert "✔ Residenza in Lombardia da almeno 2 anni" in text and "3 anni" in text
    assert "3.000 €" in text and "18 mesi" in text
    assert "Attestazione ISEE" in text
    assert "Consultorio familiare" in text and "Centro di Aiuto alla Vita" in text
    assert (
        "ATS di Bergamo: pagina conciliazione https://www.ats-bg.it/conciliazione-vita-e-lavoro"
        in text
    )
    assert "sportello-sociale.it" in text and "Regole documentate al 1 febbraio 2015" in text
    assert "DGR X/2595" in text
    assert store.get_state(1) is None


def test_unknown_answer_gives_warning_with_reason(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "cresco", "it")
    (verdict,) = play(
        engine,
        1,
        [
            ("text", "sì"),
            ("text", "01/10/2026"),
            ("text", "sì"),
            ("text", "4"),
            ("text", "non lo so"),
            ("text", "no"),
            ("text", "salta"),
            ("button", "f:ok:cresco"),
        ],
    )
    assert verdict.text.startswith("⚠️ ") and "? ISEE non superiore a 9.000\xa0€" in verdict.text
    assert "Mancano o sono incerte" in verdict.text


def test_closed_measure_names_the_closure_and_successor(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "bonus-famiglia", "en")
    (verdict,) = play(
        engine,
        1,
        [
            ("button", "f:a:bonus-famiglia:situation:adoption"),
            ("text", "6"),
            ("text", "no"),
            ("text", "10000"),
            ("text", "skip"),
            ("text", "confirm"),
        ],
        lang="en",
    )
    assert verdict.text.startswith("❌ ") and "closed since June 30, 2019" in verdict.text
    assert "Assegno Unico" in verdict.text and "✘ Measure open to applications" in verdict.text


# --- comuni -----------------------------------------------------------------------------------
def _to_comune(engine: FlowEngine, chat: int) -> None:
    engine.start(chat, "time-saving", "it")
    play(engine, chat, [("text", "titolare"), ("text", "artigiana"), ("text", "2")])


def test_comune_resolved_names_its_ats(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path, FakePlaces())
    _to_comune(engine, 1)
    engine.handle_text(1, "bergamo", "it")
    assert answers_of(store, 1)["comune"]["ats"] == ["bergamo"]
    (verdict,) = engine.handle_button(1, "f:ok:time-saving", "it")
    assert "ATS di Bergamo" in verdict.text


def test_ambiguous_comune_offers_buttons(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path, FakePlaces())
    _to_comune(engine, 1)
    (reply,) = engine.handle_text(1, "Castro", "it")
    assert "Castro (BG)" in [b.title for b in reply.all_buttons()]
    store.close()
    engine, store = make_engine(tmp_path, FakePlaces())  # the candidates survive a restart
    (reply,) = engine.current(1, "it")
    assert "f:pick:time-saving:comune:0" in datas(reply)
    engine.handle_button(1, "f:pick:time-saving:comune:0", "it")
    assert answers_of(store, 1)["comune"]["key"] == "Castro|BG"


def test_province_lists_every_ats_it_may_belong_to(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path, FakePlaces())
    _to_comune(engine, 1)
    engine.handle_text(1, "provincia di Brescia", "it")
    (verdict,) = engine.handle_text(1, "conferma", "it")
    assert "ATS della Montagna" in verdict.text and "ATS di Brescia" in verdict.text
    assert "potrebbe dipendere" in verdict.text


def test_comune_not_found_is_asked_once_then_accepted(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path, FakePlaces())
    _to_comune(engine, 1)
    (reply,) = engine.handle_text(1, "Parigi", "it")
    assert "Non trovo «Parigi»" in reply.text and step_of(store, 1) == "comune"
    engine.handle_text(1, "Parigi", "it")
    assert answers_of(store, 1)["comune"]["not_found"] is True
    (verdict,) = engine.handle_text(1, "conferma", "it")
    assert "/contatti" in verdict.text


def test_comune_without_a_place_directory_is_recorded_as_typed(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    _to_comune(engine, 1)
    engine.handle_text(1, "Sondrio", "it")
    assert answers_of(store, 1)["comune"] == {"text": "Sondrio"}


# --- changed or damaged state -------------------------------------------------------------------
def test_changed_flow_restarts_with_an_apology(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_RECAP[:3])
    store.close()
    nasko = FLOWS["nasko"]
    first = nasko.steps[0].model_copy(
        update={"question": LText(it="Aspetti un bambino?", en="Expecting?")}
    )
    changed = dict(FLOWS, nasko=nasko.model_copy(update={"steps": (first, *nasko.steps[1:])}))
    engine2, store2 = make_engine(tmp_path, flows=changed)
    replies = engine2.handle_text(1, "5", "it")
    (reply,) = replies
    assert "aggiornate" in reply.text and "Aspetti un bambino?" in reply.text
    assert answers_of(store2, 1) == {} and step_of(store2, 1) == "pregnant"


def test_removed_flow_is_discarded(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "aderire", "it")
    store.close()
    without = {k: v for k, v in FLOWS.items() if k != "aderire"}
    engine2, store2 = make_engine(tmp_path, flows=without)
    replies = engine2.handle_button(1, "f:a:aderire:goal:rete", "it")
    assert "non è più disponibile" in replies[0].text and store2.get_state(1) is None


@pytest.mark.parametrize(
    "garbage",
    [
        {"format": 1, "flow": "nasko", "v": "x"},
        "not a dict",
        {"format": 1, "flow": "nasko", "v": "0", "step": "isee", "answers": []},
    ],
)
def test_damaged_state_never_raises(tmp_path: Path, garbage) -> None:
    engine, store = make_engine(tmp_path)
    store.update_state(1, "flow", garbage)
    replies = engine.handle_text(1, "sì", "it")
    assert replies and all(isinstance(r, Reply) for r in replies)
    assert engine.handle_button(1, "f:back:nasko:isee", "it")


def test_state_with_a_step_that_does_not_match_the_answers_restarts(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    slot = store.get_state(1)["flow"]
    slot["step"] = "isee"  # hand-edited: the answers do not lead there
    store.update_state(1, "flow", slot)
    replies = engine.handle_text(1, "9000", "it")
    assert "Sei incinta" in replies[-1].text and answers_of(store, 1) == {}


def test_with_the_real_place_directory(tmp_path: Path) -> None:
    """bot/places.py's PlaceDirectory fits the interface the flows expect."""
    places_module = pytest.importorskip("bot.places")
    try:
        places = places_module.PlaceDirectory.load(KNOWLEDGE)
    except (OSError, ValueError, KeyError) as exc:  # the directory's own data problem
        pytest.skip(f"place directory not loadable: {exc}")
    engine, store = make_engine(tmp_path, places)
    _to_comune(engine, 1)
    engine.handle_text(1, "Breno", "it")
    (verdict,) = engine.handle_text(1, "conferma", "it")
    assert "ATS della Montagna" in verdict.text
    _to_comune(engine, 2)
    engine.handle_text(2, "Valle Camonica", "it")
    assert answers_of(store, 2)["comune"]["ats"] == ["montagna"]
