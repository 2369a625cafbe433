"""Dialect words and chat shorthand read as the Italian word before anything else
(knowledge/understanding.yaml `rewrite`: "ol mè bagài al gh'à 6 mis" -> "ol mio bambino ha 6
mesi"), used by the understanding step (bot/understanding.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Rewriter:
    """Replaces whole-word variants (dialect, shorthand) by their Italian word, in one pass."""

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        # First word -> (variant's words, Italian), longest variant first: looked up word by
        # word, as cheap to build at each start as a regex of ~1,000 alternatives is not.
        self._by_first: dict[str, list[tuple[list[str], str]]] = {}
        for word, variants in table.items():
            for variant in variants:
                words = variant.split()
                if words:
                    self._by_first.setdefault(words[0], []).append((words, word))
        for found in self._by_first.values():
            found.sort(key=lambda item: -len(" ".join(item[0])))
        # The last text rewritten and its rewriting: a message is rewritten for its language
        # and again for its understanding (one tuple, replaced whole: safe across threads).
        self._last = ("", "")

    def __call__(self, folded: str) -> str:
        last = self._last
        if folded == last[0]:
            return last[1]
        rewritten = self._rewrite(folded)
        self._last = (folded, rewritten)
        return rewritten

    def _rewrite(self, folded: str) -> str:
        words = folded.split(" ")
        if not self._by_first.keys() & set(words):
            return folded
        out: list[str] = []
        position = 0
        while position < len(words):
            for variant, italian in self._by_first.get(words[position], ()):
                end = position + len(variant)
                if words[position:end] == variant:
                    out.append(italian)
                    position = end
                    break
            else:
                out.append(words[position])
                position += 1
        return " ".join(out)
