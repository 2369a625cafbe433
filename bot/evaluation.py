"""Run an evaluation set (format: docs/contracts.md) on the default matcher and the baseline."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.brain import Brain
from bot.reply import Reply

# Shipped with the package, so `eval` works installed; the full sets live in tests/eval/.
DEFAULT_EVAL_FILE = Path(__file__).resolve().parent / "data" / "eval-sample.yaml"
MATCHERS = ("default", "baseline")


@dataclass(frozen=True)
class Case:
    q: str
    expect: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()


@dataclass
class Outcome:
    case: Case
    reply: Reply
    ok: bool


@dataclass
class MatcherResult:
    matcher: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def accuracy(self, expect: str | None = None, lang: str | None = None) -> tuple[int, int]:
        chosen = [
            o
            for o in self.outcomes
            if (expect is None or o.case.expect == expect)
            and (lang is None or o.reply.lang == lang)
        ]
        return sum(o.ok for o in chosen), len(chosen)


def load_cases(path: Path) -> list[Case]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for item in data:
        cases.append(
            Case(
                q=str(item["q"]),
                expect=str(item.get("expect", "answer")),
                any=tuple(str(x) for x in item.get("any", []) or []),
                all=tuple(str(x) for x in item.get("all", []) or []),
            )
        )
    return cases


def judge(case: Case, reply: Reply) -> bool:
    text = (reply.plain_text + "\n" + reply.details).lower()
    if case.expect == "fallback":
        return reply.status == "fallback"
    if case.expect == "answer" and reply.status != "answer":
        return False
    if case.any and not any(s.lower() in text for s in case.any):
        return False
    return all(s.lower() in text for s in case.all)


def run_evaluation(
    brain: Brain, path: Path, matchers: tuple[str, ...] = MATCHERS
) -> list[MatcherResult]:
    cases = load_cases(path)
    results = []
    for matcher in matchers:
        result = MatcherResult(matcher)
        start = time.perf_counter()
        for case in cases:
            reply = brain.answer_question(case.q, None, matcher)
            result.outcomes.append(Outcome(case, reply, judge(case, reply)))
        result.seconds = time.perf_counter() - start
        results.append(result)
    return results


def _pct(pair: tuple[int, int]) -> str:
    ok, total = pair
    return f"{100.0 * ok / total:5.1f}% ({ok}/{total})" if total else "    - (0/0)"


def print_report(results: list[MatcherResult], path: Path, show_failures: bool = False) -> None:
    print(f"evaluation set: {path} ({len(results[0].outcomes) if results else 0} cases)")
    header = f"{'':28}" + "".join(f"{r.matcher:>22}" for r in results)
    print(header)
    rows = [
        ("in-scope (expect answer)", dict(expect="answer")),
        ("out-of-scope (fallback)", dict(expect="fallback")),
        ("smalltalk/any", dict(expect="any")),
        ("answer, Italian", dict(expect="answer", lang="it")),
        ("answer, English", dict(expect="answer", lang="en")),
        ("fallback, Italian", dict(expect="fallback", lang="it")),
        ("fallback, English", dict(expect="fallback", lang="en")),
        ("overall", {}),
    ]
    for label, filters in rows:
        print(f"{label:28}" + "".join(f"{_pct(r.accuracy(**filters)):>22}" for r in results))
    print(
        f"{'ms per question':28}"
        + "".join(f"{1000 * r.seconds / max(len(r.outcomes), 1):>22.2f}" for r in results)
    )
    if show_failures:
        for result in results[:1]:
            print(f"\nfailures of the {result.matcher} matcher:")
            for outcome in result.outcomes:
                if not outcome.ok:
                    print(
                        f"- [{outcome.case.expect} -> {outcome.reply.status} {outcome.reply.entry} "
                        f"{outcome.reply.score:.0f}] {outcome.case.q}"
                    )
