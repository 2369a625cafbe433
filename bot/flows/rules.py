"""Rules as code: dated parameters, branching and the verdict of a flow (pure functions).

Nothing here knows about chats, storage or wording: the engine stores the answers, this module
says which question comes next and what the rules conclude; render.py turns it into text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bot.flows.expr import (
    Compare,
    Outcome,
    as_tuple,
    combine_all,
    combine_any,
    compare_values,
    compile_expr,
    completed_months,
)
from bot.flows.schema import NUMERIC_TYPES, UNKNOWN, Condition, DatedValue, Flow, Parameter, Step

VerdictKind = Literal["ok", "fail", "unsure", "outdated"]
# The markers are a contract (docs/contracts.md): every verdict starts with exactly one.
MARKERS: dict[VerdictKind, str] = {
    "ok": "✅",
    "fail": "❌",
    "unsure": "⚠️",
    "outdated": "⚠️",
}
CLOSED_CONDITION = "open"  # id of the condition added when a measure has closed
# A step is asked when its `when` holds or cannot be decided (better one question too many);
# for "question 3 of 7" also when it depends on questions not answered yet.
ASKED = (Outcome.MET, Outcome.UNKNOWN)
ASKED_OR_PENDING = (Outcome.MET, Outcome.UNKNOWN, Outcome.SKIPPED)
OPEN_END = 1e-6  # how far inside an open end of a range ("quasi 2 anni") the rules look


# --- dates and parameters -------------------------------------------------------------------
def documented_today(flow: Flow, today: date) -> bool:
    """True when the rules are documented as in force today (editors said so, or not stale)."""
    return flow.status == "active" or today <= flow.as_of


def latest_start(flow: Flow) -> date:
    """The start of the latest documented period of anything dated in the flow."""
    starts = [v.from_ for p in flow.parameters.values() for v in p.values]
    starts += [c.from_ for c in flow.conditions if c.from_]
    starts += [t.from_ for t in (*flow.amount, *flow.documents, *flow.notes) if t.from_]
    return max(starts, default=flow.as_of)


def evaluation_date(flow: Flow, today: date) -> date:
    """The date whose rules apply: today when documented, else the latest documented period."""
    return today if documented_today(flow, today) else latest_start(flow)


def resolve(param: Parameter, day: date) -> DatedValue | None:
    """The value in force on `day`; after the last period, the latest one documented."""
    for value in param.values:
        if value.covers(day):
            return value
    earlier = [v for v in param.values if v.from_ <= day]
    return earlier[-1] if earlier else None


def documented_on(param: Parameter, day: date) -> bool:
    """True when a value (not null) of the parameter covers `day` exactly."""
    return any(v.covers(day) and v.value is not None for v in param.values)


def last_documented(param: Parameter, day: date) -> DatedValue | None:
    """The latest value (not null) that started on or before `day`; None if there is none."""
    earlier = [v for v in param.values if v.value is not None and v.from_ <= day]
    return earlier[-1] if earlier else None


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- evaluation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    flow: Flow
    answers: Mapping[str, Any]
    today: date
    on: date


def _left(step: Step, raw: Any, func: str | None, today: date) -> Any:
    if step.type == "date":
        day = as_date(raw)
        if day is None or func is None:
            return day
        months = completed_months(day, today)
        return months if func == "months_since" else months // 12
    if step.type in NUMERIC_TYPES:
        try:
            return float(raw)
        except (TypeError, ValueError):
            return None
    return raw


def _rights(expr: Compare, ctx: Context) -> list[Any] | None:
    """Candidate right-hand values (several when a by-answer is unknown); None = undocumented."""
    if expr.param is None:
        return [expr.literal]
    param = ctx.flow.parameters[expr.param]
    dated = resolve(param, ctx.on)
    if dated is None or dated.value is None:
        return None
    value = dated.value
    if param.by and isinstance(value, dict):
        key = ctx.answers.get(param.by)
        return [value[key]] if key in value else list(value.values())
    return [tuple(value) if isinstance(value, list) else value]


def _lefts(step: Step, raw: Any, func: str | None, today: date) -> list[Any] | None:
    """The value(s) to compare: one answer, or both ends of a range ("circa 9000", a month).

    Open ends ("quasi 2 anni": 2 excluded) are moved inward by a hair, so a comparison with the
    excluded figure itself comes out right; a range decides only when both ends agree."""
    if not (isinstance(raw, dict) and "lo" in raw and "hi" in raw):
        left = _left(step, raw, func, today)
        return None if left is None else [left]
    low, high = _left(step, raw["lo"], func, today), _left(step, raw.get("hi"), func, today)
    if low is None:
        return None
    if high is None:
        if step.type not in NUMERIC_TYPES or raw.get("hi") is not None:
            return None
        high = float("inf")  # "più di 15.000": no upper end
    if isinstance(low, float) and raw.get("lo_open"):
        low += OPEN_END
    if isinstance(high, float) and raw.get("hi_open"):
        high -= OPEN_END
    return [low, high]


def evaluate(expr: Compare, ctx: Context) -> Outcome:
    step = ctx.flow.step(expr.answer)
    if step is None:
        return Outcome.UNKNOWN
    if expr.answer not in ctx.answers:
        return Outcome.SKIPPED if step_applies(step, ctx) else Outcome.NA
    raw = ctx.answers[expr.answer]
    if raw == UNKNOWN:
        return Outcome.UNKNOWN
    lefts = _lefts(step, raw, expr.func, ctx.today)
    rights = _rights(expr, ctx)
    if lefts is None or rights is None:
        return Outcome.UNKNOWN
    try:
        results = {compare_values(left, expr.op, right) for left in lefts for right in rights}
    except TypeError:  # a value of the wrong kind (e.g. an old answer): cannot decide
        return Outcome.UNKNOWN
    if results == {True}:
        return Outcome.MET
    return Outcome.NOT_MET if results == {False} else Outcome.UNKNOWN


def _gate(expressions: str | tuple[str, ...] | None, ctx: Context) -> Outcome:
    texts = as_tuple(expressions)
    if not texts:
        return Outcome.MET
    return combine_all([evaluate(compile_expr(text), ctx) for text in texts])


def step_applies(step: Step, ctx: Context) -> bool:
    """Ask a step when its `when` holds or cannot be decided (better one question too many)."""
    return _gate(step.when, ctx) in (Outcome.MET, Outcome.UNKNOWN)


def condition_tests(condition: Condition) -> tuple[str, ...]:
    return (condition.test,) if condition.test else condition.all or condition.any


def evaluate_condition(condition: Condition, ctx: Context) -> Outcome:
    if not condition.applies_on(ctx.on):
        return Outcome.NA
    gate = _gate(condition.when, ctx)
    if gate in (Outcome.NOT_MET, Outcome.NA, Outcome.SKIPPED):
        return Outcome.NA if gate is not Outcome.SKIPPED else Outcome.SKIPPED
    outcomes = [evaluate(compile_expr(text), ctx) for text in condition_tests(condition)]
    result = combine_any(outcomes) if condition.any else combine_all(outcomes)
    if gate is Outcome.UNKNOWN and result is Outcome.NOT_MET:
        return Outcome.UNKNOWN  # it fails only if it applies, and we do not know that
    return result


# --- the path through the questions -------------------------------------------------------
def _walk(
    flow: Flow, answers: Mapping[str, Any], today: date, on: date, estimate: bool = False
) -> Iterator[tuple[Step, bool]]:
    """Yield (step, answered) for the steps on the user's path, stopping after a stop_if.

    With `estimate`, steps whose `when` depends on questions not answered yet are counted too
    (for "question 3 of 7")."""
    kept: dict[str, Any] = {}
    for step in flow.steps:
        ctx = Context(flow, kept, today, on)
        gate = _gate(step.when, ctx)
        wanted = ASKED_OR_PENDING if estimate else ASKED
        if gate not in wanted:
            continue
        if step.id not in answers:
            yield step, False
            continue
        kept[step.id] = answers[step.id]
        yield step, True
        if step.stop_if:
            stop = evaluate(compile_expr(step.stop_if), Context(flow, kept, today, on))
            if stop is Outcome.MET:
                return


def pending_step(flow: Flow, answers: Mapping[str, Any], today: date, on: date) -> Step | None:
    """The first question on the path still without an answer; None = time for the recap."""
    return next((step for step, answered in _walk(flow, answers, today, on) if not answered), None)


def path(
    flow: Flow, answers: Mapping[str, Any], today: date, on: date, estimate: bool = False
) -> list[Step]:
    """The steps on the user's path (answered or not), in order."""
    return [step for step, _ in _walk(flow, answers, today, on, estimate)]


def prune(flow: Flow, answers: Mapping[str, Any], today: date, on: date) -> dict[str, Any]:
    """Only the answers on the current path (a changed answer may skip later questions)."""
    return {s.id: answers[s.id] for s, answered in _walk(flow, answers, today, on) if answered}


# --- the verdict --------------------------------------------------------------------------
@dataclass(frozen=True)
class ConditionResult:
    id: str
    outcome: Outcome
    condition: Condition | None  # None for the "measure closed" condition
    steps: tuple[str, ...] = ()  # the answers the test reads
    # Parameters read by the test with no documented value for the period checked, each with
    # the last value documented before it (None if there is none): such a condition is never
    # "not met" (❌), only unknown (⚠️), and the verdict says what the old rule said.
    gaps: tuple[tuple[str, DatedValue | None], ...] = ()
    was: Outcome | None = None  # the outcome under the last documented rule, when there is a gap


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    results: tuple[ConditionResult, ...]
    today: date
    on: date
    closed: bool
    rules_from: date
    params: tuple[tuple[str, DatedValue | None], ...] = field(default_factory=tuple)

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]

    @property
    def failing(self) -> list[str]:
        return [r.id for r in self.results if r.outcome is Outcome.NOT_MET]

    @property
    def unknown(self) -> list[str]:
        return [r.id for r in self.results if r.outcome in (Outcome.UNKNOWN, Outcome.SKIPPED)]


def referenced(condition: Condition, flow: Flow | None = None) -> tuple[list[str], list[str]]:
    """(step ids, parameter names) read by a condition's tests, in order, without repeats.

    A parameter that depends on an answer (`by:`) reads that answer too (e.g. the household)."""
    steps: list[str] = []
    params: list[str] = []
    for text in condition_tests(condition):
        expr = compile_expr(text)
        if expr.answer not in steps:
            steps.append(expr.answer)
        if expr.param and expr.param not in params:
            params.append(expr.param)
            by = flow.parameters[expr.param].by if flow and expr.param in flow.parameters else None
            if by and by not in steps:
                steps.append(by)
    return steps, params


def checked_day(flow: Flow, today: date, on: date | None = None) -> date:
    """The day a verdict speaks about: today, unless another period was asked for explicitly
    (test cases, editors) or the measure is closed (its verdict is historical)."""
    default = evaluation_date(flow, today)
    closed = flow.status == "closed" and flow.closed_on is not None and today > flow.closed_on
    if closed or (on is not None and on != default):
        return on or default
    return today


def _gaps(flow: Flow, params: list[str], day: date) -> tuple[tuple[str, DatedValue | None], ...]:
    return tuple(
        (name, last_documented(flow.parameters[name], day))
        for name in params
        if not documented_on(flow.parameters[name], day)
    )


def decide(flow: Flow, answers: Mapping[str, Any], today: date, on: date | None = None) -> Verdict:
    """Evaluate every condition and choose the verdict (policy in docs/flows.md).

    A condition that reads a parameter with no documented value for the day checked is never
    "not met": it is unknown, with the outcome under the last documented rule in `was`."""
    day = checked_day(flow, today, on)
    on = on or evaluation_date(flow, today)
    ctx = Context(flow, answers, today, on)
    closed = flow.status == "closed" and flow.closed_on is not None and today > flow.closed_on
    results: list[ConditionResult] = []
    if closed:
        results.append(ConditionResult(CLOSED_CONDITION, Outcome.NOT_MET, None))
    used: dict[str, DatedValue | None] = {}
    starts: list[date] = []
    for condition in flow.conditions:
        outcome = evaluate_condition(condition, ctx)
        if outcome is Outcome.NA:
            continue
        steps, params = referenced(condition, flow)
        gaps = _gaps(flow, params, day)
        was = None
        if gaps and outcome in (Outcome.NOT_MET, Outcome.UNKNOWN):
            documented = [g.from_ for _, g in gaps if g is not None]
            if documented:
                was = evaluate_condition(condition, Context(flow, answers, today, max(documented)))
            outcome = Outcome.UNKNOWN
        results.append(ConditionResult(condition.id, outcome, condition, tuple(steps), gaps, was))
        if condition.from_:
            starts.append(condition.from_)
        for name in params:
            used[name] = resolve(flow.parameters[name], on)
            if used[name] is not None:
                starts.append(used[name].from_)  # type: ignore[union-attr]
    outcomes = {r.outcome for r in results}
    kind: VerdictKind
    if Outcome.NOT_MET in outcomes:
        kind = "fail"
    elif outcomes & {Outcome.UNKNOWN, Outcome.SKIPPED}:
        kind = "unsure"
    elif on == today and documented_today(flow, today) and not closed:
        kind = "ok"
    else:
        kind = "outdated"
    return Verdict(
        kind=kind,
        results=tuple(results),
        today=today,
        on=on,
        closed=closed,
        rules_from=max(starts, default=on),
        params=tuple(used.items()),
    )


def range_decides(
    flow: Flow, answers: Mapping[str, Any], step_id: str, low: Any, high: Any, today: date, on: date
) -> bool:
    """True when a test reading `step_id` comes out differently at the two ends of a range
    (e.g. a birth "in ottobre 2025" against a 12-month limit): then the exact value is needed."""
    for condition in flow.conditions:
        for text in condition_tests(condition):
            expr = compile_expr(text)
            if expr.answer != step_id:
                continue
            outcomes = {
                evaluate(expr, Context(flow, {**answers, step_id: end}, today, on))
                for end in (low, high)
            }
            if outcomes == {Outcome.MET, Outcome.NOT_MET}:
                return True
    return False
