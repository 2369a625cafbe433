"""YAML test cases of the flows (tests/flow_cases/*.yaml), in the spirit of OpenFisca's tests.

    flow: nasko
    today: 2026-11-20            # the date the check runs (default for every case)
    cases:
      - name: ISEE exactly at the threshold
        answers: {pregnant: yes, gave_up: yes, resident: yes, resident_years: 2, ...}
        expect: "⚠️"               # the verdict's marker
        failing: []              # ids of the conditions not met (exactly these)
        unknown: []              # optional: ids of the conditions left unknown
        today: 2015-01-20        # optional: run the check on another day
        period: 2013-06-01       # optional: apply the rules in force on another date
        lang: en                 # optional: run the dialogue only in this language

A text answer to a number, money, years, age or date question is typed as written
(`isee: "poco più di 9000"`); a list is typed message after message (`child_birth:
["ottobre 2025", "15"]`: the month, then the day when the bot asks for it). When the bot asks
to confirm a hedged figure, the dialogue presses "Va bene così".

`evaluate_case` applies the rules directly; `play_case` drives the real dialogue (buttons and
typed answers through FlowEngine) and returns the verdict Reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.flows.callbacks import data_answer, data_ok
from bot.flows.engine import FlowEngine
from bot.flows.parsing.base import is_approx
from bot.flows.parsing.dates import parse_day_of_month
from bot.flows.parsing.steps import parse_answer
from bot.flows.rules import Verdict, decide, evaluation_date, prune
from bot.flows.schema import NUMERIC_TYPES, UNKNOWN, Flow, Step
from bot.flows.session import RECAP, SLOT
from bot.formatting import format_number
from bot.models import SafeLoader
from bot.reply import Reply
from bot.store import Store


@dataclass(frozen=True)
class FlowCase:
    flow: str
    name: str
    answers: dict[str, Any]
    expect: str
    failing: tuple[str, ...]
    today: date
    on: date | None = None
    unknown: tuple[str, ...] | None = None
    source: str = ""
    lang: str | None = None  # the dialogue runs only in this language (typed answers in it)


# How an Italian user types a date (day first): what the cases send to the parsers.
TYPED_DATE = "%d/%m/%Y"


def load_cases(folder: Path) -> list[FlowCase]:
    """Every case of every file in `folder`; a malformed file raises ValueError naming it."""
    cases: list[FlowCase] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise ValueError(f"{path}: expected 'flow:', 'today:' and 'cases:' with a list")
        flow_id = str(data["flow"])
        default_today = data.get("today", date.today())
        for index, raw in enumerate(data["cases"]):
            try:
                cases.append(
                    FlowCase(
                        flow=flow_id,
                        name=str(raw["name"]),
                        answers=dict(raw["answers"]),
                        expect=str(raw["expect"]),
                        failing=tuple(raw.get("failing", ())),
                        today=raw.get("today", default_today),
                        on=raw.get("period"),
                        unknown=tuple(raw["unknown"]) if "unknown" in raw else None,
                        source=f"{path.name}#{index + 1}",
                        lang=raw.get("lang"),
                    )
                )
            except (KeyError, TypeError) as exc:
                raise ValueError(f"{path}: case {index + 1}: missing or malformed {exc}") from exc
    return cases


def is_typed(step: Step, value: Any) -> bool:
    """A text (or list of texts) to type for a number, money, years, age or date question."""
    typed_types = NUMERIC_TYPES | {"date"}
    if isinstance(value, list):
        return step.type in typed_types
    return isinstance(value, str) and value != UNKNOWN and step.type in typed_types


def read_typed(step: Step, value: Any, today: date) -> Any:
    """What the parsers make of a typed answer, as stored: the first text accepted (a refused
    one, such as "−500", is skipped as the dialogue skips it), then the day after a month."""
    texts = [str(t) for t in (value if isinstance(value, list) else [value])]
    rest = list(texts)
    while rest:
        parsed = parse_answer(step, rest.pop(0), today)
        if parsed.ok:
            break
    else:
        raise ValueError(f"every text is refused for '{step.id}': {texts}")
    result = parsed.value
    if is_approx(result) and result["approx"] in ("month", "since") and rest:
        day = parse_day_of_month(rest[0], {"lo": result["x"]}, today)
        if not day.ok:
            raise ValueError(f"'{rest[0]}' is not a day for '{step.id}': {day.error}")
        if step.type == "years":
            result = parse_answer(step, day.value.isoformat(), today).value
        else:
            result = day.value
    if isinstance(result, date):
        return result.isoformat()
    return result


def stored_answer(step: Step, value: Any, today: date | None = None) -> Any:
    """A case's answer as the engine stores it (YAML yes/no are booleans)."""
    if is_typed(step, value):
        return read_typed(step, value, today or date.today())
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == UNKNOWN:
        return UNKNOWN
    if step.type == "date" and isinstance(value, date):
        return value.isoformat()
    if step.type == "comune":
        return value if isinstance(value, Mapping) else {"text": str(value)}
    return value


def evaluate_case(flow: Flow, case: FlowCase) -> Verdict:
    """The verdict of the rules alone for the case's answers."""
    answers = {}
    for step_id, value in case.answers.items():
        step = flow.step(step_id)
        if step is None:
            raise ValueError(f"{case.source}: '{step_id}' is not a step of flow '{flow.id}'")
        answers[step_id] = stored_answer(step, value, case.today)
    on = case.on or evaluation_date(flow, case.today)
    return decide(flow, prune(flow, answers, case.today, on), case.today, on)


def typed_answer(step: Step, value: Any) -> str:
    """How a user would type the answer (Italian formats: input for the parsers, not output)."""
    if isinstance(value, date):
        return value.strftime(TYPED_DATE)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, "it") if step.type == "money" else str(value).replace(".", ",")
    if isinstance(value, Mapping):
        return str(value.get("text", ""))
    return str(value)


def play_case(
    engine: FlowEngine,
    store: Store,
    flow: Flow,
    case: FlowCase,
    chat_id: int | str,
    lang: str = "it",
) -> Reply:
    """Answer every question of the dialogue from the case; return the verdict Reply."""
    engine.start(chat_id, flow.id, lang)
    used: set[str] = set()
    for _ in range(len(flow.steps) + 2):
        state = (store.get_state(chat_id) or {}).get(SLOT)
        if state is None:
            raise AssertionError(f"{case.source}: the flow ended before the recap")
        step_id = state["step"]
        if step_id == RECAP:
            break
        step = flow.step(step_id)
        assert step is not None
        if step_id not in case.answers:
            raise AssertionError(f"{case.source}: no answer for the question '{step_id}'")
        used.add(step_id)
        replies = _answer(engine, flow, step, case.answers[step_id], chat_id, lang)
        if not replies or replies[-1].status != "flow":
            raise AssertionError(f"{case.source}: unexpected reply to '{step_id}': {replies}")
        if (store.get_state(chat_id) or {}).get(SLOT, {}).get("step") == step_id:
            refused = replies[-1].text
            raise AssertionError(f"{case.source}: answer to '{step_id}' refused: {refused}")
    unused = set(case.answers) - used
    if unused:
        raise AssertionError(f"{case.source}: answers never asked: {sorted(unused)}")
    replies = engine.handle_button(chat_id, data_ok(flow.id), lang)
    if len(replies) != 1 or replies[0].status != "verdict":
        raise AssertionError(f"{case.source}: no verdict after the recap: {replies}")
    return replies[0]


def _answer(
    engine: FlowEngine, flow: Flow, step: Step, value: Any, chat_id: int | str, lang: str
) -> list[Reply]:
    if is_typed(step, value):
        return _type(engine, flow, step, value, chat_id, lang)
    stored = stored_answer(step, value)
    if stored == UNKNOWN and step.unknown:
        return engine.handle_button(chat_id, data_answer(flow.id, step.id, UNKNOWN), lang)
    if step.type in ("yes_no", "choice"):
        return engine.handle_button(chat_id, data_answer(flow.id, step.id, str(stored)), lang)
    return engine.handle_text(chat_id, typed_answer(step, value), lang)


def _type(
    engine: FlowEngine, flow: Flow, step: Step, value: Any, chat_id: int | str, lang: str
) -> list[Reply]:
    """Type the texts one by one while the question is still open; confirm a hedged figure."""
    replies: list[Reply] = []
    for text in value if isinstance(value, list) else [value]:
        replies = engine.handle_text(chat_id, str(text), lang)
        if engine.pending_confirmation(chat_id) is None and engine.pending_step(chat_id) != step.id:
            return replies
    if engine.pending_confirmation(chat_id) is not None:
        replies = engine.handle_button(chat_id, f"f:keep:{flow.id}:{step.id}", lang)
    return replies
