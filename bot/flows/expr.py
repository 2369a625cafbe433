"""The small expression language of flow conditions, branching and early stops.

One comparison per expression, written for editors rather than programmers:

    isee <= param.isee_max                  # an answer against a dated parameter
    resident_years >= 2                     # ... or a number
    pregnant == yes                         # yes_no answers are yes / no
    household in [alone, family]            # option ids of a choice step
    months_since(child_birth) <= param.child_age_max_months
    child_birth >= 2013-01-01

Left: a step id, or months_since(step) / years_since(step) for a date step (completed months or
years until today). Right: param.NAME, a number, a date (YYYY-MM-DD), a word (an option id,
yes, no) or a list of words in [brackets]. Several expressions combine with `all:` / `any:`
in the YAML. Evaluation is three-valued: an answer "non lo so" makes the result unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "in", "not in")
ORDERING = frozenset({"<=", ">=", "<", ">"})
FUNCTIONS = frozenset({"months_since", "years_since"})

_EXPR = re.compile(
    r"^\s*(?P<left>[a-z_][a-z0-9_]*(?:\s*\(\s*[a-z_][a-z0-9_]*\s*\))?)\s*"
    r"(?P<op>==|!=|<=|>=|<|>|\bnot\s+in\b|\bin\b)\s*(?P<right>\S.*?)\s*$"
)
_CALL = re.compile(r"^(?P<func>[a-z_]+)\s*\(\s*(?P<arg>[a-z_][a-z0-9_]*)\s*\)$")
_PARAM = re.compile(r"^param\.(?P<name>[a-z][a-z0-9_]*)$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"^[a-z][a-z0-9_]*$")
_QUOTED = re.compile(r"""^(['"])(?P<text>.*)\1$""")


class ExprError(ValueError):
    """An expression that cannot be read; the message says why."""


class Outcome(StrEnum):
    """Result of a test: three values plus 'not asked' and 'does not apply'."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"  # the question was not reached (the dialogue stopped earlier)
    NA = "na"  # the question does not apply (its `when` is false): the test is ignored


@dataclass(frozen=True)
class Compare:
    """A compiled comparison."""

    source: str
    answer: str
    func: str | None
    op: str
    param: str | None = None
    literal: Any = None


@lru_cache(maxsize=1024)
def compile_expr(text: str) -> Compare:
    """Parse one expression; raise ExprError with a readable reason."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("empty expression")
    match = _EXPR.match(text)
    if not match:
        raise ExprError(
            f"cannot read {text!r}: write <answer> <operator> <value>, "
            f"operators {', '.join(OPERATORS)}"
        )
    left = match["left"].replace(" ", "")
    op = " ".join(match["op"].split())
    func: str | None = None
    answer = left
    call = _CALL.match(left)
    if call:
        func, answer = call["func"], call["arg"]
        if func not in FUNCTIONS:
            raise ExprError(f"unknown function {func!r} (use {', '.join(sorted(FUNCTIONS))})")
    param, literal = _right(match["right"], op)
    return Compare(source=text, answer=answer, func=func, op=op, param=param, literal=literal)


def _right(raw: str, op: str) -> tuple[str | None, Any]:
    raw = raw.strip()
    param = _PARAM.match(raw)
    if param:
        return param["name"], None
    if op in ("in", "not in"):
        if not (raw.startswith("[") and raw.endswith("]")):
            raise ExprError(f"'{op}' needs a list like [a, b] or a param.NAME, not {raw!r}")
        items = tuple(item.strip().strip("'\"") for item in raw[1:-1].split(",") if item.strip())
        if not items or not all(_WORD.match(item) for item in items):
            raise ExprError(f"the list {raw!r} must contain option ids (lower-case words)")
        return None, items
    if _DATE.match(raw):
        try:
            return None, date.fromisoformat(raw)
        except ValueError as exc:
            raise ExprError(f"{raw!r} is not a real date") from exc
    if _NUMBER.match(raw):
        return None, float(raw)
    quoted = _QUOTED.match(raw)
    if quoted:
        return None, quoted["text"]
    if _WORD.match(raw):
        return None, raw
    raise ExprError(f"cannot read the value {raw!r}: use param.NAME, a number, a date or a word")


def as_tuple(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """`when:` accepts one expression or a list of them (all must hold)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def combine_all(outcomes: list[Outcome]) -> Outcome:
    """Kleene AND, ignoring tests that do not apply."""
    present = [o for o in outcomes if o is not Outcome.NA]
    for outcome in (Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.SKIPPED, Outcome.MET):
        if outcome in present:
            return outcome
    return Outcome.NA


def combine_any(outcomes: list[Outcome]) -> Outcome:
    """Kleene OR, ignoring tests that do not apply."""
    present = [o for o in outcomes if o is not Outcome.NA]
    for outcome in (Outcome.MET, Outcome.UNKNOWN, Outcome.SKIPPED, Outcome.NOT_MET):
        if outcome in present:
            return outcome
    return Outcome.NA


def completed_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (born 20/11/2025: 12 months on 20/11/2026)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def compare_values(left: Any, op: str, right: Any) -> bool:
    """Apply one operator to two plain values (numbers, dates, strings, lists)."""
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<=":
        return bool(left <= right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left > right)
