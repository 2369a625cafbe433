"""Rebuild the entry classifier (bot/entry_classifier.py) from the evaluation sets.

    python -m bot.entry_training train     # rebuild bot/data/entries.npz (the `train` extra)
                                           # (after python -m bot.classifier train: it reads
                                           # messages with that model's terms)
    python -m bot.entry_training "quanto da il cresco"   # the likeliest entries of a message

The labels come from the sets themselves (never the held-out ones, bot.classifier.HELD_OUT):
a question the rules answer right is labelled with their entry; one they answer wrong with
the entries whose reply would satisfy the case, when there are at most two. Every entry's
title and phrasings are examples too. The rules label with the entry classifier switched off,
so a retrain never learns from the model's own choices.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.classifier import Classifier, TermIndex
from bot.entry_classifier import MODEL_FILE, EntryClassifier, shipped

# The regression's inverse penalty.
C = 3.0
# A failed case whose reply would be right with more entries than this teaches nothing.
MAX_GOLD_ENTRIES = 2


def labelled(brain: Any) -> list[tuple[str, str]]:
    """(message, entry id) pairs: the entries' own phrasings, and the sets' questions."""
    from bot.classifier import training_sets
    from bot.evaluation import judge, load_cases
    from bot.language import detect_language

    kb = brain.kb
    pairs = [
        (text, entry.id)
        for entry in kb.entries
        for lang in ("it", "en")
        for text in (entry.title.get(lang), *(entry.questions.get(lang) if entry.questions else ()))
    ]
    ids = {entry.id for entry in kb.entries}
    composer = brain.k.composer
    replies = {
        (e.id, lang): composer.entry_reply(e, lang) for e in kb.entries for lang in ("it", "en")
    }
    answerer = brain.k.answerer
    swap, answerer.entry_gate = answerer.entry_gate, None  # the rules alone label
    seen: set[str] = set()
    try:
        for path in training_sets():
            for case in load_cases(path):
                if case.expect != "answer" or case.q in seen:
                    continue
                seen.add(case.q)
                reply = brain.answer_question(case.q)
                if judge(case, reply) and reply.entry in ids:
                    pairs.append((case.q, str(reply.entry)))
                    continue
                lang = case.lang or detect_language(case.q, "it")
                loose = replace(case, offer=None, lang=None)
                golds = [e.id for e in kb.entries if judge(loose, replies[(e.id, lang)])]
                if 0 < len(golds) <= MAX_GOLD_ENTRIES:
                    pairs.extend((case.q, g) for g in golds)
    finally:
        answerer.entry_gate = swap
    return pairs


def fit(pairs: Sequence[tuple[str, str]], terms: TermIndex, c: float = C) -> EntryClassifier:
    """The entry model of `pairs`, reading messages with `terms` (the status classifier's
    terms and idf, so that one reading serves both models)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from bot.classifier import features

    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, vocabulary=terms.index, dtype=np.float64
    )
    vectorizer.fit([q for q, _ in pairs])
    vectorizer.idf_ = terms.idf
    x = vectorizer.transform([q for q, _ in pairs])
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(x, [y for _, y in pairs])
    return EntryClassifier.from_dense(
        terms, model.coef_, model.intercept_, [str(k) for k in model.classes_]
    )


def train(path: Path = MODEL_FILE) -> tuple[EntryClassifier, int]:
    """Label with the rules, fit, and write the model file; also the number of examples."""
    from bot.cli import _offline_brain
    from bot.settings import Settings

    terms = Classifier.load()  # the status classifier's file as it is now
    with _offline_brain(Settings.from_env()) as brain:
        pairs = labelled(brain)
    model = fit(pairs, terms)
    model.save(path)
    return model, len(pairs)


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["train"]:
        model, examples = train()
        print(
            f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size / 1e6:.2f} MB, "
            f"{len(model.terms.index)} terms, {len(model.values)} weights, "
            f"{len(model.classes)} entries) from {examples} examples"
        )
        return 0
    found = shipped()
    if found is None or not argv:
        print("usage: python -m bot.entry_classifier train | TEXT", file=sys.stderr)
        return 2
    p = found.scores(" ".join(argv))
    for i in np.argsort(-p)[:5]:
        print(f"{found.classes[i]:36} {p[i]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
