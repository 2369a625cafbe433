"""Run an evaluation set (format: docs/contracts.md) on the default matcher and the baseline.

The base format (q, expect, any, all) is the project's contract; the conversation sets add
optional fields that the judge honours when present: `none` (strings the reply must not hold),
`act` (the dialogue act, for the per-act figures), `tags` (categories), `offer` (the guided
check the reply must offer), `lang` (the reply's language). `any`/`all`/`none` are matched,
case-insensitively, on the reply as a person receives it: the visible text plus the details.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.brain import Brain
from bot.models import SafeLoader
from bot.reply import Reply

# Shipped with the package, so `eval` works installed; the full sets live in tests/eval/.
DEFAULT_EVAL_FILE = Path(__file__).resolve().parent / "data" / "eval-sample.yaml"
MATCHERS = ("default", "baseline")
STATUSES = ("answer", "clarify", "fallback", "smalltalk")


@dataclass(frozen=True)
class Case:
    q: str
    expect: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    act: str = "question"
    tags: tuple[str, ...] = ()
    offer: str | None = None
    lang: str | None = None


@dataclass
class Outcome:
    case: Case
    reply: Reply
    ok: bool

    @property
    def place_replaced_topic(self) -> bool:
        """A place+topic question answered wrongly with the place's ATS card."""
        return (
            not self.ok
            and "place_topic" in self.case.tags
            and (self.reply.entry or "").startswith("ats:")
        )

    @property
    def one_option_clarify(self) -> bool:
        return self.reply.status == "clarify" and len(self.reply.options) < 2


@dataclass
class MatcherResult:
    matcher: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def chosen(
        self,
        expect: str | None = None,
        lang: str | None = None,
        act: str | None = None,
        tag: str | None = None,
    ) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if (expect is None or o.case.expect == expect)
            and (lang is None or (o.case.lang or o.reply.lang) == lang)
            and (act is None or o.case.act == act)
            and (tag is None or tag in o.case.tags)
        ]

    def accuracy(self, expect: str | None = None, **filters: str | None) -> tuple[int, int]:
        chosen = self.chosen(expect, **filters)
        return sum(o.ok for o in chosen), len(chosen)

    def lengths(self) -> tuple[int, int]:
        """Median and 90th percentile length of the first message of content answers."""
        sizes = sorted(len(o.reply.plain_text) for o in self.outcomes if o.reply.status == "answer")
        if not sizes:
            return 0, 0
        return int(statistics.median(sizes)), sizes[min(len(sizes) - 1, int(0.9 * len(sizes)))]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in value or [])


def load_cases(path: Path) -> list[Case]:
    data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or []
    return [
        Case(
            q=str(item["q"]),
            expect=str(item.get("expect", "answer")),
            any=_strings(item.get("any")),
            all=_strings(item.get("all")),
            none=_strings(item.get("none")),
            act=str(item.get("act", "question")),
            tags=_strings(item.get("tags")),
            offer=item.get("offer"),
            lang=item.get("lang"),
        )
        for item in data
    ]


def judge(case: Case, reply: Reply) -> bool:
    """Whether the reply is what the case expects (status, strings, offer, language)."""
    if case.expect in STATUSES and reply.status != case.expect:
        return False
    text = (reply.plain_text + "\n" + reply.plain_details).lower()
    if case.any and not any(s.lower() in text for s in case.any):
        return False
    if not all(s.lower() in text for s in case.all):
        return False
    if any(s.lower() in text for s in case.none):
        return False
    if case.offer and f"f:start:{case.offer}" not in {b.data for b in reply.all_buttons()}:
        return False
    return case.lang is None or reply.lang == case.lang


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
    first = results[0] if results else MatcherResult("none")
    print(f"evaluation set: {path} ({len(first.outcomes)} cases)")
    print(f"{'':30}" + "".join(f"{r.matcher:>22}" for r in results))
    rows: list[tuple[str, dict[str, str]]] = [
        ("in-scope (expect answer)", {"expect": "answer"}),
        ("out-of-scope (fallback)", {"expect": "fallback"}),
        ("smalltalk", {"expect": "smalltalk"}),
        ("clarify", {"expect": "clarify"}),
        ("any", {"expect": "any"}),
        ("answer, Italian", {"expect": "answer", "lang": "it"}),
        ("answer, English", {"expect": "answer", "lang": "en"}),
        ("fallback, Italian", {"expect": "fallback", "lang": "it"}),
        ("fallback, English", {"expect": "fallback", "lang": "en"}),
    ]
    acts = sorted({o.case.act for o in first.outcomes})
    tags = sorted({t for o in first.outcomes for t in o.case.tags})
    if len(acts) > 1:
        rows += [(f"act: {act}", {"act": act}) for act in acts]
    rows += [(f"tag: {tag}", {"tag": tag}) for tag in tags]
    rows.append(("overall", {}))
    for label, filters in rows:
        print(f"{label:30}" + "".join(f"{_pct(r.accuracy(**filters)):>22}" for r in results))
    figures: list[tuple[str, Callable[[MatcherResult], str]]] = [
        ("first message median/p90", lambda r: "{} / {} chars".format(*r.lengths())),
        ("one-option clarifies", lambda r: str(sum(o.one_option_clarify for o in r.outcomes))),
        (
            "place card replaced topic",
            lambda r: str(sum(o.place_replaced_topic for o in r.outcomes)),
        ),
        ("ms per question", lambda r: f"{1000 * r.seconds / max(len(r.outcomes), 1):.2f}"),
    ]
    for label, figure in figures:
        print(f"{label:30}" + "".join(f"{figure(r):>22}" for r in results))
    if show_failures:
        for result in results[:1]:
            print(f"\nfailures of the {result.matcher} matcher:")
            for outcome in result.outcomes:
                if not outcome.ok:
                    reply = outcome.reply
                    print(
                        f"- [{outcome.case.expect} -> {reply.status} {reply.entry} "
                        f"{reply.score:.0f} {reply.lang}] {outcome.case.q}"
                    )
