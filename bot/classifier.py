"""A small trained text classifier: is a message a question of ours, out of scope, or small talk?

A second opinion beside the hand-written rules (bot/answering.py, docs/understanding.md): a
tf-idf of folded words (1-2 grams) and character n-grams (2-5, within words) feeds a
multinomial logistic regression whose classes are `answer`, `fallback` and the small-talk acts.
It is trained with scikit-learn on the labelled conversation sets (never on the held-out sets
named in HELD_OUT, today conversations-holdout18.yaml, -holdout19.yaml and -holdout20.yaml) and
exported to bot/data/classifier.npz; the bot reads it with numpy only, so scikit-learn is needed
to rebuild the model, never to run the bot.

    python -m bot.classifier train      # rebuild bot/data/classifier.npz (needs the `train` extra)
    python -m bot.classifier "ciao come stai"   # the probabilities of one message
"""

from __future__ import annotations

import hashlib
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.normalise import fold

MODEL_FILE = Path(__file__).resolve().parent / "data" / "classifier.npz"
EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
# The held-out sets (tests/eval/README.md): never read, trained or evaluated on here.
HELD_OUT = frozenset(
    {"conversations-holdout18.yaml", "conversations-holdout19.yaml", "conversations-holdout20.yaml"}
)
# Labelled sets read for training besides the conversation sets (small talk and meta phrasings,
# questions and out-of-scope messages).
EXTRA_SETS = ("smalltalk-dev.yaml", "dev.yaml", "dev2.yaml", "holdout.yaml")
# The evaluation sets call the confirmation act "confirm"; the bot calls it "ack".
ACT_NAMES = {"confirm": "ack"}
SMALLTALK_CLASSES_EXCLUDED = frozenset({"answer", "fallback"})
CHAR_NGRAMS = (2, 5)
# Messages longer than this are read up to here: small talk is short, and the cost stays flat.
MAX_CHARS = 400
MAX_WORD_CACHE = 50_000  # words whose feature rows are remembered
# Training: features seen in fewer messages are dropped; the regression's inverse penalty.
MIN_DF = 2
C = 10.0


def features(text: str) -> list[str]:
    """The tokens of a message: folded words and word pairs, character n-grams, symbols.

    Word tokens are "w:" + words, character n-grams (of each word padded with spaces, as
    scikit-learn's char_wb) "c:" + letters, emoji and other symbols "s:" + the symbol, since
    folding removes them ("👍", "🙏").
    """
    words = fold(text[:MAX_CHARS]).split()
    out = [t for word in words for t in word_features(word)]
    return out + pair_features(words) + symbol_features(text)


def word_features(word: str) -> list[str]:
    """The word itself and its character n-grams."""
    padded = f" {word} "
    size = len(padded)
    low, high = CHAR_NGRAMS
    grams = [
        padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)
    ]
    return [f"w:{word}", *(f"c:{g}" for g in grams)]


def pair_features(words: list[str]) -> list[str]:
    return [f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def symbol_features(text: str) -> list[str]:
    """Emoji and other symbols (skin tones aside), which folding removes."""
    text = text[:MAX_CHARS]
    if text.isascii():
        return []
    return [
        f"s:{ch}"
        for ch in text
        if unicodedata.category(ch) == "So" and not "\U0001f3fb" <= ch <= "\U0001f3ff"
    ]


@dataclass(frozen=True)
class Opinion:
    """What the classifier thinks of a message."""

    probabilities: dict[str, float]

    @property
    def smalltalk(self) -> float:
        """The probability that the message is small talk, whatever the act."""
        return sum(p for c, p in self.probabilities.items() if c not in SMALLTALK_CLASSES_EXCLUDED)

    @property
    def fallback(self) -> float:
        return self.probabilities.get("fallback", 0.0)

    @property
    def answer(self) -> float:
        return self.probabilities.get("answer", 0.0)

    @property
    def act(self) -> str:
        """The most likely small-talk act."""
        acts = {c: p for c, p in self.probabilities.items() if c not in SMALLTALK_CLASSES_EXCLUDED}
        return max(acts, key=acts.__getitem__)


class TermIndex:
    """The tf-idf of a message over a fixed vocabulary: what both trained models read (this
    one, and the entry classifier of bot/entry_classifier.py)."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray) -> None:
        self.index = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self._words: dict[str, np.ndarray] = {}
        # The last message read, and its reading: both models read the same message in turn.
        self._last: tuple[str, tuple[np.ndarray, np.ndarray] | None] = ("", None)

    def digest(self) -> str:
        """A fingerprint of the terms and their idf (what a model trained on them needs)."""
        found = hashlib.sha256(self.vocabulary_array().tobytes())
        found.update(self.idf.astype(np.float32).tobytes())
        return found.hexdigest()[:32]

    def vocabulary_array(self) -> np.ndarray:
        """The vocabulary as one UTF-8 string, "\n" between terms: read back in milliseconds
        (terms hold no newline: they are folded words and symbols)."""
        vocabulary = sorted(self.index, key=self.index.__getitem__)
        return np.frombuffer("\n".join(vocabulary).encode("utf-8"), dtype=np.uint8)

    @staticmethod
    def terms(array: np.ndarray) -> list[str]:
        return str(array.tobytes().decode("utf-8")).split("\n")

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

    def tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The feature rows present in a message and their l2-normalised tf-idf values (None
        when no feature is known)."""
        last, found = self._last
        if text == last and text:
            return found
        found = self._tfidf(text)
        self._last = (text, found)
        return found

    def _tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        words = fold(text[:MAX_CHARS]).split()
        index = self.index
        others = [
            i
            for t in pair_features(words) + symbol_features(text)
            if (i := index.get(t)) is not None
        ]
        found = np.concatenate([*map(self._word_rows, words), np.array(others, dtype=np.intp)])
        if not found.size:
            return None
        # np.unique(found, return_counts=True), without its generality (~15 us a message).
        found.sort()
        first = np.empty(found.size, dtype=bool)
        first[0] = True
        np.not_equal(found[1:], found[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        rows = found[starts]
        counts = np.empty(starts.size, dtype=np.intp)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1] = found.size - starts[-1]
        values = (1.0 + np.log(counts)) * self.idf.take(rows)
        values /= np.sqrt(values @ values)
        return rows, values


class Classifier(TermIndex):
    """The exported model, read with numpy: tf-idf then a softmax over linear scores."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        super().__init__(vocabulary, idf)
        # (features, classes): one row gathered per feature present.
        self.weights = np.ascontiguousarray(np.asarray(coef, dtype=np.float64).T)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = tuple(classes)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Classifier:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                cls.terms(data["vocabulary"]),
                data["idf"],
                data["coef"],
                data["intercept"],
                [str(c) for c in data["classes"]],
            )

    def save(self, path: Path = MODEL_FILE) -> None:
        np.savez_compressed(
            path,
            vocabulary=self.vocabulary_array(),
            idf=self.idf.astype(np.float32),
            coef=self.weights.T.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            classes=np.array(self.classes),
        )

    def scores(self, text: str) -> np.ndarray:
        """The class probabilities of one message, in the order of `classes`."""
        found = self.tfidf(text)
        if found is None:
            return _softmax(self.intercept)
        rows, values = found
        # `take`: the rows that indexing gives, gathered with less overhead.
        return _softmax(values @ self.weights.take(rows, axis=0) + self.intercept)

    def opinion(self, text: str) -> Opinion:
        return Opinion(dict(zip(self.classes, self.scores(text).tolist(), strict=True)))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return np.asarray(e / e.sum())


_SHIPPED: list[Classifier | None] = []  # the model, once read (or given by bot.cache)


def shipped() -> Classifier | None:
    """The model shipped with the package (None when the file is missing)."""
    if not _SHIPPED:
        _SHIPPED.append(Classifier.load() if MODEL_FILE.exists() else None)
    return _SHIPPED[0]


def use_shipped(model: Classifier | None) -> None:
    """Take the model as bot.cache unpickled it (reading the file costs ~40 ms a start)."""
    if not _SHIPPED and model is not None:
        _SHIPPED.append(model)


# -- training (scikit-learn, the `train` extra) ---------------------------------------------


def label(expect: str, act: str) -> str | None:
    """The class of a labelled case: answer, fallback or the small-talk act."""
    if expect == "smalltalk":
        return ACT_NAMES.get(act, act)
    if expect == "fallback":
        return "fallback"
    return "answer"  # answer, clarify and any are questions of ours


def training_sets(directory: Path = EVAL_DIR) -> list[Path]:
    """The labelled sets trained on: every conversation set but the held-out one, and extras."""
    found = sorted(p for p in directory.glob("conversations-*.yaml") if p.name not in HELD_OUT)
    found += [directory / name for name in EXTRA_SETS if (directory / name).exists()]
    assert all(p.name not in HELD_OUT for p in found)
    return found


def labelled(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(message, class) pairs of the sets, each message once."""
    import yaml

    from bot.models import SafeLoader

    seen: set[str] = set()
    pairs = []
    for path in paths:
        if path.name in HELD_OUT:
            raise ValueError(f"{path.name} is held out: never train on it")
        for item in yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or []:
            q = str(item["q"])
            cls = label(str(item.get("expect", "answer")), str(item.get("act", "question")))
            if cls is not None and q not in seen:
                seen.add(q)
                pairs.append((q, cls))
    return pairs


def fit(pairs: Sequence[tuple[str, str]], c: float = C) -> tuple[Any, Any]:
    """The fitted scikit-learn vectorizer and logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, min_df=MIN_DF, dtype=np.float64
    )
    x = vectorizer.fit_transform([q for q, _ in pairs])
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(x, [y for _, y in pairs])
    return vectorizer, model


def export(vectorizer: Any, model: Any) -> Classifier:
    """The numpy classifier of a fitted vectorizer and regression."""
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return Classifier(
        vocabulary, vectorizer.idf_, model.coef_, model.intercept_, [str(c) for c in model.classes_]
    )


def train(path: Path = MODEL_FILE) -> Classifier:
    """Train on every labelled set but the held-out one and write the model file."""
    pairs = labelled(training_sets())
    classifier = export(*fit(pairs))
    classifier.save(path)
    return classifier


def timing(classifier: Classifier, texts: Sequence[str]) -> tuple[float, float]:
    """Median and 99th-percentile milliseconds per message."""
    spent = []
    for text in texts:
        start = time.perf_counter()
        classifier.scores(text)
        spent.append(1000 * (time.perf_counter() - start))
    spent.sort()
    return spent[len(spent) // 2], spent[min(len(spent) - 1, int(0.99 * len(spent)))]


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["train"]:
        trained = train()
        size = MODEL_FILE.stat().st_size
        texts = [q for q, _ in labelled(training_sets())]
        p50, p99 = timing(trained, texts)
        print(
            f"wrote {MODEL_FILE} ({size / 1e6:.2f} MB, {len(trained.index)} features, "
            f"classes {', '.join(trained.classes)}); inference p50 {p50:.3f} ms, "
            f"p99 {p99:.3f} ms over {len(texts)} messages"
        )
        return 0
    classifier = shipped()
    if classifier is None or not argv:
        print("usage: python -m bot.classifier train | TEXT", file=sys.stderr)
        return 2
    opinion = classifier.opinion(" ".join(argv))
    for cls, p in sorted(opinion.probabilities.items(), key=lambda kv: -kv[1]):
        print(f"{cls:14} {p:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
