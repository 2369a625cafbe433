"""A trained second opinion on *which* entry answers a question.

The rules (bot/answering.py) choose an entry from the matcher's ranking and what was
understood; this model has read thousands of real-style messages with the entry that answered
them, and when it is very sure another entry answers (knowledge/understanding.yaml
`second_opinion.entry_swap`), that entry answers instead. It shares the features of
bot/classifier.py (tf-idf of folded words, word pairs and character n-grams); its classes are
the knowledge base's entry ids. The weights are kept sparse (only those that count), so the
model stays small.

The bot reads the exported bot/data/entries.npz with numpy only; bot/entry_training.py
rebuilds it (scikit-learn, the `train` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.classifier import TermIndex

MODEL_FILE = Path(__file__).resolve().parent / "data" / "entries.npz"
# Weights smaller than this are dropped when the model is exported.
PRUNE = 0.1


class EntryClassifier(TermIndex):
    """The exported model: tf-idf, then a softmax over sparse linear scores per entry."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        idf: np.ndarray,
        indptr: np.ndarray,
        classes_of: np.ndarray,
        values: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        super().__init__(vocabulary, idf)
        # Feature i's weights: classes_of[indptr[i]:indptr[i + 1]] and the same slice of values.
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.classes_of = np.asarray(classes_of, dtype=np.intp)
        self.values = np.asarray(values, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = tuple(classes)

    @classmethod
    def from_dense(
        cls,
        vocabulary: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        prune: float = PRUNE,
    ) -> EntryClassifier:
        """From a (classes, features) weight matrix, dropping weights under `prune`."""
        weights = np.asarray(coef).T  # (features, classes)
        kept = np.abs(weights) >= prune
        indptr = np.concatenate([[0], np.cumsum(kept.sum(axis=1))])
        rows, columns = np.nonzero(kept)
        return cls(vocabulary, idf, indptr, columns, weights[rows, columns], intercept, classes)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> EntryClassifier:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                cls.terms(data["vocabulary"]),
                data["idf"],
                data["indptr"],
                data["classes_of"],
                data["values"],
                data["intercept"],
                [str(c) for c in data["classes"]],
            )

    def save(self, path: Path = MODEL_FILE) -> None:
        np.savez_compressed(
            path,
            vocabulary=self.vocabulary_array(),
            idf=self.idf.astype(np.float32),
            indptr=self.indptr.astype(np.int32),
            classes_of=self.classes_of.astype(np.uint16),
            values=self.values.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=np.array(self.classes),
        )

    def scores(self, text: str) -> np.ndarray:
        """The probability of each entry (in the order of `classes`) answering `text`."""
        z = self.intercept.copy()
        found = self.tfidf(text)
        if found is not None:
            rows, tfidf = found
            starts, ends = self.indptr[rows], self.indptr[rows + 1]
            sizes = ends - starts
            at = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
            z += np.bincount(
                self.classes_of[at],
                weights=self.values[at] * np.repeat(tfidf, sizes),
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
    """The model shipped with the package (None when the file is missing)."""
    if not _SHIPPED:
        _SHIPPED.append(EntryClassifier.load() if MODEL_FILE.exists() else None)
    return _SHIPPED[0]


def use_shipped(model: EntryClassifier | None) -> None:
    """Take the model as bot.cache unpickled it."""
    if not _SHIPPED and model is not None:
        _SHIPPED.append(model)
