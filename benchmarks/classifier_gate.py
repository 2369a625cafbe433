"""Does the trained classifier (bot/classifier.py), as a second opinion, help the rules?

Usage: python benchmarks/classifier_gate.py [--extra] [--historical] [--thresholds A B G]
                                            [--reuse] [--c C] [--model logistic|svc]
                                            [--cache FILE]

Leave-one-set-out over the conversation sets (never the held-out holdout18-20): for each
set S, the classifier is trained on the other sets (with the extra labelled sets when --extra), the
messages that nearly equal one of S's (rapidfuzz ratio >= 90 on folded text) removed from
training, and it predicts S. The rules' reply to every case is computed once, with the reply
the gate would give instead (the generic fallback, the small-talk reply of each act), each
judged as `conciliazione-bot eval` judges it; the gate is then simulated for a grid of
thresholds. Prints, per set, the bot's figures with the gate off and on, cases gained and lost.
--historical judges, instead of today's rules (tuned on every set), the rules of the parent of
the commit that first added each later set (FIRST_ADDED), which had never seen it. --reuse
takes the last predictions again (to try other --thresholds). Needs the `train` extra
(scikit-learn) and git. Results: docs/understanding.md, "The classifier".
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
# Never read: the held-out sets (bot/classifier.py HELD_OUT).
HELD_OUT = frozenset(
    {"conversations-holdout18.yaml", "conversations-holdout19.yaml", "conversations-holdout20.yaml"}
)
SMALLTALK_CLASSES_EXCLUDED = frozenset({"answer", "fallback"})
# The commit that first added each later set: its parent's rules never saw the set, so they
# stand for the rules on unseen messages (--historical).
FIRST_ADDED = {
    "conversations-holdout2.yaml": "518466f",
    "conversations-holdout3.yaml": "6792452",
    "conversations-dev3.yaml": "3c5228c",
    "conversations-dev4.yaml": "a1ab6fd",
    "conversations-dev5.yaml": "92d65fd",
    "conversations-dev6.yaml": "4366067",
    "conversations-dev7.yaml": "e1dfc4c",
    "conversations-dev8.yaml": "a4bccd2",
    "conversations-holdout4.yaml": "a563e19",
    "conversations-dev14.yaml": "52cfb21",
    "conversations-dev15.yaml": "ca62f9f",
    "conversations-holdout5.yaml": "f25e7e9",
    "conversations-dev17.yaml": "a3ec012",
    "conversations-dev16.yaml": "f8cdf08",
    "conversations-holdout6.yaml": "dd4c641",
    "conversations-dev18.yaml": "07cb025",
}

ACTS = ("greeting", "thanks", "bye", "ack", "who_are_you", "capabilities", "how_are_you")
ACTS += ("human", "complaint")
DUPLICATE_RATIO = 90


@dataclass
class Row:
    """One case: what the rules did, and how each alternative reply would be judged."""

    set_name: str
    q: str
    expect: str
    act: str
    kind: str  # smalltalk | answer | generic (the generic fallback) | refusal
    ok_rules: bool
    ok_fallback: bool
    ok_smalltalk: dict[str, bool]
    probs: dict[str, float] | None = None
    names_ours: bool = False  # the gate keeps the rules' answer (Answerer.names_ours)
    how_done: bool = False  # "come va fatta ...": never how_are_you


def conversation_sets() -> list[Path]:
    found = sorted(p for p in EVAL_DIR.glob("conversations-*.yaml") if p.name not in HELD_OUT)
    assert all(p.name not in HELD_OUT for p in found)
    return found


def rule_rows(paths: list[Path]) -> list[Row]:
    """The rules' replies (of the code on sys.path) to every case, and the alternatives."""
    from bot.brain import Brain
    from bot.evaluation import judge, load_cases

    try:
        from bot.knowledge_loader import load_knowledge
    except ImportError:  # older checkouts
        from bot.knowledge import load_knowledge  # type: ignore[attr-defined,no-redef]
    from bot.language import detect_language
    from bot.store import SQLiteStore

    kb = load_knowledge()  # not the disk cache: old checkouts would fill it
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        brain = Brain(kb, SQLiteStore(Path(folder)))
        brain.k.answerer.gate = None  # the rules alone, whatever the settings say
        composer = brain.k.composer
        for path in paths:
            assert path.name not in HELD_OUT
            for case in load_cases(path):
                reply = brain.answer_question(case.q)
                lang = detect_language(case.q, "it")
                generic = composer.fallback(lang)
                if reply.status == "smalltalk":
                    kind = "smalltalk"
                elif reply.status == "fallback":
                    kind = "generic" if reply.text == generic.text else "refusal"
                elif reply.status in ("answer", "clarify"):
                    kind = "answer"
                else:
                    kind = reply.status
                rows.append(
                    Row(
                        path.name,
                        case.q,
                        case.expect,
                        case.act,
                        kind,
                        judge(case, reply),
                        judge(case, generic),
                        {a: judge(case, composer.smalltalk(a, lang)) for a in ACTS},
                    )
                )
        brain.close()
    return rows


def mark_guards(rows: list[Row]) -> None:
    """What today's gate reads besides the classifier, for each case."""
    from bot.brain import Brain
    from bot.cache import load_knowledge_cached
    from bot.language import detect_language
    from bot.smalltalk import asks_how_it_is_done
    from bot.store import SQLiteStore

    with tempfile.TemporaryDirectory() as folder:
        brain = Brain(load_knowledge_cached(), SQLiteStore(Path(folder)))
        for row in rows:
            u = brain.understand(row.q)
            row.names_ours = brain.k.answerer.names_ours(u, detect_language(row.q, "it"))
            row.how_done = asks_how_it_is_done(row.q)
        brain.close()


def rules_then(commit: str, path: Path) -> list[Row]:
    """The rules of the parent of `commit` on the set `path` (as it is now)."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "archive", f"{commit}^"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        out = Path(folder) / "rows.json"
        subprocess.run(
            [sys.executable, __file__, "--rules-only", folder, str(out), str(path)],
            cwd=folder,
            check=True,
        )
        return [Row(**r) for r in json.loads(out.read_text())]


def _svc_probabilities(
    pairs: list[tuple[str, str]], texts: list[str], c: float
) -> list[dict[str, float]]:
    """The alternative tried: a linear SVM calibrated by sigmoids (3-fold), same features."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from bot.classifier import MIN_DF, features

    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF)
    x = vectorizer.fit_transform([q for q, _ in pairs])
    model = CalibratedClassifierCV(LinearSVC(C=c / 10, class_weight="balanced"), cv=3)
    model.fit(x, [y for _, y in pairs])
    found = model.predict_proba(vectorizer.transform(texts))
    return [dict(zip(map(str, model.classes_), map(float, p), strict=True)) for p in found]


def predict_loso(
    rows: list[Row],
    paths: list[Path],
    tested: list[Path],
    c: float,
    extra: bool,
    model: str = "logistic",
) -> None:
    """Fill each row's probabilities from a model trained without its set (and near copies)."""
    from rapidfuzz import fuzz, process

    from bot.classifier import EXTRA_SETS, export, fit, labelled
    from bot.normalise import fold

    extra_pairs = labelled(EVAL_DIR / n for n in EXTRA_SETS) if extra else []
    for path in tested:
        test = [r for r in rows if r.set_name == path.name]
        others = [p for p in paths if p != path]
        pairs = labelled(others) + extra_pairs
        tests = [fold(r.q) for r in test]
        train_folded = [fold(q) for q, _ in pairs]
        near = process.cdist(
            train_folded, tests, scorer=fuzz.ratio, score_cutoff=DUPLICATE_RATIO, workers=1
        )
        keep = ~(near >= DUPLICATE_RATIO).any(axis=1)
        kept = [p for p, k in zip(pairs, keep, strict=True) if k]
        if model == "svc":
            probabilities = _svc_probabilities(kept, [r.q for r in test], c)
            for row, probs in zip(test, probabilities, strict=True):
                row.probs = probs
        else:
            classifier = export(*fit(kept, c))
            for row in test:
                row.probs = classifier.opinion(row.q).probabilities
        print(
            f"  {path.name}: trained on {len(kept)} ({len(pairs) - len(kept)} near copies "
            f"dropped), tested on {len(test)}",
            file=sys.stderr,
        )


def smalltalk_p(probs: dict[str, float]) -> tuple[float, str]:
    acts = {c: p for c, p in probs.items() if c not in SMALLTALK_CLASSES_EXCLUDED}
    return sum(acts.values()), max(acts, key=acts.__getitem__)


def gated(row: Row, t_answer_st: float, t_answer_fb: float, t_generic_st: float) -> bool:
    """Whether the reply is right with the gate on at these thresholds."""
    assert row.probs is not None
    p_st, act = smalltalk_p(row.probs)
    talk = not (act == "how_are_you" and row.how_done)
    if row.kind == "answer":
        likeliest = max(row.probs[act], row.probs.get("fallback", 0.0))
        if p_st >= t_answer_st and talk and not row.names_ours and row.probs["answer"] < likeliest:
            return row.ok_smalltalk[act]
        if row.probs.get("fallback", 0.0) >= t_answer_fb:
            return row.ok_fallback
    elif row.kind == "generic" and p_st >= t_generic_st and talk:
        return row.ok_smalltalk[act]
    return row.ok_rules


def figures(rows: list[Row], ok: list[bool]) -> str:
    out = []
    for expect in ("answer", "fallback", "smalltalk"):
        chosen = [k for r, k in zip(rows, ok, strict=True) if r.expect == expect]
        out.append(f"{100 * sum(chosen) / len(chosen):5.1f}" if chosen else "    -")
    return " / ".join(out)


def report(rows: list[Row], paths: list[Path], t: tuple[float, float, float]) -> None:
    print(
        f"\nthresholds: answer->smalltalk {t[0]}, answer->fallback {t[1]}, "
        f"generic->smalltalk {t[2]}"
    )
    print(f"{'set':30} {'off (in / out / talk)':24} {'on (in / out / talk)':24} gained lost")
    total_gain = total_loss = 0
    for path in paths:
        test = [r for r in rows if r.set_name == path.name]
        off = [r.ok_rules for r in test]
        on = [gated(r, *t) for r in test]
        gain = sum(b and not a for a, b in zip(off, on, strict=True))
        loss = sum(a and not b for a, b in zip(off, on, strict=True))
        total_gain += gain
        total_loss += loss
        print(f"{path.name:30} {figures(test, off):24} {figures(test, on):24} {gain:6} {loss:4}")
    print(
        f"{'all':30} {figures(rows, [r.ok_rules for r in rows]):24} "
        f"{figures(rows, [gated(r, *t) for r in rows]):24} {total_gain:6} {total_loss:4}"
    )


def sweep(rows: list[Row]) -> list[tuple[int, int, tuple[float, float, float]]]:
    grid = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 1.01]
    found = []
    for a in grid:
        for b in grid:
            for g in grid:
                gain = loss = 0
                for r in rows:
                    on = gated(r, a, b, g)
                    gain += on and not r.ok_rules
                    loss += r.ok_rules and not on
                found.append((gain, loss, (a, b, g)))
    return found


def main() -> int:
    if sys.argv[1:2] == ["--rules-only"]:  # run by rules_then() inside an old checkout
        root, out, *sets = sys.argv[2:]
        sys.path.insert(0, root)
        rows = rule_rows([Path(s) for s in sets])
        Path(out).write_text(json.dumps([asdict(r) for r in rows]))
        return 0
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser()
    parser.add_argument("--c", type=float, default=10.0)
    parser.add_argument("--extra", action="store_true", help="also train on the extra sets")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/classifier-gate-rules.pkl"))
    parser.add_argument("--thresholds", type=float, nargs=3)
    parser.add_argument(
        "--historical",
        action="store_true",
        help="the rules as they were before each later set was written (FIRST_ADDED)",
    )
    parser.add_argument("--model", choices=("logistic", "svc"), default="logistic")
    parser.add_argument("--reuse", action="store_true", help="reuse the last predictions")
    args = parser.parse_args()
    paths = conversation_sets()
    tested = paths
    if args.historical:
        cache = args.cache.with_suffix(".historical.pkl")
        if cache.exists():
            rows = pickle.loads(cache.read_bytes())
        else:
            rows = []
            for path in paths:
                if path.name in FIRST_ADDED:
                    print(f"rules before {path.name} ...", file=sys.stderr)
                    rows += rules_then(FIRST_ADDED[path.name], path)
            cache.write_bytes(pickle.dumps(rows))
        tested = [p for p in paths if p.name in FIRST_ADDED]
    elif args.cache.exists():
        rows = pickle.loads(args.cache.read_bytes())
    else:
        rows = rule_rows(paths)
        args.cache.write_bytes(pickle.dumps(rows))
    predicted = args.cache.with_suffix(
        f".{'historical' if args.historical else 'now'}-{args.model}-{args.c}-{args.extra}.pkl"
    )
    if args.reuse and predicted.exists():
        rows = pickle.loads(predicted.read_bytes())
    else:
        predict_loso(rows, paths, tested, args.c, args.extra, args.model)
        predicted.write_bytes(pickle.dumps(rows))
    mark_guards(rows)
    # Plain classifier accuracy on its three statuses, for reference.
    status = [
        (
            "smalltalk"
            if smalltalk_p(r.probs or {})[0] >= 0.5
            else max(("answer", "fallback"), key=lambda k: (r.probs or {}).get(k, 0.0))
        )
        == (r.expect if r.expect in ("fallback", "smalltalk") else "answer")
        for r in rows
    ]
    print(f"classifier status accuracy (LOSO): {100 * sum(status) / len(status):.1f}%")
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print("rules' reply kinds:", kinds)
    found = sweep(rows)
    print("best (gained - 2 x lost), then fewest lost:")
    for gain, loss, t in sorted(found, key=lambda x: (-(x[0] - 2 * x[1]), x[1]))[:12]:
        print(f"  gained {gain:3} lost {loss:3} net {gain - loss:+4}  thresholds {t}")
    best = args.thresholds or sorted(found, key=lambda x: (-(x[0] - 2 * x[1]), x[1]))[0][2]
    report(rows, tested, tuple(best))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
