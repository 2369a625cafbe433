"""Italian-aware text normalisation for matching: fold, correct typos, drop stop words, stem.

Pipeline (the same for questions stored in the knowledge base and for what users type):
1. fold: lower case, strip accents, apostrophes and punctuation become spaces, emoji and control
   characters go away, digits stay ("3.000" and "3000" both become "3000");
2. synonyms (knowledge/synonyms.yaml): variants are replaced by their canonical word;
3. tokens: stop words of the language are dropped (question words such as "quanto", "chi",
   "dove", "how", "who" are kept: they tell "how much" from "who can");
4. typo correction (query side only, see Vocabulary): an unknown word close to a known one
   is replaced by it;
5. Snowball stemming in the text's language.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA
from stop_words import get_stop_words

from bot.frequency import zipf_frequency

# Question words are meaningful for us (amount vs requirements vs where to apply).
KEEP_WORDS = frozenset(
    "chi come quando quanto quanti quanta quante dove cosa quale quali perche "
    "who how when where what which much many why can "
    # The English list is broad: keep words that carry meaning in our questions.
    "amount member members number numbers million available system group groups necessary "
    "needed longer latest recent opened open new example information problem".split()
)
# Extra stop words seen in chat messages (fillers, courtesy, texting abbreviations).
EXTRA_STOP = {
    "it": frozenset(
        "ciao salve buongiorno buonasera per favore cortesia gentilmente vorrei sapere volevo "
        "sapere chiedere informazioni info sa sai sapete potete potreste dirmi mi scusi scusate "
        "grazie cmq comunque xke xche x ke k qualcuno ok po un una "
        # interjections: "uagliò ma 'o bonus p' 'e creature 'o dà ancora?"
        "uaglio uagliu mannaggia boh beh mah".split()
    ),
    "en": frozenset("hi hello please thanks thank tell me know would like could you i".split()),
}
MAX_QUERY_CHARS = 1000
REAL_WORD_ZIPF = 3.0  # words at least this frequent in everyday language are never "corrected"

_APOSTROPHES = str.maketrans({c: " " for c in "'’‘`´"})
_NUMBER_SEPARATORS = re.compile(r"(?<=\d)[.,'’](?=\d{3}\b)")
# "2017-18", "17-18", "2017/2018" -> "2017 2018" (programme periods are written every way).
_YEAR_RANGE = re.compile(r"\b(20)?([12]\d)\s*[-/–]\s*(20)?([12]\d)\b")


def _expand_years(match: re.Match[str]) -> str:
    first, second = int(match.group(2)), int(match.group(4))
    if not 0 < second - first <= 4:
        return match.group(0)
    return f"20{first} 20{second}"


_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGIT = re.compile(r"\d")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,9}\b")


def acronyms(texts: Iterable[str]) -> set[str]:
    """Folded words written in capitals somewhere in `texts` (ATS, ISEE, NASKO, DGR ...)."""
    return {fold(match) for text in texts for match in _ACRONYM.findall(text)}


# The combining accents of Latin letters (U+0300-U+036F) that NFKD splits off: removed in one
# regex pass; most texts are ASCII after it, and only the others are read character by character.
_ACCENTS = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0x300, 0x370) if unicodedata.combining(chr(c)))
    + "]+"
)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; thousands separators removed."""
    text = text[:MAX_QUERY_CHARS]
    if _DIGIT.search(text) is not None:  # both patterns need a digit
        text = _YEAR_RANGE.sub(_expand_years, text)
        text = _NUMBER_SEPARATORS.sub("", text)
    text = text.translate(_APOSTROPHES)
    if "." in text:  # "A.T.S." is "ATS", "a.s.l." is "asl"
        text = _DOTTED_ACRONYM.sub(_undot, text)
    if not text.isascii():  # ASCII has no accents to strip: NFKD leaves it as it is
        text = unicodedata.normalize("NFKD", text)
        text = _ACCENTS.sub("", text)
        if not text.isascii():  # other combining marks: only non-ASCII characters are read
            text = _NON_ASCII.sub(_unless_combining, text)
    return _NON_WORD.sub(" ", text.lower()).strip()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Single letters each followed by a dot, at least two: an acronym written with dots.
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}(?:[A-Za-z]\b)?")


def _undot(match: re.Match[str]) -> str:
    return match.group().replace(".", "") + " "


def _unless_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def snowball_stemmer(lang: str, prefer_c: bool = True) -> Any:
    """Snowball's stemmer for `lang`: PyStemmer's C build when installed, else snowballstemmer.

    Both run the same Snowball algorithms (tests/test_matcher.py compares them on every word
    of the knowledge base, the evaluation sets and the frequency lists); the C one stems a new
    word in ~3 us instead of ~100 us, and importing it does not load 30 languages.
    """
    if prefer_c and importlib.util.find_spec("Stemmer") is not None:
        import Stemmer  # PyStemmer

        return Stemmer.Stemmer("english" if lang == "en" else "italian")
    if lang == "en":
        from snowballstemmer.english_stemmer import EnglishStemmer

        return EnglishStemmer()
    from snowballstemmer.italian_stemmer import ItalianStemmer

    return ItalianStemmer()


class Normaliser:
    """Normalises text in one language. Built once per knowledge base; thread-safe."""

    def __init__(
        self, lang: str, synonyms: Mapping[str, Iterable[str]], protected: Iterable[str] = ()
    ) -> None:
        self.lang = lang
        # Acronyms and names (ATS, ASL, ISEE, NASKO) are not stemmed: English turns "ats" to "at".
        self.protected = frozenset(protected)
        self._stemmer = snowball_stemmer(lang)
        # A stemmer keeps per-word state while it works: one word at a time per process.
        self._stem_lock = threading.Lock()
        stops = {
            part
            for word in get_stop_words("english" if lang == "en" else "italian")
            for part in fold(word).split()
        }
        self.stop_words = frozenset((stops | EXTRA_STOP[lang]) - KEEP_WORDS)
        self._synonyms = self._compile_synonyms(synonyms)
        # First word -> (variant's words, canonical), longest first: a message's words are
        # looked up one by one instead of joining every run of words at each position.
        self._by_first: dict[str, list[tuple[list[str], str]]] = {}
        for key, canonical in self._synonyms[1].items():
            variant = key.split(" ")
            self._by_first.setdefault(variant[0], []).append((variant, canonical))
        for found in self._by_first.values():
            found.sort(key=lambda item: -len(item[0]))
        self._stem_cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:
        # The C stemmer and the lock cannot be pickled (bot/cache.py): made again on loading.
        state = dict(self.__dict__)
        del state["_stemmer"], state["_stem_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._stemmer = snowball_stemmer(self.lang)
        self._stem_lock = threading.Lock()

    @staticmethod
    def _compile_synonyms(synonyms: Mapping[str, Iterable[str]]) -> tuple[int, dict[str, str]]:
        """variant (folded, maybe several words) -> canonical, and the longest variant's length."""
        table: dict[str, str] = {}
        for canonical, variants in synonyms.items():
            target = fold(canonical)
            for variant in variants:
                key = fold(variant)
                if key and key != target:
                    table[key] = target
        longest = max((key.count(" ") + 1 for key in table), default=0)
        return longest, table

    def apply_synonyms(self, folded: str) -> str:
        """Replace variants by their canonical word, longest variants first."""
        if not self._synonyms[1]:
            return folded
        words = folded.split()
        by_first = self._by_first
        starts = [index for index, word in enumerate(words) if word in by_first]
        if not starts:  # most messages: no variant at all
            return " ".join(words)
        out: list[str] = []
        position, size = 0, len(words)
        for start in starts:
            if start < position:  # inside a variant replaced already
                continue
            for variant, canonical in by_first[words[start]]:
                end = start + len(variant)
                if end <= size and (end == start + 1 or words[start:end] == variant):
                    out.extend(words[position:start])
                    out.append(canonical)
                    position = end
                    break
        out.extend(words[position:])
        return " ".join(out)

    def words(self, text: str, vocabulary: Vocabulary | None = None) -> list[str]:
        """Folded, typo-corrected, synonym-mapped words without stop words (not stemmed)."""
        return self.content_words(self.mapped(text, vocabulary))

    def mapped(self, text: str, vocabulary: Vocabulary | None = None) -> str:
        """The folded text, typo-corrected and synonym-mapped (the same in both languages
        when their normalisers share the synonyms: the matcher maps a question once)."""
        folded = fold(text)
        if vocabulary is not None:
            folded = " ".join(vocabulary.correct(w) for w in folded.split())
        return self.apply_synonyms(folded)

    def content_words(self, mapped: str) -> list[str]:
        """The words of a mapped text that are not stop words of this language."""
        return [
            w for w in mapped.split() if w not in self.stop_words and (len(w) > 1 or w.isdigit())
        ]

    def stem(self, word: str) -> str:
        cached = self._stem_cache.get(word)
        if cached is None:
            if word.isdigit() or word in self.protected:
                cached = word
            else:
                with self._stem_lock:
                    cached = self._stemmer.stemWord(word)
            if len(self._stem_cache) < 50_000:
                self._stem_cache[word] = cached
        return cached

    def tokens(self, text: str, vocabulary: Vocabulary | None = None) -> list[str]:
        """Stemmed content tokens, in order, duplicates removed."""
        seen: dict[str, None] = {}
        for word in self.words(text, vocabulary):
            seen.setdefault(self.stem(word), None)
        return list(seen)


class Vocabulary:
    """The words the knowledge base knows, used to correct typos in users' questions.

    An unknown word of 5+ letters is replaced by the closest known word when the edit distance
    (with transpositions) is at most 1, or 2 for words of 8+ letters. `also_known` words (the
    other language's vocabulary) are never corrected but are not correction targets either.
    """

    def __init__(
        self, words: Iterable[str], also_known: Iterable[str] = (), langs: Iterable[str] = ()
    ) -> None:
        own = frozenset(w for w in words if w and not w.isdigit())
        known = frozenset(also_known)
        self._known = own | known
        # Targets: this language's content words (callers pass stop words in `also_known`,
        # so "lecco" never becomes the stop word "ecco").
        # Bucketed by length: a word within 2 edits differs in length by 2 at most.
        self._by_length: dict[int, list[str]] = {}
        for w in sorted(own):
            if len(w) >= 4:
                self._by_length.setdefault(len(w), []).append(w)
        # One edit never changes both the first and the last letter of a 4+ letter word, so a
        # word within 1 edit is among those sharing either: two small lists instead of a bucket.
        self._by_end: dict[tuple[int, int, str], list[str]] = {}
        self._rank: dict[str, int] = {}  # position in its bucket, to break ties as over it
        for size, bucket in self._by_length.items():
            for index, w in enumerate(bucket):
                self._by_end.setdefault((size, 0, w[0]), []).append(w)
                self._by_end.setdefault((size, -1, w[-1]), []).append(w)
                self._rank[w] = index
        self._langs = tuple(langs)
        self._cache: dict[str, str] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._known

    def _closest_sharing_an_end(self, word: str, size: int, cutoff: int) -> tuple[str, int] | None:
        """The closest word of this size within `cutoff` edits, among those sharing an end."""
        found = []
        for end, letter in ((0, word[0]), (-1, word[-1])):
            candidates = self._by_end.get((size, end, letter))
            if candidates:
                best = process.extractOne(
                    word, candidates, scorer=OSA.distance, score_cutoff=cutoff
                )
                if best is not None:
                    found.append((best[1], self._rank[best[0]], best[0]))
        if not found:
            return None
        distance, _, closest = min(found)
        return closest, distance

    def correct(self, word: str) -> str:
        if word in self._known or len(word) < 5 or word.isdigit():
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if any(zipf_frequency(word, lang) >= REAL_WORD_ZIPF for lang in self._langs):
            # An everyday word ("abito", "Lecco") is not a typo of a word we know.
            self._cache[word] = word
            return word
        max_distance = 1 if len(word) < 8 else 2
        result, result_distance = word, max_distance + 1
        for size in range(len(word) - max_distance, len(word) + max_distance + 1):
            bucket = self._by_length.get(size)
            if not bucket:
                continue
            cutoff = min(max_distance, result_distance - 1)
            best: tuple[str, int] | None
            if max_distance == 1:
                best = self._closest_sharing_an_end(word, size, cutoff)
            else:
                found = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=cutoff)
                best = None if found is None else (found[0], int(found[1]))
            if best is not None and best[1] < result_distance:
                result, result_distance = best[0], best[1]
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result
