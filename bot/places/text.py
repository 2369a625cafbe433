"""Names and text as the place finder sees them: keys, tokens, display names.

Every key is built from `bot.normalise.fold` (the one text normaliser of the project), so a
name in the dataset, in knowledge/ats.yaml and in a user's message meet on the same form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from bot.normalise import fold

TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
SENTENCE_END = ".!?\n;:"
SAINT_FORMS = frozenset({"san", "santo", "santa", "sant", "s", "st", "sto", "sta"})
SAINT = "s"  # San, Santo, Santa, Sant', S., St. are all folded to this
# Linking words dropped from names and text, so that "Cassano d'Adda" == "cassano adda".
PARTICLES = frozenset(
    "d di del della dei degli delle dello dell de sul sull sulla sui sulle al all alla ai "
    "in ed e con da dal dalla il la le lo i gli l per su".split()
)
# Words written in lower case inside official names ("Cassano d'Adda", "Sesto ed Uniti").
LOWER_IN_NAMES = frozenset(
    "di del della dei degli delle dello dell d de sul sull sulla al all alla ai in ed e con "
    "il la lo le per su nel nell nella a ad".split()
)


def key_tokens(text: str) -> list[str]:
    """Folded words of a name, the saint forms as 's'."""
    return [SAINT if tok in SAINT_FORMS else tok for tok in TOKEN_RE.findall(fold(text))]


def compact(tokens: Sequence[str]) -> list[str]:
    """The words without particles (all of them when the name is only particles)."""
    kept = [tok for tok in tokens if tok not in PARTICLES]
    return kept or list(tokens)


def name_key(text: str) -> str:
    """The normalised key of a name: "Sant'Angelo Lodigiano" -> 's angelo lodigiano'."""
    return " ".join(key_tokens(text))


def compact_key(text: str) -> str:
    """The key without particles: "Cassano d'Adda" -> 'cassano adda'."""
    return " ".join(compact(key_tokens(text)))


def comune_key(name: str, province: str) -> str:
    """A comune's stable id, for buttons and conversation state: 'Name|PR'."""
    return f"{name}|{province}"


def lookup_key(key: str) -> str:
    """The form under which a comune key is looked up ('cantù|co' finds 'Cantù|CO')."""
    return fold(key.strip())


def display_name(raw: str) -> str:
    """The dataset writes "Cassano D'Adda", 'Sesto Ed Uniti'; ISTAT "Cassano d'Adda"."""
    out: list[str] = []
    for index, word in enumerate(raw.split(" ")):
        if re.fullmatch(r"[IVXLC]{2,}", word, re.IGNORECASE):
            out.append(word.upper())  # Sotto il Monte Giovanni XXIII
        elif index > 0 and "'" in word and word.partition("'")[0].lower() in LOWER_IN_NAMES:
            head, _, tail = word.partition("'")
            out.append(f"{head.lower()}'{tail}")
        elif index > 0 and word.lower() in LOWER_IN_NAMES:
            out.append(word.lower())
        else:
            out.append(word)
    return " ".join(out)


class Tok(NamedTuple):
    """A word of the user's text, with what surrounds it (a tuple: ~5 times quicker to make
    than a frozen dataclass, and as immutable)."""

    orig: str
    norm: str  # folded: lower case, no accents
    key: str  # norm with the saint forms folded to "s"
    start: int
    end: int
    sentence_start: bool
    in_parens: bool
    after: str  # first character after the token, spaces skipped ("" at the end)


# ATS names contain places that are not the user's comune ("ATS della Montagna").
ATS_NAME_RE = re.compile(
    r"\bats\W+(?:(?:della|dell|di|del)\W+)?(?:montagna|insubria|brianza|val\W*padana)\b",
    re.IGNORECASE,
)


def without_ats_names(text: str) -> str:
    """`text` with the ATS names blanked out (as many spaces: positions are kept)."""
    # An ASCII text has "ats" in lower case wherever the regex (IGNORECASE) matches: most
    # messages have none, and the regex tries its alternatives at every word.
    if text.isascii() and "ats" not in text.lower():
        return text
    return ATS_NAME_RE.sub(lambda m: " " * len(m.group()), text)


def tokenize(text: str) -> list[Tok]:
    """The words of `text` (letters or digits), folded, with their context."""
    # The finders read one message several times: its tokens are computed once (Tok is immutable).
    return list(_tokens(text))


# Words as folded, remembered apart from fold's own cache (which whole messages churn).
_FOLDED: dict[str, str] = {}
MAX_FOLDED = 50_000


_SAINT_JOINED = re.compile(r"sant[aeiou][a-z]{3,}")


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[Tok, ...]:
    tokens: list[Tok] = []
    size = len(text)
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        norm = _FOLDED.get(word)
        if norm is None:
            norm = fold(word)
            if len(_FOLDED) < MAX_FOLDED:
                _FOLDED[word] = norm
        if not norm or " " in norm:  # letters fold drops (other scripts): no place name
            continue
        start, end = match.span()
        # The nearest non-space characters before and after (no copy of the text's ends).
        back = start - 1
        while back >= 0 and text[back].isspace():
            back -= 1
        ahead = end
        while ahead < size and text[ahead].isspace():
            ahead += 1
        before = text[back] if back >= 0 else ""
        after = text[ahead] if ahead < size else ""
        # "santangelo": Sant'Angelo written as one word (the regex asked only of "sant...")
        if norm.startswith("sant") and _SAINT_JOINED.fullmatch(norm):
            head = start + 4
            first = before == "" or before in SENTENCE_END
            tokens.append(Tok(word[:4], "sant", SAINT, start, head, first, False, word[4]))
            tokens.append(Tok(word[4:], norm[4:], norm[4:], head, end, False, False, after))
            continue
        tokens.append(
            Tok(  # orig, norm, key, start, end, sentence_start, in_parens, after (positional:
                # keywords cost each of a message's words more)
                word,
                norm,
                SAINT if norm in SAINT_FORMS else norm,
                start,
                end,
                not before or before in SENTENCE_END,
                before == "(" and after == ")",
                after,
            )
        )
    return tuple(tokens)


# An ASCII text's letters and capitals, counted at C speed (bytes.translate deletes the rest).
_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_NOT_CAPITALS = bytes(c for c in range(128) if not chr(c).isupper())


@lru_cache(maxsize=1024)
def shouting(text: str) -> bool:
    """ALL CAPS text: capital letters say nothing about names."""
    if text.isascii():  # the same counts as below: an ASCII capital is a letter
        raw = text.encode("ascii")
        letters = len(raw.translate(None, _NOT_LETTERS))
        return letters >= 6 and len(raw.translate(None, _NOT_CAPITALS)) / letters > 0.6
    found = [ch for ch in text if ch.isalpha()]
    return len(found) >= 6 and sum(ch.isupper() for ch in found) / len(found) > 0.6
