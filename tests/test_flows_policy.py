"""A verdict is never surer than its sources: a property test over every flow, parameter and
period (hypothesis), plus the loader's refusal of an `active` flow with undocumented rules."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.flows import load_flows
from bot.flows.expr import Outcome
from bot.flows.parsing.base import approx
from bot.flows.rules import (
    checked_day,
    decide,
    documented_on,
    evaluation_date,
    prune,
    referenced,
)
from bot.flows.schema import UNKNOWN, Flow, Step

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
FLOWS, PROBLEMS = load_flows(KNOWLEDGE)


def period_days(flow: Flow) -> list[date]:
    """Every boundary of every parameter's periods: its first day, last day, the day after."""
    days = {flow.as_of, date(2026, 11, 20)}
    for param in flow.parameters.values():
        for value in param.values:
            days |= {value.from_, value.from_ - timedelta(days=1)}
            if value.to:
                days |= {value.to, value.to + timedelta(days=1)}
    return sorted(days)


def numbers(flow: Flow, step: Step) -> list[float]:
    """Figures around every threshold a parameter gives (and plain ones)."""
    found: list[float] = [0, 1, 2, 3, 5, 12, 9000, 15000, 22000, 100000]
    for param in flow.parameters.values():
        for value in param.values:
            items = value.value.values() if isinstance(value.value, dict) else [value.value]
            for item in items:
                if isinstance(item, (int, float)) and not isinstance(item, bool):
                    found += [item - 1, item - 0.01, item, item + 0.01, item + 1]
    top = step.max if step.max is not None else 1e6
    return [n for n in found if 0 <= n <= top]


def answer_strategy(flow: Flow, step: Step) -> st.SearchStrategy[Any]:
    unknown = st.just(UNKNOWN)
    if step.type == "yes_no":
        return st.sampled_from(["yes", "no", UNKNOWN])
    if step.type == "choice":
        return st.sampled_from([o.id for o in step.options] + [UNKNOWN])
    if step.type in ("money", "number", "years", "age"):
        plain = st.sampled_from(numbers(flow, step))
        ranged = st.builds(
            lambda x, kind: approx(kind, x, x * 0.9, x * 1.1 if kind != "over" else None),
            st.sampled_from(numbers(flow, step)),
            st.sampled_from(["about", "almost", "just_over", "over", "under"]),
        )
        return st.one_of(plain, ranged, unknown)
    if step.type == "date":
        days = st.dates(date(2009, 1, 1), date(2031, 12, 31)).map(date.isoformat)
        month = st.dates(date(2009, 1, 1), date(2031, 11, 30)).map(
            lambda d: approx("month", d.isoformat(), d.isoformat(), (d + timedelta(27)).isoformat())
        )
        return st.one_of(days, month, unknown)
    return st.just({"text": "Milano"})


def answers_strategy(flow: Flow) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={step.id: answer_strategy(flow, step) for step in flow.steps},
    )


def check_policy(flow: Flow, answers: dict[str, Any], today: date, on: date | None) -> str:
    """The verdict's kind, after checking the policy on it."""
    rules_on = on or evaluation_date(flow, today)
    verdict = decide(flow, prune(flow, answers, today, rules_on), today, on)
    day = checked_day(flow, today, on)
    resting = []
    for result in verdict.results:
        if result.outcome is not Outcome.NOT_MET or result.condition is None:
            continue
        params = referenced(result.condition, flow)[1]
        for name in params:
            assert documented_on(flow.parameters[name], day), (
                f"{flow.id}: condition '{result.id}' fails on parameter '{name}', "
                f"not documented on {day}"
            )
        resting.append(result.id)
    if verdict.kind == "fail" and not verdict.closed:
        assert resting, "a ❌ must rest on a condition that fails under documented rules"
    return verdict.kind


def test_flows_load() -> None:
    assert PROBLEMS == [] and len(FLOWS) == 5


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_fail_rests_on_an_undocumented_parameter(flow_id: str, data: st.DataObject) -> None:
    flow = FLOWS[flow_id]
    days = period_days(flow)
    today = data.draw(
        st.one_of(st.sampled_from(days), st.dates(date(2010, 1, 1), date(2030, 12, 31)))
    )
    on = data.draw(st.one_of(st.none(), st.sampled_from(days)))
    answers = data.draw(answers_strategy(flow))
    check_policy(flow, answers, today, on)


def test_walk_every_flow_parameter_and_period() -> None:
    """Deterministic: every period boundary of every parameter, as the day of the check and as
    an explicit period, with answers at every threshold: the policy holds, and the walk does
    meet both documented ❌ and ❌ turned into ⚠️ (it is not vacuous)."""
    kinds: dict[str, set[str]] = {}
    downgraded = 0
    for flow in FLOWS.values():
        for day in period_days(flow):
            for on in (None, day):
                for step in flow.steps:
                    if step.type in ("comune", "text", "date"):
                        continue
                    if step.type == "choice":
                        values: list[Any] = [o.id for o in step.options]
                    elif step.type == "yes_no":
                        values = ["yes", "no"]
                    else:
                        values = numbers(flow, step)
                    for value in values:
                        answers = base_answers(flow)
                        answers[step.id] = value
                        kind = check_policy(flow, answers, day, on)
                        kinds.setdefault(flow.id, set()).add(kind)
                        verdict = decide(flow, answers, day, on)
                        downgraded += sum(
                            1 for r in verdict.results if r.was is Outcome.NOT_MET and r.gaps
                        )
    assert all("fail" in found for found in kinds.values()), kinds
    assert downgraded > 0


def base_answers(flow: Flow) -> dict[str, Any]:
    """A profile meeting the usual conditions, to vary one answer at a time."""
    defaults = {
        "yes_no": "yes",
        "money": 1000,
        "number": 2,
        "years": 10,
        "age": 30,
        "date": "2026-10-01",
        "comune": {"text": "Milano"},
        "text": "x",
    }
    answers: dict[str, Any] = {}
    for step in flow.steps:
        if step.type == "choice":
            answers[step.id] = step.options[0].id
        else:
            answers[step.id] = defaults[step.type]
    answers.update(
        {k: v for k, v in {"gave_up": "yes", "nasko_same_child": "no", "lead_rete": "no"}.items()}
    )
    return answers


def test_known_cases_of_the_issue() -> None:
    today = date(2026, 11, 20)
    saving = FLOWS["time-saving"]
    five = {"role": "owner", "sector": "craft", "employees": 5}
    verdict = decide(saving, five, today)
    size = next(r for r in verdict.results if r.id == "size")
    assert verdict.kind == "unsure" and size.outcome is Outcome.UNKNOWN
    last = size.gaps[0][1]
    assert size.was is Outcome.NOT_MET and last is not None and last.value == 3
    assert decide(saving, five, today, date(2018, 3, 1)).kind == "fail"  # 2017-18 rules
    join = FLOWS["aderire"]
    company = {
        "goal": "alleanza",
        "org_type": "company",
        "territory": "yes",
        "lead_alleanza": "yes",
    }
    assert decide(join, company, today).kind == "unsure"
    assert decide(join, company, date(2021, 3, 1)).kind == "fail"  # 2020-2023 in force then
    closed = FLOWS["bonus-famiglia"]
    assert decide(closed, {"situation": "pregnant"}, today).kind == "fail"  # historical verdict


def test_loader_refuses_an_active_flow_with_undocumented_rules(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    path = folder / "flows" / "time-saving.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["status"] = "active"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    flows, problems = load_flows(folder)
    assert "time-saving" not in flows
    assert any("parameters.max_employees" in p and "status 'active'" in p for p in problems)
