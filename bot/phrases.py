"""Whole-word search of many folded phrases at once (the lexicon's cues in a message)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_FOLDED_PHRASE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*\*?")
_WORD_RUN = re.compile(r"[a-z0-9]+")
_BOUNDARY = re.compile(r"\b")


@lru_cache(maxsize=64)
def _ending(prefix: str) -> re.Pattern[str]:
    return re.compile(f"(?:{prefix})\\Z")


def said_after(prefix: str, name: str, text: str) -> bool:
    """Whether `re.search(prefix + re.escape(name) + r"\b", text)` would match, without
    compiling a regex for every name (a compile costs ~0.5 ms, and names are many: places).

    `prefix` is a regex that looks at nothing after its own match (no lookahead, `$` or
    `\b` at its end): it is compiled once, anchored at the end, and tried before each
    occurrence of `name` followed by a word boundary.
    """
    if not name:
        return re.search(prefix + r"\b", text) is not None
    ending = _ending(prefix)
    start = text.find(name)
    while start >= 0:
        if _BOUNDARY.match(text, start + len(name)) and ending.search(text, 0, start):
            return True
        start = text.find(name, start + 1)
    return False


@lru_cache(maxsize=256)
def _word_list(text: str) -> tuple[str, ...]:
    """The runs of [a-z0-9] of a text, where whole-word phrases are found (one message is
    searched some 30 times)."""
    if text.isascii():  # a folded text (only [a-z0-9] and spaces): its words are its runs
        bare = text.replace(" ", "")
        if bare.isalnum() and (bare.islower() or bare.isdigit()):
            return tuple(text.split())
    return tuple(_WORD_RUN.findall(text))


@lru_cache(maxsize=256)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(_word_list(text))


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=256)
def _stem_finder(stems: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, stems)))


def _begins_a_word(stems: tuple[str, ...], text: str) -> bool:
    """Whether a word of `text` (a run of [a-z0-9]) begins with one of `stems` (runs of
    [a-z0-9] too): `any(w.startswith(stems) for w in _word_list(text))`, with the stems
    found at C speed (a literal or a few) and only where one is found, the character before
    looked at (a lookbehind in the pattern would be tried at every character)."""
    finder = _stem_finder(stems)
    found = finder.search(text)
    while found is not None:
        start = found.start()
        if start == 0 or text[start - 1] not in _WORD_CHARS:
            return True
        found = finder.search(text, start + 1)
    return False


@lru_cache(maxsize=256)
def _pair_set(text: str) -> frozenset[str]:
    """Every two words in a row of a text, joined by a space."""
    words = _word_list(text)
    return frozenset([f"{a} {b}" for a, b in zip(words, words[1:], strict=False)])


class PhraseSet:
    """Whole-word search of many folded phrases at once.

    Folded phrases (words of [a-z0-9], the last one may end in "*" for any ending) are looked
    up word by word from an index of first words: building one costs nothing, unlike a regex
    of hundreds of alternatives. Other phrases (never in our YAML, but allowed) go to one
    regex, compiled when first needed.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        phrases = list(phrases)
        # First word -> the phrases beginning with it, as (words, last word is a stem),
        # longest first (the regex alternation preferred the longest at a position).
        self._by_first: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        # One-word stems ("alleanz*") begin at any word that starts with them.
        self._stems: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        self._other: list[str] = []
        for phrase in dict.fromkeys(phrases):
            if not _FOLDED_PHRASE.fullmatch(phrase):
                self._other.append(phrase)
                continue
            stem = phrase.endswith("*")
            words = tuple((phrase[:-1] if stem else phrase).split(" "))
            index = self._stems if stem and len(words) == 1 else self._by_first
            index.setdefault(words[0], []).append((words, stem))
        for index in (self._by_first, self._stems):
            for found in index.values():
                found.sort(key=lambda item: -sum(len(w) + 1 for w in item[0]))
        self._stem_starts = tuple(sorted(self._stems))
        self._firsts = frozenset(self._by_first)
        # What a text must hold for a phrase of `_by_first` to be found there: its one word,
        # or its first two words in a row ("fondo nask*": its first word). Common first words
        # ("il", "di") are in most long messages, their first two words in a row seldom.
        singles, pairs = set(), set()
        for items in self._by_first.values():
            for words, stem in items:
                if len(words) == 1 or (stem and len(words) == 2):
                    singles.add(words[0])
                else:
                    pairs.add(f"{words[0]} {words[1]}")
        self._singles = frozenset(singles)
        self._pairs = frozenset(pairs)
        self._regex: re.Pattern[str] | None = None

    def _other_regex(self) -> re.Pattern[str]:
        if self._regex is None:
            parts = sorted(
                {
                    re.escape(p[:-1]) + "[a-z0-9]*" if p.endswith("*") else re.escape(p)
                    for p in self._other
                },
                key=len,
                reverse=True,
            )
            self._regex = re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")
        return self._regex

    def search(self, folded: str) -> str | None:
        """The first phrase found in `folded` (as written there), or None."""
        if self._other:
            found = self._other_regex().search(folded)
            if found is not None:
                return found.group(0)
        words = _word_list(folded)
        # Most searches find nothing: set look-ups say so at C speed.
        stems = self._stem_starts and _begins_a_word(self._stem_starts, folded)
        if (
            not stems
            and self._singles.isdisjoint(_word_set(folded))
            and self._pairs.isdisjoint(_pair_set(folded))
        ):
            return None
        starts = self._firsts.intersection(_word_set(folded))
        for position, word in enumerate(words):
            hit = self._at(words, position, self._by_first[word]) if word in starts else None
            if hit is None and stems and word.startswith(self._stem_starts):
                candidates = [
                    item
                    for stem, items in self._stems.items()
                    if word.startswith(stem)
                    for item in items
                ]
                hit = self._at(words, position, candidates)
            if hit is not None:
                return hit
        return None

    @staticmethod
    def _at(
        words: tuple[str, ...], position: int, candidates: Iterable[tuple[tuple[str, ...], bool]]
    ) -> str | None:
        size = len(words)
        for phrase, stem in candidates:
            end = position + len(phrase)
            if end > size:
                continue
            if end > position + 1:  # most phrases differ at their second word: no slice
                second = words[position + 1]
                if second != phrase[1] and not (
                    stem and end == position + 2 and second.startswith(phrase[1])
                ):
                    continue
            if stem:
                if words[position : end - 1] != phrase[:-1] or not words[end - 1].startswith(
                    phrase[-1]
                ):
                    continue
            elif words[position:end] != phrase:
                continue
            return " ".join(words[position:end])
        return None

    def __contains__(self, folded: str) -> bool:
        return self.search(folded) is not None


def exempted(unless: PhraseSet, text: str) -> bool:
    """An exempting phrase is found, and not negated: "non lo voglio tenere" is no "lo voglio
    tenere" (a phrase of one word, "non farcela", or that itself begins with "non" is read as
    written)."""
    for _ in range(4):
        hit = unless.search(text)
        if hit is None:
            return False
        negated = f"non {hit}"
        if (
            hit.startswith("non ")
            or " " not in hit
            or not (text.startswith(negated) or f" {negated}" in text)
        ):
            return True
        text = text.replace(negated, "non", 1)
    return True
