"""Find the knowledge-base entry that answers a question: answer, clarify or fallback.

The default `Matcher`:
- indexes every phrasing (questions, titles, keywords) of every entry once, per language,
  as Snowball-stemmed tokens after normalisation (bot.normalise);
- weighs tokens by inverse entry frequency, so rare, telling words ("nasko", "capofila") count
  more than common ones ("fondo", "regione"), and words the knowledge base has never seen
  count against a match (they are what the question is really about);
- scores a question against each phrasing by a weighted F-measure of the shared tokens
  (how much of the question is explained, how much of the phrasing is covered), shortlists
  with an inverted index (numpy), then blends in rapidfuzz's token_sort_ratio on the
  shortlisted strings;
- decides with the named thresholds below, tuned on tests/eval/dev.yaml.

`BaselineMatcher` is the naive reference of the contract (rapidfuzz WRatio with
`utils.default_process` over all stored phrasings, same thresholds policy), kept only so that
`eval` can show the default matcher beats it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.frequency import zipf_frequency
from bot.knowledge import Entry
from bot.language import detect_language
from bot.normalise import Normaliser, Vocabulary, acronyms, fold

# --- thresholds and weights (tuned on tests/eval/dev.yaml; see docs/matching.md) ----------
ANSWER_THRESHOLD = 64.0  # best score at or above: answer (if clearly ahead)
CLARIFY_THRESHOLD = 56.0  # best score at or above (but not a clear answer): did-you-mean
CLEAR_MARGIN = 0.0  # an answer must lead the next entry by more than this...
SURE_SCORE = 85.0  # ...unless it scores this high
CLARIFY_SPREAD = 8.0  # candidates offered must be within this of the best
MAX_CLARIFY_OPTIONS = 3
TOKEN_WEIGHT = 0.9  # share of the token F-measure in the final score
FUZZ_WEIGHT = 1.0 - TOKEN_WEIGHT
UNKNOWN_WORD_WEIGHT = 1.5  # weight of a never-seen word, as a share of the rarest word's...
COMMON_ZIPF = 7.0  # ...scaled down for words common in everyday language (wordfreq
ZIPF_SPAN = 4.0  # Zipf 3 or rarer: full weight; Zipf 6: a quarter; floor below)
MIN_UNKNOWN_SHARE = 0.1
TIE_SHARE = 0.25  # share of the phrasing score added back to the final score
DOC_WEIGHT = 1.0  # a question fully explained by an entry's whole text scores this
IDF_SMOOTHING = 4.0  # added to document frequencies: tames words used by one entry only
LONG_QUESTION_TOKENS = 4  # questions with more content words than this are length-normalised
KNOWN_FLOOR = 0.7  # minimum weight of a specific known word, as a share of the top
GENERAL_SHARE = 0.15  # known words keep this share of their weight however common
SHORTLIST = 40  # phrasings rescored with rapidfuzz per language
RANK_LIMIT = 10  # candidates returned by Matcher.rank
LANGS = ("it", "en")


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Reading:
    """A question as each language index normalised it; which one is the question's own is
    found only when asked (a language detection of a long message costs ~0.1 ms, and only
    the editors' log of unanswered questions reads it)."""

    question: str
    norms: tuple[tuple[str, str], ...]  # (language, normalised question)

    @property
    def norm(self) -> str:
        return dict(self.norms).get(detect_language(self.question), "")


@dataclass(frozen=True)
class MatchResult:
    status: str  # "answer" | "clarify" | "fallback"
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    reading: str | Reading = ""  # the normalised question (for the editors' log), or its Reading

    @property
    def norm(self) -> str:
        """The normalised question (for the editors' log)."""
        reading = self.reading
        return reading if isinstance(reading, str) else reading.norm

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0


def decide(ranked: Sequence[Candidate], norm: str | Reading = "") -> MatchResult:
    """The thresholds policy shared by both matchers."""
    if not ranked or ranked[0].score < CLARIFY_THRESHOLD:
        return MatchResult("fallback", tuple(ranked[:MAX_CLARIFY_OPTIONS]), norm)
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best.score >= ANSWER_THRESHOLD and (
        best.score - runner_up > CLEAR_MARGIN or best.score >= SURE_SCORE
    ):
        return MatchResult("answer", tuple(ranked[:MAX_CLARIFY_OPTIONS]), norm)
    close = [c for c in ranked if c.score >= max(CLARIFY_THRESHOLD, best.score - CLARIFY_SPREAD)]
    return MatchResult("clarify", tuple(close[:MAX_CLARIFY_OPTIONS]), norm)


def specificity(word: str, lang: str) -> float:
    """1.0 for rare or technical words, down to MIN_UNKNOWN_SHARE for everyday ones."""
    zipf = zipf_frequency(word, lang)
    return min(1.0, max(MIN_UNKNOWN_SHARE, (COMMON_ZIPF - zipf) / ZIPF_SPAN))


def _answer_text(entry: Entry, lang: str) -> str:
    """What an entry says, visible part and details: words a question may share with it."""
    details = entry.details.get(lang) if entry.details is not None else ""
    return f"{entry.answer.get(lang)}\n{details}"


def _phrasings(entry: Entry, lang: str) -> list[str]:
    return [*entry.questions.get(lang), entry.title.get(lang), *entry.keywords]


_ROW_BYTES = np.dtype(np.int32).itemsize


def _int32_bytes(rows: list[int]) -> bytes:
    return np.array(rows, dtype=np.int32).tobytes()


class _LanguageIndex:
    """Inverted index of one language's phrasings."""

    def __init__(
        self,
        normaliser: Normaliser,
        phrasings: list[tuple[int, list[str]]],
        documents: list[set[str]],
        weights: dict[str, float],
        unknown_weight: float,
        vocabulary: Vocabulary,
    ) -> None:
        self.normaliser = normaliser
        self.vocabulary = vocabulary
        self.weights = weights
        self.unknown_weight = unknown_weight
        self.entry_of = np.array([entry_index for entry_index, _ in phrasings], dtype=np.int32)
        self.texts: list[str] = []
        totals = []
        postings: dict[str, list[int]] = {}
        for row, (_, tokens) in enumerate(phrasings):
            self.texts.append(" ".join(sorted(tokens)))
            totals.append(sum(weights.get(t, unknown_weight) for t in tokens) or 1.0)
            for token in tokens:
                postings.setdefault(token, []).append(row)
        self.totals = np.array(totals, dtype=np.float64)
        # Token -> its rows, as the bytes of an int32 array: a start unpickles the ~2,900 of
        # both languages as bytes at once (as numpy arrays, ~6 us each), and one join of bytes
        # gives a question's rows.
        self.postings = {t: _int32_bytes(rows) for t, rows in postings.items()}
        self.size = len(phrasings)
        # Whole-entry documents (all phrasings + the answer): token -> entry indices.
        doc_postings: dict[str, list[int]] = {}
        for entry_index, document in enumerate(documents):
            for token in document:
                doc_postings.setdefault(token, []).append(entry_index)
        self.doc_postings = {t: _int32_bytes(rows) for t, rows in doc_postings.items()}
        self.entry_count = len(documents)

    def _unknown_weight(self, word: str) -> float:
        """A word the knowledge base never uses: informative unless it is everyday language."""
        return self.unknown_weight * specificity(word, self.normaliser.lang)

    def score(self, question: str, mapped: str | None = None) -> tuple[np.ndarray | None, str]:
        """Score per entry index (an array) for this question, and the normalised question.

        `mapped`: the question as Normaliser.mapped gives it, when the caller has it already.
        """
        if mapped is None:
            mapped = self.normaliser.mapped(question, self.vocabulary)
        words = self.normaliser.content_words(mapped)
        stems: dict[str, str] = {}
        for word in words:
            stems.setdefault(self.normaliser.stem(word), word)
        tokens = list(stems)
        norm = " ".join(tokens)
        if not tokens or self.size == 0:
            return None, norm
        query_total = sum(
            self.weights[t] if t in self.weights else self._unknown_weight(stems[t]) for t in tokens
        )
        if len(tokens) > LONG_QUESTION_TOKENS:
            # A long message (a person telling their story) is not expected to be explained word
            # by word: as if only LONG_QUESTION_TOKENS average words had to be.
            query_total *= LONG_QUESTION_TOKENS / len(tokens)
        whole = self._whole_entry_scores(tokens, query_total)
        phrasing = self._phrasing_scores(tokens, query_total)
        # The whole-entry score rescues paraphrases; the phrasing score breaks its ties.
        best = (1 - TIE_SHARE) * np.maximum(phrasing, whole) + TIE_SHARE * phrasing
        return best, norm

    def _whole_entry_scores(self, tokens: list[str], query_total: float) -> np.ndarray:
        """How much of the question an entry's whole text (phrasings + answer) explains."""
        rows = [
            (self.doc_postings[t], self.weights.get(t, 0.0))
            for t in tokens
            if t in self.doc_postings
        ]
        if DOC_WEIGHT <= 0 or not rows:
            return np.zeros(self.entry_count)
        ids = np.frombuffer(b"".join([r for r, _ in rows]), dtype=np.int32)
        weights = np.array([w for _, w in rows]).repeat([len(r) // _ROW_BYTES for r, _ in rows])
        recall = np.bincount(ids, weights=weights, minlength=self.entry_count) / query_total
        return 100.0 * DOC_WEIGHT * recall

    def _phrasing_scores(self, tokens: list[str], query_total: float) -> np.ndarray:
        """Best phrasing per entry: weighted F-measure of shared tokens, blended with rapidfuzz."""
        best = np.zeros(self.entry_count)
        present = [t for t in tokens if t in self.postings]
        if not present:
            return best
        postings = [self.postings[t] for t in present]
        rows = np.frombuffer(b"".join(postings), dtype=np.int32)
        sizes = [len(p) // _ROW_BYTES for p in postings]
        weights = np.array([self.weights[t] for t in present]).repeat(sizes)
        overlap = np.bincount(rows, weights=weights, minlength=self.size)
        # np.flatnonzero without its wrappers; the same indices from a boolean array, whose
        # nonzero() is about twice as quick as a float array's.
        candidates = (overlap != 0).nonzero()[0]
        # `take` gathers what indexing with an array does, with less overhead per call.
        shared = overlap.take(candidates)
        recall = shared / query_total  # how much of the question is explained
        precision = shared / self.totals.take(candidates)  # how much of the phrasing is covered
        f_measure = 2 * recall * precision / (recall + precision)
        if len(candidates) > SHORTLIST:
            top = (-f_measure).argpartition(SHORTLIST)[:SHORTLIST]
            candidates, f_measure = candidates.take(top), f_measure.take(top)
        # Both sides are sorted tokens already, so token_sort_ratio is ratio; one cdist call
        # scores the shortlist in C (float64: the very values of fuzz.token_sort_ratio).
        query_text = " ".join(sorted(tokens))
        choices = [self.texts[row] for row in candidates.tolist()]
        fuzzy = process.cdist([query_text], choices, scorer=fuzz.ratio, dtype=np.float64)[0] / 100.0
        combined = 100.0 * (TOKEN_WEIGHT * f_measure + FUZZ_WEIGHT * fuzzy)
        np.maximum.at(best, self.entry_of.take(candidates), combined)
        return best


class Matcher:
    """The default matcher (see module docstring). Built once per knowledge base."""

    name = "default"

    def __init__(self, entries: Sequence[Entry], synonyms: dict[str, tuple[str, ...]]) -> None:
        self.entries = list(entries)
        protected = acronyms(
            text
            for entry in self.entries
            for lang in LANGS
            for text in (*_phrasings(entry, lang), entry.answer.get(lang))
        )
        normalisers = {lang: Normaliser(lang, synonyms, protected) for lang in LANGS}
        phrasings: dict[str, list[tuple[int, list[str]]]] = {lang: [] for lang in LANGS}
        entry_tokens: list[set[str]] = [set() for _ in self.entries]
        question_tokens: list[set[str]] = [set() for _ in self.entries]
        documents: dict[str, list[set[str]]] = {
            lang: [set() for _ in self.entries] for lang in LANGS
        }
        token_specificity: dict[str, float] = {}
        vocab_words: dict[str, set[str]] = {lang: set() for lang in LANGS}
        for canonical, variants in synonyms.items():
            for lang in LANGS:
                vocab_words[lang].update(
                    w for text in (canonical, *variants) for w in fold(text).split()
                )
        for index, entry in enumerate(self.entries):
            for lang in LANGS:
                for text in _phrasings(entry, lang):
                    vocab_words[lang].update(fold(text).split())
                    tokens: dict[str, None] = {}
                    for word in normalisers[lang].words(text):
                        token = normalisers[lang].stem(word)
                        tokens[token] = None
                        entry_tokens[index].add(token)
                        question_tokens[index].add(token)
                        documents[lang][index].add(token)
                        if token not in token_specificity:
                            token_specificity[token] = specificity(word, lang)
                    phrasings[lang].append((index, list(tokens)))
                for word in normalisers[lang].words(_answer_text(entry, lang)):
                    token = normalisers[lang].stem(word)
                    documents[lang][index].add(token)
                    entry_tokens[index].add(token)
                    vocab_words[lang].add(word)
                    if token not in token_specificity:
                        token_specificity[token] = specificity(word, lang)
        # Rarity comes from the questions people ask (phrasings); words found only in answers
        # get their rarity from the answers.
        question_df: dict[str, int] = {}
        answer_df: dict[str, int] = {}
        for index, all_tokens in enumerate(entry_tokens):
            for token in all_tokens:
                answer_df[token] = answer_df.get(token, 0) + 1
            for token in question_tokens[index]:
                question_df[token] = question_df.get(token, 0) + 1
        count = max(len(self.entries), 1)
        # A specific word the knowledge base uses often ("conciliazione") has a low IDF, but it
        # still says the question is in scope: it keeps at least KNOWN_FLOOR of the top weight.
        floor = KNOWN_FLOOR * math.log(1.0 + count)
        weights = {
            t: max(
                math.log(1.0 + count / (question_df.get(t, df) + IDF_SMOOTHING))
                * (GENERAL_SHARE + (1 - GENERAL_SHARE) * token_specificity[t]),
                floor * token_specificity[t] ** 2,
            )
            for t, df in answer_df.items()
        }
        unknown = UNKNOWN_WORD_WEIGHT * math.log(1.0 + count)
        stop_words = set().union(*(n.stop_words for n in normalisers.values()))
        # One vocabulary for both languages: a word known in either is never "corrected", and
        # a typo is corrected once (the question is normalised in both languages).
        vocabulary = Vocabulary(set().union(*vocab_words.values()) - stop_words, stop_words, LANGS)
        self.indexes = {
            lang: _LanguageIndex(
                normalisers[lang], phrasings[lang], documents[lang], weights, unknown, vocabulary
            )
            for lang in LANGS
        }
        # Typo correction and synonyms do not depend on the language: a question is mapped
        # once for both indexes (they share one vocabulary and the same synonyms).
        self._map_once = len({repr(n._synonyms) for n in normalisers.values()}) == 1

    def rank(self, question: str, limit: int = RANK_LIMIT) -> tuple[list[Candidate], str]:
        """The `limit` best entries with their scores (0-100), and the normalised question."""
        ranked, reading = self.read(question, limit)
        return ranked, reading.norm

    def read(self, question: str, limit: int = RANK_LIMIT) -> tuple[list[Candidate], Reading]:
        """`rank`, with the normalised question as a Reading (its language found when asked)."""
        best = np.zeros(len(self.entries))
        norms = {}
        mapped = None
        if self._map_once:
            first = self.indexes[LANGS[0]]
            mapped = first.normaliser.mapped(question, first.vocabulary)
        for lang, index in self.indexes.items():
            scores, norms[lang] = index.score(question, mapped)
            if isinstance(scores, np.ndarray):
                np.maximum(best, scores, out=best)
        found = best.nonzero()[0]
        if len(found) > limit:
            found = found.take((-best.take(found)).argpartition(limit)[:limit])
        order = found.take((-best.take(found)).argsort(kind="stable"))
        entries = self.entries
        return [
            Candidate(entries[i].id, round(score, 2))
            for i, score in zip(order.tolist(), best.take(order).tolist(), strict=True)
        ], Reading(question, tuple(norms.items()))

    def match(self, question: str) -> MatchResult:
        ranked, reading = self.read(question)
        return decide(ranked, reading)

    def content_words(self, text: str) -> list[str]:
        """The words of `text` that are not stop words in either language."""
        italian, english = self.indexes["it"].normaliser, self.indexes["en"].normaliser
        if self._map_once:
            mapped = italian.mapped(text)
            words = set(italian.content_words(mapped))
            return [w for w in english.content_words(mapped) if w in words]
        words = set(italian.words(text))
        return [w for w in english.words(text) if w in words]

    def known(self, word: str) -> bool:
        """Whether the knowledge base uses `word` (in either language)."""
        return word in self.indexes["it"].vocabulary


class BaselineMatcher:
    """The contract's naive reference: WRatio over all stored phrasings."""

    name = "baseline"

    def __init__(
        self, entries: Sequence[Entry], synonyms: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        self.entries = list(entries)
        self.choices: list[str] = []
        self.owner: list[int] = []
        for index, entry in enumerate(self.entries):
            for lang in LANGS:
                for text in _phrasings(entry, lang):
                    self.choices.append(text)
                    self.owner.append(index)

    def match(self, question: str) -> MatchResult:
        results = process.extract(
            question, self.choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=20
        )
        best: dict[int, float] = {}
        for _, score, row in results:
            entry_index = self.owner[row]
            best[entry_index] = max(best.get(entry_index, 0.0), float(score))
        ranked = [
            Candidate(self.entries[i].id, round(s, 2))
            for i, s in sorted(best.items(), key=lambda item: -item[1])
        ]
        return decide(ranked, utils.default_process(question))
