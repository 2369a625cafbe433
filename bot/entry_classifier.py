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

from bot.classifier import (
    MAX_CHARS,
    MAX_WORD_CACHE,
    pair_features,
    symbol_features,
    word_features,
)
from bot.normalise import fold

MODEL_FILE = Path(__file__).resolve().parent / "data" / "entries.npz"
# Weights smaller than this are dropped when the model is exported.
PRUNE = 0.1


class EntryClassifier:
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
        self.index = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        # Feature i's weights: classes_of[indptr[i]:indptr[i + 1]] and the same slice of values.
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.classes_of = np.asarray(classes_of, dtype=np.intp)
        self.values = np.asarray(values, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = tuple(classes)
        self._words: dict[str, np.ndarray] = {}

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
                data["vocabulary"].tobytes().decode("utf-8").split("\n"),
                data["idf"],
                data["indptr"],
                data["classes_of"],
                data["values"],
                data["intercept"],
                [str(c) for c in data["classes"]],
            )

    def save(self, path: Path = MODEL_FILE) -> None:
        vocabulary = sorted(self.index, key=self.index.__getitem__)
        np.savez_compressed(
            path,
            vocabulary=np.frombuffer("\n".join(vocabulary).encode("utf-8"), dtype=np.uint8),
            idf=self.idf.astype(np.float32),
            indptr=self.indptr.astype(np.int32),
            classes_of=self.classes_of.astype(np.uint16),
            values=self.values.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=np.array(self.classes),
        )

    def _word_rows(self, word: str) -> np.ndarray:
        """The feature rows of one word (remembered: words repeat across messages)."""
        rows = self._words.get(word)
        if rows is None:
            index = self.index
            found = [i for t in word_features(word) if (i := index.get(t)) is not None]
            rows = np.array(found, dtype=np.intp)
            if len(self._words) < MAX_WORD_CACHE:
                self._words[word] = rows
        return rows

    def scores(self, text: str) -> np.ndarray:
        """The probability of each entry (in the order of `classes`) answering `text`."""
        words = fold(text[:MAX_CHARS]).split()
        index = self.index
        others = [
            i
            for t in pair_features(words) + symbol_features(text)
            if (i := index.get(t)) is not None
        ]
        found = np.concatenate([*map(self._word_rows, words), np.array(others, dtype=np.intp)])
        z = self.intercept.copy()
        if found.size:
            rows, counts = np.unique(found, return_counts=True)
            tfidf = (1.0 + np.log(counts)) * self.idf[rows]
            tfidf /= np.sqrt(tfidf @ tfidf)
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
