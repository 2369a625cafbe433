"""Word frequencies on the Zipf scale, from a table shipped in the package.

The table (`bot/data/word_frequency.bin.gz`) is wordfreq 3.1's "small" Italian and English
lists (every word at least once per million words, Zipf >= 3), written out by
`tools/word_frequencies.py`; in memory each language is one sorted blob of words and two
arrays (~1 MB for both, where a dict of str would take ~5 MB).

`zipf_frequency(word, lang)` gives what wordfreq's `zipf_frequency(word, lang,
wordlist="small")` gives: same case folding, splitting of a word into tokens (elided articles
"l'acqua", hyphens, emoji), estimates for numbers and the same rounding, so the bot's answers
do not change; tests/test_frequency.py holds the proof. It is exact for the words the bot looks
up (folded words: lower-case letters and digits) and for words in Latin script with accents,
capitals, apostrophes, dots and commas; scripts written without spaces (CJK, Thai) are outside
what it reproduces.
"""

from __future__ import annotations

import gzip
import math
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

LANGS = ("it", "en")
TABLE = "word_frequency.bin.gz"
TABLE_PATH = Path(__file__).resolve().parent / "data" / TABLE
_MINIMUM = 1e-9  # wordfreq's floor: Zipf 0, for a word it does not know

# wordfreq's estimates for digit sequences (wordfreq/numbers.py): Benford's law for the first
# digit, and a curve for 4-digit years; a number is looked up with its digits as zeroes.
_DIGIT_FREQS = (0.009, 0.300, 0.175, 0.124, 0.096, 0.078, 0.066, 0.057, 0.050, 0.045)
_YEAR_LOG_PEAK = -1.9185
_NOT_YEAR_PROB = 0.1
_REFERENCE_YEAR = 2019
_PLATEAU_WIDTH = 20
_DIGIT = re.compile(r"\d")
_MULTI_DIGIT = re.compile(r"\d[\d.,]+")
_PURE_DIGIT = re.compile(r"\d+")

# Unicode word segmentation (UAX #29, as wordfreq's tokenizer applies it): letters stay joined
# across a MidLetter or MidNumLet ("dell'anno", "u.s", "l’acqua"), digits across a MidNum or
# MidNumLet ("1,5", "3.000"); anything else (spaces, hyphens) separates words.
_MID_LETTER = ":\u00b7\u0387\u055f\u05f4\u2027\ufe13\ufe55\uff1a"
_MID_NUM_LET = ".'\u2018\u2019\u2024\ufe52\uff07\uff0e"
_MID_NUM = ",;\u037e\u0589\u060c\u060d\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe54\uff0c\uff1b"
_LETTER = r"[^\W\d]"
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_W = rf"[\w{_COMBINING}]"  # a combining mark stays with its letter ("q\u0303")
_WORD = (
    rf"\w{_W}*(?:(?:(?<={_LETTER})[{_MID_LETTER}{_MID_NUM_LET}](?={_LETTER})"
    rf"|(?<=\d)[{_MID_NUM}{_MID_NUM_LET}](?=\d)){_W}+)*"
)
# A symbol ("°", "©", an emoji with its modifiers or joined by ZWJ) is a token on its own.
_MARK = "\u0300-\u036f\u20d0-\u20ff\ufe0e\ufe0f\U0001f3fb-\U0001f3ff"
_SYMBOL = rf"[^\w\s][{_MARK}]*(?:\u200d[^\w\s][{_MARK}]*)*"
_TOKEN = re.compile(rf"(?P<word>{_WORD})|(?P<symbol>{_SYMBOL})")
# An elided article or preposition before a vowel ("l'", "un'", "d'") is a token of its own.
_ELISION = re.compile(r"\w\w?'(?=[aehiouyáéíóúàèìòùâêîôûåïöœ])")
_CURLY_QUOTES = str.maketrans(dict.fromkeys("\u02bc\u2018\u2019\u201a\u201b", "'"))


class _Table:
    """One language's words sorted by their UTF-8 bytes, in one blob, with their buckets."""

    __slots__ = ("_blob", "_starts", "_prefixes", "_buckets")

    def __init__(self, blob: bytes, buckets: array[int]) -> None:
        self._blob = blob  # every word followed by a newline
        self._buckets = buckets
        words = blob.split(b"\n")[: len(buckets)]
        self._starts = array("I", [0])
        self._starts.extend(accumulate(len(word) + 1 for word in words))
        # The first two bytes of each word as a number (_prefix, built in bulk: big-endian
        # pairs, a missing second byte as 0): bisected in C, they narrow a lookup to a few
        # dozen words.
        self._prefixes = array("H")
        self._prefixes.frombytes(b"".join([(word + b"\0\0")[:2] for word in words]))
        if sys.byteorder == "little":
            self._prefixes.byteswap()

    def _word(self, index: int) -> bytes:
        return self._blob[self._starts[index] : self._starts[index + 1] - 1]

    def get(self, word: str) -> int | None:
        """The word's frequency bucket in centibels below 1, None when it is not listed."""
        key = word.encode("utf-8")
        prefix = _prefix(key)
        low = bisect_left(self._prefixes, prefix)
        high = bisect_right(self._prefixes, prefix, low)
        if low == high:
            return None
        # Those words are blob[begin:end], each followed by a newline: the key is one of them
        # when "\n" key "\n" is found there (one search in C, no word sliced), the first one
        # being preceded by the newline of the word before it, or beginning the blob.
        begin, end = self._starts[low], self._starts[high]
        if begin == 0 and self._blob.startswith(key + b"\n"):
            return self._buckets[0]
        at = self._blob.find(b"\n" + key + b"\n", max(begin - 1, 0), end)
        if at < 0:
            return None
        return self._buckets[bisect_left(self._starts, at + 1, low, high)]

    def nbytes(self) -> int:
        """Memory held by the table."""
        parts = (self._blob, self._starts, self._prefixes, self._buckets)
        return sum(sys.getsizeof(part) for part in parts)


def _prefix(word: bytes) -> int:
    return (word[0] << 8 | (word[1] if len(word) > 1 else 0)) if word else 0


def read_table(data: bytes) -> dict[str, tuple[bytes, array[int]]]:
    """Per language, (sorted words each followed by a newline, their buckets) from the file."""
    found: dict[str, tuple[bytes, array[int]]] = {}
    position = 0
    while position < len(data):
        end = data.index(b"\n", position) + 1
        line = data[position:end].decode("ascii")
        position = end
        if line.startswith("#"):
            continue
        lang, count, size = line.split()
        blob = data[position : position + int(size)]
        position += int(size)
        buckets = array("H")
        buckets.frombytes(data[position : position + 2 * int(count)])
        position += 2 * int(count)
        if sys.byteorder != "little":
            buckets.byteswap()
        found[lang] = (blob, buckets)
    return found


_LOADED: list[dict[str, _Table]] = []  # the tables, once read (or given by bot.cache)


def _tables() -> dict[str, _Table]:
    if not _LOADED:
        with gzip.open(TABLE_PATH, "rb") as handle:
            sections = read_table(handle.read())
        _LOADED.append({lang: _Table(*sections[lang]) for lang in LANGS})
    return _LOADED[0]


def use_tables(tables: dict[str, _Table]) -> None:
    """Take the tables as bot.cache unpickled them (reading the file costs ~30 ms a start)."""
    if not _LOADED and set(tables) == set(LANGS):
        _LOADED.append(tables)


def tokens(text: str) -> list[str]:
    """wordfreq's tokens of `text` in Italian or English (NFC, case-folded, quotes uncurled)."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        word, start = match.group(), 0
        if match.lastgroup == "symbol":
            if unicodedata.category(word[0]) == "So":
                found.append(word.translate(_CURLY_QUOTES))
            continue
        while start < len(word):
            elided = _ELISION.match(word, start)
            end = elided.end() if elided else len(word)
            found.append(word[start:end].strip("'").casefold().translate(_CURLY_QUOTES))
            start = end
    return found


def _benford(digits: str) -> float:
    return _DIGIT_FREQS[int(digits[0])] / 10 ** (len(digits) - 1)


def _year(digits: str) -> float:
    year = int(digits)
    if year <= _REFERENCE_YEAR:
        year_log_freq = _YEAR_LOG_PEAK - 0.0083 * (_REFERENCE_YEAR - year)
    elif year <= _REFERENCE_YEAR + _PLATEAU_WIDTH:
        year_log_freq = _YEAR_LOG_PEAK
    else:
        year_log_freq = _YEAR_LOG_PEAK - 0.2 * (year - (_REFERENCE_YEAR + _PLATEAU_WIDTH))
    return 10.0**year_log_freq + _NOT_YEAR_PROB * _benford(digits)


def _digit_share(token: str) -> float:
    """How often this number occurs among the numbers written with as many digits."""
    share = 1.0
    for match in _MULTI_DIGIT.findall(token):
        for digits in _PURE_DIGIT.findall(match):
            share *= _year(digits) if len(digits) == 4 else _benford(digits)
    return share


def _smash(token: str) -> str:
    return _MULTI_DIGIT.sub(lambda m: _DIGIT.sub("0", m.group()), token)


def word_frequency(word: str, lang: str) -> float:
    """The share of words in `lang` that are `word` (wordfreq's rounding and floor)."""
    table = _tables()[lang]
    # A folded word of plain letters is its own only token (what the bot looks up most).
    plain = word.isascii() and word.isalpha() and word.islower()
    found = [word] if plain else tokens(word)
    if not found:
        return _MINIMUM
    one_over = 0.0
    for token in found:
        smashed = token if plain else _smash(token)  # plain letters hold no digit to smash
        bucket = table.get(smashed)
        if bucket is None:
            return _MINIMUM
        freq = 10 ** (-bucket / 100)
        if smashed != token:
            freq *= _digit_share(token)
        one_over += 1.0 / freq
    freq = max(1.0 / one_over, _MINIMUM)
    return round(freq, math.floor(-math.log(freq, 10)) + 3)


@lru_cache(maxsize=65536)
def zipf_frequency(word: str, lang: str) -> float:
    """`word`'s frequency in `lang` on the Zipf scale (0 unknown, 3 once per million words)."""
    return round(math.log(word_frequency(word, lang), 10) + 9, 2)


def top_words(lang: str) -> Iterator[str]:
    """The words of `lang` from the most frequent, without numbers (wordfreq's top_n_list)."""
    table = _tables()[lang]
    # wordfreq lists a bucket's words in alphabetical (code point) order, as UTF-8 sorts.
    order = sorted(range(len(table._buckets)), key=table._buckets.__getitem__)
    words = (table._word(index).decode("utf-8") for index in order)
    return (word for word in words if not _MULTI_DIGIT.match(word))
