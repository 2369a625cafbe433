"""Lombard dialect forms of comuni: "Sàrnich" (Sarnico), "Clüsun" (Clusone), "Lod" (Lodi).

Dialect drops and changes vowels ("Luvere" for Lovere, "Edul" for Edolo) but keeps the
consonants. A word written right after someone says where they live ("stó a Sàrnich", "sun de
Lod", "stemm a Edul") is read as the comune whose consonant skeleton it has, when exactly one
comune of Lombardy has that skeleton and the word is no word of ours. Nothing else is guessed:
a name the exact and typo readings of bot.places.finder found always wins.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from bot.frequency import zipf_frequency
from bot.places.candidates import Cand
from bot.places.entities import Comune
from bot.places.text import Tok, compact_key

# Words saying where one lives, in Italian and in the dialects ("stó", "sun", "stemm"), and
# the preposition that must follow them.
LIVING = frozenset(
    "abito abita abitiamo vivo vive viviamo sto sta stiamo stanno sono siamo sta sto stó stò "
    "stu stoo stem stemm stemo stemmo stèm sun sum son sem semm semo abiti viv vivi stagh so "
    "abit vivum".split()
)
PREPOSITIONS = frozenset("a ad de di da in".split())
VOWELS = frozenset("aeiouy")
# Dialect spellings of the same consonant ("Bèrghem", "Sàrnich").
_SPELLINGS = (("ch", "c"), ("gh", "g"), ("ck", "c"), ("k", "c"), ("j", "i"))
# "ld" (Lodi) at least, and three letters for a word longer than three ("bollaa" is no
# "Blello"): a letter alone names too many comuni.
MIN_SKELETON = 2
MIN_LONG_SKELETON = 3
MIN_WORD = 3
# A word this frequent in Italian or English is that word ("sono in ferie", "sto a casa").
WORD_ZIPF = 2.0
SCORE_DIALECT = 80.0


def skeleton(word: str) -> str:
    """The first letter and the consonants that follow, doubles collapsed: "clusun" -> "clsn"."""
    for spelt, letter in _SPELLINGS:
        word = word.replace(spelt, letter)
    out = word[:1]
    for char in word[1:]:
        if char not in VOWELS and char.isalpha() and char != out[-1]:
            out += char
    return out


class DialectNames:
    """The comuni whose one-word names have a consonant skeleton of their own."""

    def __init__(
        self, comuni: Sequence[Comune], not_names: Container[str], elsewhere: Container[str]
    ) -> None:
        found: dict[str, set[int]] = {}
        for i, comune in enumerate(comuni):
            key = compact_key(comune.name)
            if " " in key or not key.isalpha():
                continue
            found.setdefault(skeleton(key), set()).add(i)
        self._only = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
        self._ambiguous = {k for k, v in found.items() if len(v) > 1}
        self._not_names = not_names
        self._elsewhere = elsewhere  # "abito a Samone (TN)": a comune of another region

    def candidates(self, tokens: Sequence[Tok]) -> list[Cand]:
        out = []
        for i in range(2, len(tokens)):
            tok = tokens[i]
            if tokens[i - 1].norm not in PREPOSITIONS or tokens[i - 2].norm not in LIVING:
                continue
            word = tok.norm
            if len(word) < MIN_WORD or not word.isalpha() or word in self._not_names:
                continue
            if tok.key in self._elsewhere:
                continue
            key = skeleton(word)
            least = MIN_SKELETON if len(word) <= MIN_WORD else MIN_LONG_SKELETON
            if len(key) < least or key in self._ambiguous or key not in self._only:
                continue
            if zipf_frequency(word, "it") >= WORD_ZIPF or zipf_frequency(word, "en") >= WORD_ZIPF:
                continue
            comune = self._only.get(key)
            if comune is not None:
                out.append(
                    Cand(i, i + 1, "comune", (comune,), None, None, SCORE_DIALECT, False, True)
                )
        return out
