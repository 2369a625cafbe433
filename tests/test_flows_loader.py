"""Validation of knowledge/flows/*.yaml: one readable line per problem; UI texts complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.flows import load_flows
from bot.flows.expr import ExprError, compile_expr

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
LINE = re.compile(r"^knowledge/flows/[\w-]+\.yaml: flow '[^']+': field '[^']+': .+$")

MINIMAL = {
    "id": "demo",
    "title": {"it": "Prova", "en": "Demo"},
    "intro": {"it": "Intro", "en": "Intro"},
    "audience": "families",
    "as_of": "2015-02-01",
    "decides": {"it": "il consultorio", "en": "the consultorio"},
    "parameters": {
        "isee_max": {
            "label": {"it": "ISEE massimo", "en": "Maximum ISEE"},
            "unit": "eur",
            "values": [
                {"from": "2013-01-01", "to": "2014-12-31", "value": 7700, "ref": "DGR prova"},
                {"from": "2015-01-01", "value": 9000, "ref": "DGR prova 2"},
            ],
        },
    },
    "steps": [
        {
            "id": "isee",
            "type": "money",
            "question": {"it": "ISEE?", "en": "ISEE?"},
            "recap": {"it": "ISEE", "en": "ISEE"},
        },
    ],
    "conditions": [
        {
            "id": "isee",
            "label": {"it": "ISEE fino a {isee_max}", "en": "ISEE up to {isee_max}"},
            "test": "isee <= param.isee_max",
        },
    ],
    "contacts": [{"it": "Consultorio", "en": "Consultorio"}],
    "sources": [{"title": "Fonte di prova", "url": "https://example.org"}],
}


def write_flow(tmp_path: Path, data: dict, name: str = "demo") -> list[str]:
    folder = tmp_path / "knowledge" / "flows"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_flows(tmp_path / "knowledge")[1]


def variant(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    for dotted, value in changes.items():
        target = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return data


def test_minimal_flow_is_valid(tmp_path: Path) -> None:
    assert write_flow(tmp_path, MINIMAL) == []


@pytest.mark.parametrize(
    "changes,field,words",
    [
        ({"title": {"it": "Solo italiano"}}, "title.en", "required"),
        ({"conditions__0__test": "reddito <= param.isee_max"}, "conditions.0.test.0", "not a step"),
        (
            {"conditions__0__test": "isee <= param.soglia"},
            "conditions.0.test.0",
            "unknown parameter",
        ),
        ({"conditions__0__test": "isee maggiore 3"}, "conditions.0.test.0", "cannot read"),
        (
            {"conditions__0__label": {"it": "ISEE fino a {soglia}", "en": "ISEE up to {soglia}"}},
            "conditions.0.label",
            "not a parameter",
        ),
        (
            {"conditions__0__label": {"it": "✅ ISEE", "en": "ISEE"}},
            "conditions.0.label.it",
            "no ✅ ❌ ⚠️",
        ),
        (
            {"parameters__isee_max__values__1__from": "2014-06-01"},
            "parameters.isee_max.values",
            "overlap",
        ),
        (
            {"parameters__isee_max__values__0__value": "settemila"},
            "parameters.isee_max.values.0.value",
            "needs a number",
        ),
        ({"steps__0__type": "choice"}, "steps.0", "at least 2 options"),
        ({"id": "Demo!"}, "id", "lower-case"),
        ({"status": "closed"}, "-", "closed_on"),
        ({"sources": []}, "sources", "at least 1"),
        ({"stepz": []}, "stepz", "unknown field"),
    ],
)
def test_problems_name_file_flow_and_field(
    tmp_path: Path, changes: dict, field: str, words: str
) -> None:
    problems = write_flow(tmp_path, variant(**changes))
    assert problems, "expected a problem"
    assert all(LINE.match(p) for p in problems), problems
    assert any(f"field '{field}'" in p and words in p for p in problems), problems


def test_yes_no_option_ids_must_be_quoted(tmp_path: Path) -> None:
    data = variant(
        steps__0={
            "id": "pick",
            "type": "choice",
            "question": {"it": "?", "en": "?"},
            "recap": {"it": "r", "en": "r"},
            "options": [
                {"id": True, "label": {"it": "Sì", "en": "Yes"}},
                {"id": "maybe", "label": {"it": "Forse", "en": "Maybe"}},
            ],
        }
    )
    problems = write_flow(tmp_path, data)
    assert any("quotes" in p for p in problems)


def test_when_must_refer_to_an_earlier_step(tmp_path: Path) -> None:
    data = variant()
    data["steps"].insert(
        0,
        {
            "id": "first",
            "type": "yes_no",
            "question": {"it": "?", "en": "?"},
            "recap": {"it": "r", "en": "r"},
            "when": "isee <= 3",
        },
    )
    problems = write_flow(tmp_path, data)
    assert any("not asked before this step" in p for p in problems)


def test_file_name_must_match_the_id(tmp_path: Path) -> None:
    problems = write_flow(tmp_path, MINIMAL, name="other")
    assert any("file name must be the flow id" in p for p in problems)


def test_invalid_yaml_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge" / "flows"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("id: broken\nsteps: [\n", encoding="utf-8")
    flows, problems = load_flows(tmp_path / "knowledge")
    assert flows == {} and len(problems) == 1 and "not valid YAML" in problems[0]
    assert problems[0].startswith("knowledge/flows/broken.yaml: flow '-'")


def test_missing_folder_gives_nothing(tmp_path: Path) -> None:
    assert load_flows(tmp_path) == ({}, [])


@pytest.mark.parametrize(
    "text", ["isee <=", "isee <= param.", "isee in 3", "f(isee) < 3", "isee == 2024-02-30"]
)
def test_bad_expressions(text: str) -> None:
    with pytest.raises(ExprError):
        compile_expr(text)


def test_expressions() -> None:
    expr = compile_expr("months_since(child_birth) <= param.child_age_max_months")
    assert (expr.func, expr.answer, expr.op, expr.param) == (
        "months_since",
        "child_birth",
        "<=",
        "child_age_max_months",
    )
    assert compile_expr("org in [public, nonprofit]").literal == ("public", "nonprofit")
    assert compile_expr("org not in [company]").op == "not in"
    assert compile_expr("years >= 2").literal == 2.0


def test_every_ui_text_the_engine_uses_exists_in_both_languages() -> None:
    texts = yaml.safe_load((KNOWLEDGE / "ui" / "flows.yaml").read_text(encoding="utf-8"))["texts"]
    assert all(set(value) == {"it", "en"} for value in texts.values())
    used: set[str] = set()
    for path in (ROOT / "bot" / "flows").glob("*.py"):
        used |= set(re.findall(r'"(flows\.[a-z_.]+[a-z_])"', path.read_text(encoding="utf-8")))
    dynamic = {f"flows.verdict.head.{k}" for k in ("ok", "fail", "unsure", "outdated", "closed")}
    dynamic |= {f"flows.verdict.reason.{k}" for k in ("ok", "fail", "unsure", "outdated", "closed")}
    dynamic |= {f"flows.answer.{k}" for k in ("yes", "no")}
    dynamic |= {
        f"flows.invalid.{k}"
        for k in (
            "yes_no",
            "choice",
            "money",
            "money_words",
            "negative",
            "too_high",
            "too_low",
            "number",
            "years",
            "years_is_year",
            "age",
            "date",
            "date_impossible",
            "date_future",
            "date_too_old",
            "text",
        )
    }
    missing = sorted((used | dynamic) - set(texts))
    assert missing == []
    assert not any(
        m in value[lang] for value in texts.values() for lang in ("it", "en") for m in ("✅", "❌")
    )


def test_shipped_flows_have_both_languages_everywhere() -> None:
    flows, problems = load_flows(KNOWLEDGE)
    assert problems == []
    for flow in flows.values():
        for step in flow.steps:
            assert step.question.it != step.question.en
