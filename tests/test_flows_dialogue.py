"""Checks that never lose the thread: running check asked again, re-prompts after a command or
stray input, hedged figures confirmed, the day asked when it decides, every reply in the chat's
language, no placeholder lines. Unit tests on the engine (the brain wires them in)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.flows import FlowEngine
from bot.flows.cases import load_cases, play_case
from bot.flows.schema import Flow, LText
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

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
CASES = load_cases(Path(__file__).parent / "flow_cases")


@dataclass(frozen=True)
class Ats:
    """An ATS as the place directory may give it: some contacts missing or empty."""

    name: str
    pages: tuple[str, ...] = ()
    phone: str | None = None
    email: str = ""
    website: str | None = None


@dataclass
class Places:
    comuni: tuple[Comune, ...] = (
        Comune("Como", "CO", ("insubria",)),
        Comune("Monza", "MB", ("brianza",)),
        Comune("Pavia", "PV", ("pavia",)),
    )
    ats: dict[str, Ats] = field(
        default_factory=lambda: {
            "insubria": Ats("ATS dell'Insubria", (), "0332 277111", "", "ats-insubria.it"),
            "brianza": Ats("ATS della Brianza", (), None, "-", None),  # nothing known
            "pavia": Ats("ATS di Pavia", ("https://www.ats-pavia.it/conciliazione",), "None"),
        }
    )

    def resolve(self, text: str) -> PlaceMatch | None:
        found = tuple(c for c in self.comuni if c.name.lower() == text.strip().lower())
        if not found and text.strip().isalpha():  # any other name: a comune of ATS Brianza
            found = (Comune(text.strip().title(), "MB", ("brianza",)),)
        return PlaceMatch("comune", found) if found else None

    def comune_by_key(self, key: str) -> Comune | None:
        return next((c for c in self.comuni if f"{c.name}|{c.province}" == key), None)


def make_engine(tmp_path: Path, places: Places | None = None) -> tuple[FlowEngine, SQLiteStore]:
    store = SQLiteStore(tmp_path)
    return FlowEngine(FLOWS, TEXTS, store, places, today=lambda: TODAY), store


def slot(store: SQLiteStore, chat: int) -> dict[str, Any]:
    return (store.get_state(chat) or {}).get("flow") or {}


NASKO_TO_ISEE = [
    ("b", "f:a:nasko:pregnant:yes"),
    ("b", "f:a:nasko:gave_up:yes"),
    ("b", "f:a:nasko:resident:yes"),
    ("t", "3"),
    ("b", "f:a:nasko:household:family"),
]


def test_no_problems_loading() -> None:
    assert PROBLEMS == []


# --- the same check asked for again -----------------------------------------------------------
def test_starting_the_running_check_again_asks_continue_or_start_over(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE)
    (ask,) = engine.start(1, "nasko", "it")
    assert "Vuoi continuare" in ask.text and "domanda 6 di" in ask.text
    assert datas(ask) == ["f:resume:nasko", "f:restart:nasko", "f:cancel"]
    assert slot(store, 1)["answers"]["household"] == "family"  # nothing dropped
    (resumed,) = engine.handle_button(1, "f:resume:nasko", "it")
    assert "Qual è il valore del tuo ISEE" in resumed.text and slot(store, 1)["step"] == "isee"


def test_start_over_clears_the_answers(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "en")
    play(engine, 1, NASKO_TO_ISEE, "en")
    (fresh,) = engine.handle_button(1, "f:restart:nasko", "en")
    assert "Are you pregnant" in fresh.text and "deleted its answers" in fresh.text
    assert slot(store, 1)["answers"] == {} and slot(store, 1)["step"] == "pregnant"


def test_restart_button_of_an_old_message_without_a_check_starts_it(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    (fresh,) = engine.handle_button(1, "f:restart:cresco", "it")
    assert slot(store, 1)["flow"] == "cresco" and "Domanda 1 di" in fresh.text


# --- re-prompts -------------------------------------------------------------------------------
def test_reprompt_repeats_the_pending_question_with_its_buttons(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    assert engine.reprompt(1, "it") is None  # no check running
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE[:4])
    reply = engine.reprompt(1, "en")
    assert reply is not None and reply.status == "flow"
    assert reply.text.startswith("Let's go back to the check in progress")
    assert "ISEE certificate, is the household" in reply.text
    assert "f:a:nasko:household:family" in datas(reply) and "f:cancel" in datas(reply)


def test_reprompt_at_the_recap_and_during_a_confirmation(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE)
    engine.handle_text(1, "circa 9000", "it")
    reply = engine.reprompt(1, "it")
    assert reply is not None and "circa 9.000\xa0€" in reply.text
    assert "f:keep:nasko:isee" in datas(reply)


@pytest.mark.parametrize("stray", ["👍", "", "   ", "🙂🙂", "..."])
def test_stray_input_mid_check_repeats_the_question(tmp_path: Path, stray: str) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE)
    (reply,) = engine.handle_text(1, stray, "it")
    assert "La verifica è ancora in corso" in reply.text
    assert "Qual è il valore del tuo ISEE" in reply.text and slot(store, 1)["step"] == "isee"
    assert not engine.accepts(1, stray)


def test_accepts_tells_answers_from_other_text(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    assert not engine.accepts(1, "3")  # no check running
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE)
    for text in ("8.500", "poco più di 9000", "non lo so", "indietro", "annulla", "dodicimila"):
        assert engine.accepts(1, text), text
    for text in ("quanto dura il congedo parentale?", "👍", "/menu"):
        assert not engine.accepts(1, text), text


# --- what was understood ----------------------------------------------------------------------
def test_hedged_figure_is_confirmed_or_replaced(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE)
    (ask,) = engine.handle_text(1, "poco più di 9000", "it")
    assert "Ho capito «poco più di 9.000\xa0€»" in ask.text and slot(store, 1)["step"] == "isee"
    assert "f:keep:nasko:isee" in datas(ask)
    (next_q,) = engine.handle_text(1, "9.200", "it")  # the exact figure replaces it
    assert slot(store, 1)["answers"]["isee"] == 9200 and "Domanda 7" in next_q.text


def test_hedged_figure_kept_by_button_or_yes(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "en")
    play(engine, 1, NASKO_TO_ISEE, "en")
    (ask,) = engine.handle_text(1, "a little over 9000", "en")
    assert 'I understood "a little over €9,000"' in ask.text
    (kept,) = engine.handle_button(1, "f:keep:nasko:isee", "en")
    assert kept.text.startswith("Understood: a little over €9,000.")
    assert slot(store, 1)["answers"]["isee"]["approx"] == "just_over"
    engine2, store2 = make_engine(tmp_path / "b")
    engine2.start(2, "nasko", "it")
    play(engine2, 2, NASKO_TO_ISEE)
    engine2.handle_text(2, "quasi 9000", "it")
    engine2.handle_text(2, "sì", "it")
    assert slot(store2, 2)["answers"]["isee"]["approx"] == "almost"


def test_compound_count_says_what_was_understood(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "time-saving", "it")
    engine.handle_button(1, "f:a:time-saving:role:owner", "it")
    engine.handle_button(1, "f:a:time-saving:sector:craft", "it")
    (reply,) = engine.handle_text(1, "3 dipendenti più il titolare", "it")
    assert reply.text.startswith("Ho capito: 4.") and slot(store, 1)["answers"]["employees"] == 4


def test_unit_counts_in_years(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "nasko", "it")
    play(engine, 1, NASKO_TO_ISEE[:3])
    (reply,) = engine.handle_text(1, "700 giorni", "it")
    assert "troppo alto" not in reply.text and "Ho capito: 1,92 anni." in reply.text
    assert slot(store, 1)["answers"]["resident_years"] == 1.92


def test_month_asks_the_day_only_when_it_decides(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "cresco", "it")
    engine.handle_text(1, "sì", "it")
    (ask,) = engine.handle_text(1, "ottobre 2025", "it")
    assert "Hai scritto ottobre 2025" in ask.text and "15/10/2025" in ask.text
    assert slot(store, 1)["step"] == "child_birth" and "f:keep:cresco:child_birth" in datas(ask)
    engine.handle_text(1, "15", "it")
    assert slot(store, 1)["answers"]["child_birth"] == "2025-10-15"
    engine.handle_text(1, "indietro", "it")
    (direct,) = engine.handle_text(1, "marzo 2026", "it")  # 8 months whatever the day
    assert direct.text.startswith("Ho capito: marzo 2026.")
    assert slot(store, 1)["answers"]["child_birth"]["approx"] == "month"


def test_day_not_remembered_keeps_the_month(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "cresco", "en")
    engine.handle_text(1, "yes", "en")
    engine.handle_text(1, "October 2025", "en")
    (reply,) = engine.handle_text(1, "I don't know", "en")
    assert reply.text.startswith("Understood: October 2025.")
    assert slot(store, 1)["answers"]["child_birth"]["hi"] == "2025-10-31"


def test_relative_date_is_shown_as_read(tmp_path: Path) -> None:
    engine, store = make_engine(tmp_path)
    engine.start(1, "cresco", "it")
    engine.handle_text(1, "sì", "it")
    (reply,) = engine.handle_text(1, "2 mesi fa", "it")
    assert reply.text.startswith("Ho capito: 20 settembre 2026.")
    assert slot(store, 1)["answers"]["child_birth"] == "2026-09-20"


# --- wording ----------------------------------------------------------------------------------
def test_english_cancel_has_balanced_quotes(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    for flow_id in FLOWS:
        engine.start(1, flow_id, "en")
        text = engine.cancel(1, "en").text
        assert text.count('"') % 2 == 0 and '""' not in text and '" "' not in text, text


def test_not_in_lombardy_headline_says_what_failed(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "aderire", "en")
    play(
        engine,
        1,
        [("b", "f:a:aderire:goal:rete"), ("b", "f:a:aderire:org_type:company")],
        "en",
    )
    engine.handle_button(1, "f:a:aderire:territory:no", "en")
    (verdict,) = engine.handle_button(1, "f:ok:aderire", "en")
    headline = verdict.text.splitlines()[0]
    assert headline.startswith("❌ ") and "Based or active in Lombardy" in headline
    assert "role" not in headline


def test_time_saving_five_people_today_is_not_a_no(tmp_path: Path) -> None:
    engine, _ = make_engine(tmp_path)
    engine.start(1, "time-saving", "it")
    engine.handle_button(1, "f:a:time-saving:role:owner", "it")
    engine.handle_button(1, "f:a:time-saving:sector:craft", "it")
    engine.handle_text(1, "5", "it")
    engine.handle_button(1, "f:a:time-saving:comune:unknown", "it")
    (verdict,) = engine.handle_button(1, "f:ok:time-saving", "it")
    assert verdict.text.startswith("⚠️ ")
    assert "La regola documentata fino al 31 dicembre 2019 chiedeva" in verdict.text
    assert "al massimo 3 occupati" in verdict.text and "non documentata oggi" in verdict.text


def _italian_only_texts() -> set[str]:
    """Italian sentences that have a different English version (UI texts and flow texts)."""
    found: set[str] = set()

    def add(text: LText) -> None:
        for line in text.it.splitlines():
            line = line.strip()
            english = text.en
            if len(line) >= 16 and line not in english and "{" not in line:
                found.add(line)

    for value in yaml.safe_load((KNOWLEDGE / "ui" / "flows.yaml").read_text())["texts"].values():
        if isinstance(value, dict) and "it" in value and value["it"] != value["en"]:
            for part in re.split(r"\{[a-z_]+\}", value["it"]):
                if len(part.strip()) >= 16:
                    found.add(part.strip())
    for flow in FLOWS.values():
        _walk_ltexts(flow, add)
    return found


def _walk_ltexts(obj: Any, visit) -> None:
    if isinstance(obj, LText):
        visit(obj)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _walk_ltexts(item, visit)
    elif isinstance(obj, dict):
        for item in obj.values():
            _walk_ltexts(item, visit)
    elif hasattr(type(obj), "model_fields"):
        for name in type(obj).model_fields:
            _walk_ltexts(getattr(obj, name), visit)


class Recorder:
    """The engine with every reply it gives kept (the cases' driver calls it like the engine)."""

    def __init__(self, engine: FlowEngine) -> None:
        self.engine = engine
        self.replies: list[Reply] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.engine, name)
        if name in ("start", "handle_text", "handle_button", "reprompt"):

            def call(*args: Any, **kwargs: Any) -> Any:
                result = attr(*args, **kwargs)
                self.replies.extend(result if isinstance(result, list) else [result])
                return result

            return call
        return attr


def _all_replies(tmp_path: Path, lang: str) -> list[Reply]:
    """Every step, recap and verdict of every case of every flow, in one language."""
    replies: list[Reply] = []
    for index, case in enumerate(CASES):
        if case.lang and case.lang != lang:
            continue
        store = SQLiteStore(tmp_path / f"{lang}{index}")
        engine = FlowEngine(
            FLOWS, TEXTS, store, Places(), today=lambda c=case: c.today, evaluation_date=case.on
        )
        recorder = Recorder(engine)
        play_case(recorder, store, FLOWS[case.flow], case, 1, lang)  # type: ignore[arg-type]
        replies += [r for r in recorder.replies if r is not None]
        replies.append(engine.reprompt(1, lang) or Reply("", lang=lang))
        store.close()
    return [r for r in replies if r.text]


def test_english_runs_have_no_italian_sentences(tmp_path: Path) -> None:
    italian = _italian_only_texts()
    assert len(italian) > 100  # the check has material to look for
    replies = _all_replies(tmp_path, "en")
    assert {r.status for r in replies} >= {"flow", "verdict"}
    for reply in replies:
        assert reply.lang == "en"
        for sentence in italian:
            assert sentence not in reply.text, (sentence, reply.text[:300])


@pytest.mark.parametrize("lang", ["it", "en"])
def test_no_placeholder_lines_in_any_reply(tmp_path: Path, lang: str) -> None:
    replies = _all_replies(tmp_path, lang)
    verdicts = [r for r in replies if r.status == "verdict"]
    assert len(verdicts) >= len({c.flow for c in CASES})
    with_ats = [r for r in verdicts if "ATS dell'Insubria" in r.text or "ATS di Pavia" in r.text]
    assert with_ats, "the cases reach the ATS contact lines"
    for reply in replies:
        for line in (reply.title or "").splitlines() + reply.text.splitlines():
            stripped = line.strip()
            assert stripped not in ("-", "•", "• -", "None", "–"), reply.text
            assert not re.search(r":\s*-\s*$|\bNone\b|\{[a-z_]+\}|•\s*$", stripped), line
        for button in reply.all_buttons():
            assert button.title.strip() and "None" not in button.title
    joined = "\n".join(r.text for r in verdicts)
    assert "ATS dell'Insubria: " in joined
    insubria = next(line for line in joined.splitlines() if "ATS dell'Insubria: " in line)
    assert "0332 277111" in insubria and "ats-insubria.it" in insubria


def test_verdict_flow_texts_follow_the_language(tmp_path: Path) -> None:
    flow: Flow = FLOWS["nasko"]
    engine, _ = make_engine(tmp_path, Places())
    engine.start(1, "nasko", "en")
    play(engine, 1, NASKO_TO_ISEE, "en")
    engine.handle_text(1, "8,500", "en")
    engine.handle_text(1, "yes", "en")
    (recap,) = engine.handle_text(1, "Como", "en")
    assert "Summary of your answers" in recap.text and "Riepilogo" not in recap.text
    (verdict,) = engine.handle_button(1, "f:ok:nasko", "en")
    assert flow.title.en in verdict.text and "Whom to contact" in verdict.text
    assert "tua risposta" not in verdict.text and "your answer" in verdict.text
