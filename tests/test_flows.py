"""Eligibility flows: the YAML test cases (tests/flow_cases) and the shipped flows' validity."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from bot.flows import MARKERS, FlowEngine, load_flows
from bot.flows.cases import FlowCase, evaluate_case, load_cases, play_case, stored_answer
from bot.flows.rules import decide
from bot.models import SafeLoader  # libyaml's loader when available
from bot.store import SQLiteStore
from bot.texts import Texts

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
CASES = load_cases(Path(__file__).parent / "flow_cases")
FLOW_IDS = {"nasko", "cresco", "bonus-famiglia", "time-saving", "aderire"}
VERDICT_MARKERS = ("✅", "❌", "⚠️")


@lru_cache(maxsize=1)
def ui_texts() -> Texts:
    """The UI texts, parsed once (0.3 s each time; Texts is read-only)."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted((KNOWLEDGE / "ui").glob("*.yaml")):
        merged.update(yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)["texts"])
    return Texts(merged)


@pytest.fixture(scope="module")
def flows():
    loaded, problems = load_flows(KNOWLEDGE)
    assert problems == []
    return loaded


def test_shipped_flows_are_valid_and_complete(flows) -> None:
    assert set(flows) == FLOW_IDS


def test_enough_cases_per_flow() -> None:
    counts = Counter(case.flow for case in CASES)
    for flow_id in ("nasko", "cresco", "bonus-famiglia"):
        assert counts[flow_id] >= 8, flow_id
    for flow_id in ("time-saving", "aderire"):
        assert counts[flow_id] >= 4, flow_id


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.flow}: {c.name}")
def test_case_rules(flows, case: FlowCase) -> None:
    verdict = evaluate_case(flows[case.flow], case)
    assert verdict.marker == case.expect
    assert sorted(verdict.failing) == sorted(case.failing)
    if case.unknown is not None:
        assert sorted(verdict.unknown) == sorted(case.unknown)


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.flow}: {c.name}")
def test_case_dialogue(flows, case: FlowCase, lang: str, tmp_path: Path) -> None:
    """The same case through the real dialogue: buttons, typed answers, recap, verdict."""
    if case.lang and case.lang != lang:
        pytest.skip(f"typed answers written in {case.lang}")
    store = SQLiteStore(tmp_path)
    engine = FlowEngine(flows, ui_texts(), store, today=lambda: case.today, evaluation_date=case.on)
    reply = play_case(engine, store, flows[case.flow], case, chat_id=42, lang=lang)
    assert reply.status == "verdict"
    assert reply.text.startswith(case.expect + " ")
    assert sum(reply.text.count(marker) for marker in VERDICT_MARKERS) == 1
    crossed = [line for line in reply.text.splitlines() if line.startswith("✘ ")]
    assert len(crossed) == len(case.failing)
    assert len(reply.text) <= 4096
    assert store.get_state(42) is None  # the answers are deleted with the verdict
    for button in reply.all_buttons():
        assert button.data.startswith("f:") and len(button.data.encode()) <= 64


def test_markers_are_the_contract() -> None:
    assert set(MARKERS.values()) == set(VERDICT_MARKERS)


def test_threshold_change_is_a_yaml_edit(tmp_path: Path) -> None:
    """Raising NASKO's ISEE threshold in the YAML changes the verdict, no code involved."""
    shutil.copytree(KNOWLEDGE / "flows", tmp_path / "flows")
    path = tmp_path / "flows" / "nasko.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("family: 9000", "family: 10000"), encoding="utf-8"
    )
    flows, problems = load_flows(tmp_path)
    assert problems == []
    nasko = flows["nasko"]
    answers = {
        "pregnant": "yes",
        "gave_up": "yes",
        "resident": "yes",
        "resident_years": 3,
        "household": "family",
        "isee": 9500,
        "project": "yes",
    }
    verdict = decide(nasko, answers, date(2026, 11, 20))
    assert verdict.failing == [] and verdict.marker == "⚠️"


def test_latest_documented_period_is_the_default(flows) -> None:
    """CRESCO: 2015 rules by default (ISEE 8,000 passes); the 2013 rules on request (it fails)."""
    cresco = flows["cresco"]
    answers = {
        "born": "yes",
        "child_birth": "2026-09-01",
        "resident": "yes",
        "resident_years": 3,
        "isee": 8000,
        "nasko_same_child": "no",
    }
    today = date(2026, 11, 20)
    assert decide(cresco, answers, today).failing == []
    assert decide(cresco, answers, today, on=date(2014, 6, 1)).failing == ["isee"]


def test_case_answers_are_normalised(flows) -> None:
    step = flows["nasko"].step("pregnant")
    assert stored_answer(step, True) == "yes" and stored_answer(step, False) == "no"
