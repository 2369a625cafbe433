"""Grid-search the matcher's weights and thresholds on the dev evaluation set.

Usage: python benchmarks/tune_matcher.py [FILE ...]   (default: tests/eval/dev.yaml dev2.yaml)

For each combination of weights it ranks every question once, then tries every threshold
setting on those rankings. It prints the best settings by in-scope + out-of-scope accuracy.
Tune on the dev sets only; report on the held-out set (never tuned on) with
`conciliazione-bot eval tests/eval/holdout.yaml`.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import bot.matcher as m
from bot.evaluation import Case, load_cases
from bot.knowledge import Entry
from bot.knowledge_loader import _load_entries, _load_synonyms

ROOT = Path(__file__).resolve().parent.parent
DEV_SETS = ("dev.yaml", "dev2.yaml")
WEIGHT_GRID = {
    "TOKEN_WEIGHT": [0.9],
    "UNKNOWN_WORD_WEIGHT": [1.5, 1.8, 2.2],
    "DOC_WEIGHT": [1.0],
    "TIE_SHARE": [0.25],
    "GENERAL_SHARE": [0.15],
    "IDF_SMOOTHING": [2.0, 4.0],
    "KNOWN_FLOOR": [0.7],
    "LONG_QUESTION_TOKENS": [3, 4, 5],
}
THRESHOLD_GRID = {"ANSWER_THRESHOLD": range(40, 76, 2), "CLEAR_MARGIN": [0, 2, 4, 6]}


def entry_satisfies(case: Case, entry: Entry) -> bool:
    for lang in ("it", "en"):
        text = (entry.title.get(lang) + "\n" + entry.answer.get(lang)).lower()
        if (not case.any or any(s.lower() in text for s in case.any)) and all(
            s.lower() in text for s in case.all
        ):
            return True
    return False


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [ROOT / "tests" / "eval" / n for n in DEV_SETS]
    cases = [c for p in paths for c in load_cases(p) if c.expect in ("answer", "fallback")]
    problems: list[str] = []
    entries = _load_entries(ROOT / "knowledge", problems)
    synonyms = _load_synonyms(ROOT / "knowledge", problems)
    by_id = {e.id: e for e in entries}
    results = []
    names = list(WEIGHT_GRID)
    for values in itertools.product(*WEIGHT_GRID.values()):
        for name, value in zip(names, values, strict=True):
            setattr(m, name, value)
        m.FUZZ_WEIGHT = 1 - m.TOKEN_WEIGHT
        matcher = m.Matcher(entries, synonyms)
        ranked = []
        for case in cases:
            candidates = matcher.rank(case.q)[0]
            top_ok = bool(candidates) and entry_satisfies(case, by_id[candidates[0].entry_id])
            ranked.append((case, candidates, top_ok))
        for answer_t, margin in itertools.product(*THRESHOLD_GRID.values()):
            m.ANSWER_THRESHOLD, m.CLEAR_MARGIN, m.CLARIFY_THRESHOLD = answer_t, margin, answer_t - 8
            ok_in = ok_out = n_in = n_out = 0
            for case, candidates, top_ok in ranked:
                status = m.decide(candidates).status
                if case.expect == "answer":
                    n_in += 1
                    ok_in += status == "answer" and top_ok
                else:
                    n_out += 1
                    ok_out += status == "fallback"
            results.append(
                (
                    ok_in / n_in + ok_out / n_out,
                    ok_in / n_in,
                    ok_out / n_out,
                    *values,
                    answer_t,
                    margin,
                )
            )
    results.sort(reverse=True)
    print("sum    in     out    " + " ".join(names) + " ANSWER_THRESHOLD CLEAR_MARGIN")
    for row in results[:15]:
        print("  ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))


if __name__ == "__main__":
    main()
