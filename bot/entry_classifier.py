"""A trained second opinion on *which* entry answers a question.

The rules (bot/answering.py) choose an entry from the matcher's ranking and what was
understood; this model has read thousands of real-style messages with the entry that answered
them, and when it is very sure another entry answers (knowledge/understanding.yaml
`second_opinion.entry_swap`), that entry answers instead. It reads a message as the status
classifier of bot/classifier.py does, with its very terms and idf (folded words, word pairs and
character n-grams), so a message is read once for both; its classes are the knowledge base's
entry ids. The weights are kept sparse (only those that count), so the
model stays small.

The bot reads the exported bot/data/entries.npz with numpy only; bot/entry_training.py
rebuilds it (scikit-learn, the `train` extra), after bot/classifier.py's model whenever that one
is retrained: the file records the terms it was trained on, and a model on other terms is not
used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.classifier import TermIndex
from bot.classifier import shipped as shipped_classifier

MODEL_FILE = Path(__file__).resolve().parent / "data" / "entries.npz"
# Weights smaller than this are dropped when the model is exported.
PRUNE = 0.1
# A term with weights for at least this many entries is kept as a dense row in memory.
DENSE_MIN_WEIGHTS = 34


class EntryClassifier:
    """The exported model: the tf-idf of the status classifier's terms (bot/classifier.py:
    one reading of a message serves both models), then a softmax over sparse linear scores per
    entry."""

    def __init__(
        self,
        terms: TermIndex,
        indptr: np.ndarray,
        classes_of: np.ndarray,
        values: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        self.terms = terms
        # Term i's weights: classes_of[indptr[i]:indptr[i + 1]] and the same slice of values.
        self.indptr = np.asarray(indptr, dtype=np.int32)
        self.classes_of = np.asarray(classes_of, dtype=np.uint16)
        self.values = np.asarray(values, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = tuple(classes)
        # The terms with weights for many entries (frequent character n-grams) as dense rows,
        # the others sparse: a long message meets ~30,000 weights, most in those rows.
        sizes = np.diff(self.indptr)
        dense = np.flatnonzero(sizes >= DENSE_MIN_WEIGHTS)
        self._dense_at = np.full(len(sizes), -1, dtype=np.int32)
        self._dense_at[dense] = np.arange(len(dense), dtype=np.int32)
        self._dense = np.zeros((len(dense), len(self.classes)), dtype=np.float32)
        row_of = np.repeat(np.arange(len(sizes)), sizes)
        in_dense = self._dense_at[row_of] >= 0
        self._dense[self._dense_at[row_of[in_dense]], self.classes_of[in_dense]] = self.values[
            in_dense
        ]
        sparse_sizes = np.where(self._dense_at >= 0, 0, sizes)
        self._sparse_indptr = np.concatenate([[0], np.cumsum(sparse_sizes)])
        self._sparse_classes = self.classes_of[~in_dense]
        self._sparse_values = self.values[~in_dense]

    @classmethod
    def from_dense(
        cls,
        terms: TermIndex,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        prune: float = PRUNE,
    ) -> EntryClassifier:
        """From a (classes, terms) weight matrix, dropping weights under `prune`."""
        weights = np.asarray(coef).T  # (terms, classes)
        kept = np.abs(weights) >= prune
        indptr = np.concatenate([[0], np.cumsum(kept.sum(axis=1))])
        rows, columns = np.nonzero(kept)
        return cls(terms, indptr, columns, weights[rows, columns], intercept, classes)

    @classmethod
    def load(cls, terms: TermIndex, path: Path = MODEL_FILE) -> EntryClassifier | None:
        """The model of `path`, or None when it was trained on other terms than `terms` (the
        status classifier was retrained since: retrain this one too)."""
        with np.load(path, allow_pickle=False) as data:
            if "terms" not in data.files or str(data["terms"]) != terms.digest():
                return None
            return cls(
                terms,
                data["indptr"],
                data["classes_of"],
                data["values"],
                data["intercept"],
                [str(c) for c in data["classes"]],
            )

    def save(self, path: Path = MODEL_FILE) -> None:
        np.savez_compressed(
            path,
            terms=np.array(self.terms.digest()),
            indptr=self.indptr.astype(np.int32),
            classes_of=self.classes_of.astype(np.uint16),
            values=self.values.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=np.array(self.classes),
        )

    def scores(self, text: str) -> np.ndarray:
        """The probability of each entry (in the order of `classes`) answering `text`."""
        z = self.intercept.copy()
        found = self.terms.tfidf(text)
        if found is not None:
            # `take` gathers the same values as indexing with an array, with less overhead
            # (~10 us of a long message's ~30 in the dense rows).
            rows, tfidf = found
            at = self._dense_at.take(rows)
            dense = at >= 0
            z += tfidf[dense] @ self._dense.take(at[dense], axis=0)
            sparse = ~dense
            rows, tfidf = rows[sparse], tfidf[sparse]
            starts = self._sparse_indptr.take(rows)
            sizes = self._sparse_indptr.take(rows + 1) - starts
            at = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
            z += np.bincount(
                self._sparse_classes.take(at),
                weights=self._sparse_values.take(at) * np.repeat(tfidf, sizes),
                minlength=len(self.classes),
            )
        e = np.exp(z - z.max())
        return np.asarray(e / e.sum())

    def best(self, text: str) -> tuple[str, float]:
        """The likeliest entry and its probability."""
        p = self.scores(text)
        i = int(np.argmax(p))
        return self.classes[i], float(p[i])


_SHIPPED: list[EntryClassifier | None] = []


def shipped() -> EntryClassifier | None:
    """The model shipped with the package, on the shipped status classifier's terms (None
    when either file is missing or they do not match)."""
    if not _SHIPPED:
        terms = shipped_classifier()
        model = None
        if terms is not None and MODEL_FILE.exists():
            model = EntryClassifier.load(terms)
        _SHIPPED.append(model)
    return _SHIPPED[0]


def use_shipped(model: EntryClassifier | None) -> None:
    """Take the model as bot.cache unpickled it (with the status classifier it reads)."""
    if not _SHIPPED and model is not None:
        _SHIPPED.append(model)
