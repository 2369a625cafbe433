"""Load and check knowledge/flows/*.yaml; every problem is one line: file, flow, field, what.

`load_flows` returns the valid flows and the problem lines, so the knowledge validator can merge
them with its own (`conciliazione-bot validate`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.flows.callbacks import (
    DATA_CANCEL,
    data_answer,
    data_back,
    data_edit,
    data_ok,
    data_pick,
    data_start,
)
from bot.flows.expr import ORDERING, Compare, ExprError, as_tuple, compile_expr
from bot.flows.places import MAX_PICK
from bot.flows.rules import CLOSED_CONDITION, MARKERS, referenced
from bot.flows.schema import NUMERIC_TYPES, UNKNOWN, Flow, LText, Parameter, Step
from bot.models import CONSTRUCTION_ERRORS, safe_loader, validation_problems
from bot.reply import MAX_BUTTON_DATA_BYTES as MAX_CALLBACK_BYTES
from bot.texts import placeholders

UNIT_TYPES: dict[str, tuple[type, ...]] = {
    "eur": (int, float),
    "years": (int, float),
    "months": (int, float),
    "count": (int, float),
}


def load_flows(knowledge_dir: Path) -> tuple[dict[str, Flow], list[str]]:
    """The valid flows of knowledge_dir/flows/*.yaml by id, and one line per problem."""
    flows: dict[str, Flow] = {}
    problems: list[str] = []
    folder = Path(knowledge_dir) / "flows"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        where = _where(path, Path(knowledge_dir))
        flow = _load_file(path, where, problems)
        if flow is None:
            continue
        found = list(check_flow(flow))
        if path.stem != flow.id:
            found.append(("id", f"the file name must be the flow id ({flow.id}.yaml)"))
        if flow.id in flows:
            found.append(("id", "duplicate flow id"))
        problems.extend(f"{where}: flow '{flow.id}': field '{f}': {m}" for f, m in found)
        if not found:
            flows[flow.id] = flow
    return flows, problems


def _where(path: Path, root: Path) -> str:
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return str(path)


def _load_file(path: Path, where: str, problems: list[str]) -> Flow | None:
    import yaml  # only when the YAML is read: a start from the knowledge cache reads none

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=safe_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark else ""
        problems.append(
            f"{where}: flow '-': field '-': the file is not valid YAML{line}: "
            f"{getattr(exc, 'problem', None) or exc}"
        )
        return None
    except CONSTRUCTION_ERRORS as exc:
        problems.append(
            f"{where}: flow '-': field '-': the file is not valid YAML: "
            f"a value does not fit its tag (!!...): {exc}"
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: flow '-': field '-': cannot read the file: {exc}")
        return None
    if not isinstance(data, dict):
        problems.append(
            f"{where}: flow '-': field '-': the file must be a mapping (id:, title:, steps: ...)"
        )
        return None
    flow_id = str(data.get("id", path.stem))
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, where, flow_id, kind="flow"))
        return None


# --- checks beyond the types ----------------------------------------------------------------
def check_flow(flow: Flow) -> Iterator[tuple[str, str]]:
    """(field, problem) pairs for one flow: references, expressions, texts, button data."""
    yield from _check_ids(flow)
    yield from _check_parameters(flow)
    order = {step.id: index for index, step in enumerate(flow.steps)}
    for index, step in enumerate(flow.steps):
        for n, text in enumerate(as_tuple(step.when)):
            yield from _check_expr(flow, text, f"steps.{index}.when.{n}", order, before=index)
        if step.stop_if:
            yield from _check_expr(
                flow, step.stop_if, f"steps.{index}.stop_if", order, before=index + 1
            )
        bounded = step.min is not None or step.max is not None
        if bounded and step.type in ("yes_no", "choice", "comune", "text"):
            yield f"steps.{index}", "min/max only apply to number, money, years and age steps"
    for index, condition in enumerate(flow.conditions):
        field = f"conditions.{index}"
        for n, text in enumerate(as_tuple(condition.when)):
            yield from _check_expr(flow, text, f"{field}.when.{n}", order)
        tests = (condition.test,) if condition.test else condition.all or condition.any
        for n, text in enumerate(tests):
            yield from _check_expr(flow, text, f"{field}.test.{n}", order)
        yield from _check_placeholders(flow, condition.label, f"{field}.label")
    yield from _check_texts(flow)
    yield from _check_callback_data(flow)
    yield from _check_policy(flow)


def _check_policy(flow: Flow) -> Iterator[tuple[str, str]]:
    """A verdict is never surer than its sources (docs/flows.md, "The verdict policy").

    The engine never gives ❌ on a parameter with no documented value for the day checked
    (rules.decide); an `active` flow claims its rules are in force today, so every parameter
    a condition reads must have an open-ended documented value (no `to`, not null)."""
    if flow.status != "active":
        return
    used = {name for c in flow.conditions for name in referenced(c, flow)[1]}
    for name in sorted(used & set(flow.parameters)):
        last = flow.parameters[name].values[-1]
        if last.to is not None or last.value is None:
            yield (
                f"parameters.{name}",
                "status 'active' says the rules are in force today, but this parameter's "
                "latest value is closed or null: set status to 'unknown' or document today's value",
            )


def _check_ids(flow: Flow) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    for index, step in enumerate(flow.steps):
        if step.id in seen:
            yield f"steps.{index}.id", f"duplicate step id '{step.id}'"
        seen.add(step.id)
    seen = set()
    for index, condition in enumerate(flow.conditions):
        if condition.id in seen or condition.id == CLOSED_CONDITION:
            yield f"conditions.{index}.id", f"duplicate or reserved condition id '{condition.id}'"
        seen.add(condition.id)
    if sum(1 for s in flow.steps if s.type == "comune") > 1:
        yield "steps", "at most one comune step"


def _check_parameters(flow: Flow) -> Iterator[tuple[str, str]]:
    for name, param in flow.parameters.items():
        field = f"parameters.{name}"
        by_step = flow.step(param.by) if param.by else None
        if param.by and (by_step is None or by_step.type != "choice"):
            yield f"{field}.by", f"'{param.by}' is not a choice step of this flow"
        for n, dated in enumerate(param.values):
            value = dated.value
            if value is None:
                continue
            if isinstance(value, dict):
                if by_step is None:
                    yield f"{field}.values.{n}.value", "a value by option needs 'by: <choice step>'"
                    continue
                options = {o.id for o in by_step.options}
                if set(value) != options:
                    yield (
                        f"{field}.values.{n}.value",
                        f"give one value for each option of '{by_step.id}': {sorted(options)}",
                    )
                value_items: list[Any] = list(value.values())
            else:
                value_items = [value]
            for item in value_items:
                problem = _unit_problem(param, item)
                if problem:
                    yield f"{field}.values.{n}.value", problem


def _unit_problem(param: Parameter, value: Any) -> str | None:
    expected = UNIT_TYPES.get(param.unit)
    if expected and (isinstance(value, bool) or not isinstance(value, expected)):
        return f"unit '{param.unit}' needs a number (got {value!r})"
    is_list = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if param.unit == "options" and not is_list:
        return "unit 'options' needs a list of option ids"
    if param.unit == "flag" and not isinstance(value, bool):
        return "unit 'flag' needs true or false"
    if param.unit == "date" and not hasattr(value, "isoformat"):
        return "unit 'date' needs a date (YYYY-MM-DD)"
    return None


def _check_expr(
    flow: Flow, text: str, field: str, order: dict[str, int], before: int | None = None
) -> Iterator[tuple[str, str]]:
    try:
        expr = compile_expr(text)
    except ExprError as exc:
        yield field, str(exc)
        return
    step = flow.step(expr.answer)
    if step is None:
        yield field, f"'{expr.answer}' is not a step of this flow"
        return
    if before is not None and order[step.id] >= before:
        yield field, f"'{step.id}' is not asked before this step"
    yield from _check_operands(flow, expr, step, field)


def _check_operands(flow: Flow, expr: Compare, step: Step, field: str) -> Iterator[tuple[str, str]]:
    if expr.func and step.type != "date":
        yield field, f"{expr.func}() needs a date step ('{step.id}' is {step.type})"
    numeric = step.type in NUMERIC_TYPES or bool(expr.func)
    if step.type in ("comune", "text"):
        yield field, f"'{step.id}' ({step.type}) cannot be used in a test"
    if expr.op in ORDERING and not (numeric or step.type == "date"):
        yield field, f"'{expr.op}' needs a number or a date ('{step.id}' is {step.type})"
    if expr.param is not None:
        param = flow.parameters.get(expr.param)
        if param is None:
            yield field, f"unknown parameter '{expr.param}'"
        elif expr.op in ("in", "not in") and param.unit != "options":
            yield field, f"'{expr.op}' needs a parameter with unit 'options'"
        elif param.unit == "options" and expr.op not in ("in", "not in"):
            yield field, f"parameter '{expr.param}' is a list: use 'in' or 'not in'"
        return
    literal = expr.literal
    words = literal if isinstance(literal, tuple) else (literal,)
    if step.type == "yes_no" and not set(words) <= {"yes", "no"}:
        yield field, f"'{step.id}' is a yes/no question: compare with yes or no"
    if step.type == "choice":
        options = {o.id for o in step.options}
        unknown = [w for w in words if w not in options]
        if unknown:
            yield field, f"{unknown} are not options of '{step.id}' ({sorted(options)})"
    if numeric and not isinstance(literal, float):
        yield field, f"'{step.id}' is a number: compare with a number or a param"
    if step.type == "date" and not expr.func and not hasattr(literal, "isoformat"):
        yield field, f"'{step.id}' is a date: compare with a date (YYYY-MM-DD) or a param"


def _check_placeholders(flow: Flow, text: LText, field: str) -> Iterator[tuple[str, str]]:
    names_it, names_en = placeholders(text.it), placeholders(text.en)
    if names_it != names_en:
        yield field, f"it and en use different placeholders: {sorted(names_it)}, {sorted(names_en)}"
    for name in sorted((names_it | names_en) - set(flow.parameters)):
        yield field, f"placeholder {{{name}}} is not a parameter of this flow"


def _verdict_texts(flow: Flow) -> Iterator[tuple[str, LText]]:
    yield "decides", flow.decides
    for i, c in enumerate(flow.conditions):
        yield f"conditions.{i}.label", c.label
        if c.if_not_met:
            yield f"conditions.{i}.if_not_met", c.if_not_met
    dated = (("amount", flow.amount), ("documents", flow.documents), ("notes", flow.notes))
    for name, items in dated:
        for i, item in enumerate(items):
            yield f"{name}.{i}.text", item.text
    for i, contact in enumerate(flow.contacts):
        yield f"contacts.{i}", contact
    if flow.after_closure:
        yield "after_closure", flow.after_closure
    for kind in ("ok", "fail", "unsure", "outdated"):
        text = getattr(flow.headlines, kind)
        if text:
            yield f"headlines.{kind}", text


def _check_texts(flow: Flow) -> Iterator[tuple[str, str]]:
    markers = set(MARKERS.values()) | {"⚠"}
    for field, text in _verdict_texts(flow):
        for lang in ("it", "en"):
            if any(marker in text.get(lang) for marker in markers):
                yield f"{field}.{lang}", "no ✅ ❌ ⚠️ in verdict texts: the engine adds one"
    for index, step in enumerate(flow.steps):
        if step.type == "comune" and not step.unknown:
            yield f"steps.{index}.unknown", "the comune is optional: keep the 'Salta' button"


def _check_callback_data(flow: Flow) -> Iterator[tuple[str, str]]:
    data = [
        data_start(flow.id),
        data_ok(flow.id),
        DATA_CANCEL,
        f"f:resume:{flow.id}",
        f"f:restart:{flow.id}",
    ]
    for step in flow.steps:
        values = [o.id for o in step.options] + ["yes", "no", UNKNOWN]
        data += [data_answer(flow.id, step.id, v) for v in values]
        data += [
            data_back(flow.id, step.id),
            data_edit(flow.id, step.id),
            data_pick(flow.id, step.id, MAX_PICK - 1),
            f"f:keep:{flow.id}:{step.id}",
        ]
    for item in data:
        if len(item.encode("utf-8")) > MAX_CALLBACK_BYTES:
            yield "id", f"button data {item!r} is over {MAX_CALLBACK_BYTES} bytes: shorten the ids"
