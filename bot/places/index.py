"""The index of Lombard place names: every key a text may contain, and what it stands for.

Keys are folded names with and without particles ("cassano d adda", "cassano adda"), short
forms ("cinisello"), former comuni ("bigarello"), provinces, their capitals and adjectives
("bresciano"), and named areas ("valcamonica"). Each key has a tier: how much evidence around
it a text needs before `find` believes it names a place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.normalise import fold
from bot.places.schema import Area, Province
from bot.places.text import SAINT, TOKEN_RE, compact, compact_key, key_tokens

logger = logging.getLogger(__name__)

PARTIAL_MIN_CHARS = 5  # short forms ("Sesto", "Cinisello") at least this long are indexed
PARTIAL_MAX_CANDIDATES = 4  # a short form shared by more comuni ("Villa", "Torre") is useless
SHORT_NAME_CHARS = 4  # names this short (Rho, Lodi, Como) need a cue in free text
KNOWN_WORD_MIN_CHARS = 5  # words of the knowledge base at least this long are "real words"

# Tiers: how much evidence a name needs before `find` believes it names a place.
T_FREE = 0  # distinctive name (Gallarate, Cinisello Balsamo): accepted anywhere
T_CUE = 1  # short name or short form (Rho, Sesto): a cue, a capital letter or "(MI)"
T_STRONG = 2  # comune named like a word (Mese, Opera): "abito a", "comune di", or cue + capital
T_CAPITAL = 3  # short form that is a word ("Monte", "Centro"): cue + capital letter


@dataclass(slots=True)
class Entry:
    """Everything a normalised key can stand for."""

    full: set[int] = field(default_factory=set)  # comuni (indexes) with this official name
    former: set[int] = field(default_factory=set)  # merged since 2009: today's comune
    partial: set[int] = field(default_factory=set)  # short forms: "sesto", "cinisello"
    province: str | None = None  # a name of the province itself ("monza e brianza")
    capital_of: str | None = None  # capital: the province after "provincia di"
    adjective: str | None = None  # "bresciano" -> BS
    area: str | None = None  # area id
    tier: int = T_FREE

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # The knowledge cache holds ~6,500 of them: rebuilt by __init__ from a tuple, several
        # times quicker to unpickle than dataclasses' generic state of a slotted class.
        return Entry, (
            self.full,
            self.former,
            self.partial,
            self.province,
            self.capital_of,
            self.adjective,
            self.area,
            self.tier,
        )


def build_index(
    active: Sequence[tuple[str, str]],
    former: Mapping[str, int],
    provinces: Mapping[str, Province],
    areas: Iterable[Area],
    common: set[str],
    cue_words: set[str],
) -> dict[str, Entry]:
    """Every key of every Lombard place name, with its tier."""
    index: dict[str, Entry] = {}

    def entry(key: str) -> Entry:
        return index.setdefault(key, Entry())

    full_keys: set[str] = set()
    for i, (name, _) in enumerate(active):
        tokens = key_tokens(name)
        for key in {" ".join(tokens), " ".join(compact(tokens))}:
            entry(key).full.add(i)
            full_keys.add(key)
    # Short forms: "Cinisello" for Cinisello Balsamo, "Cassano" for three comuni (asked back).
    prefixes: dict[str, set[int]] = {}
    for i, (name, _) in enumerate(active):
        words = compact(key_tokens(name))
        for n in range(1, len(words)):
            key = " ".join(words[:n])
            if words[n - 1] != SAINT and len(key.replace(" ", "")) >= PARTIAL_MIN_CHARS:
                prefixes.setdefault(key, set()).add(i)
    for key, found in prefixes.items():
        if len(found) <= PARTIAL_MAX_CANDIDATES and key not in full_keys:
            entry(key).partial |= found
    for key, i in former.items():
        if key not in full_keys:
            entry(key).former.add(i)

    for code, province in provinces.items():
        capital = entry(compact_key(province.capital))
        capital.capital_of = code
        for alias in province.capital_aliases:  # Milan, Mantua
            alias_entry = entry(compact_key(alias))
            alias_entry.full |= capital.full
            alias_entry.capital_of = code
        for alias in province.names:
            entry(compact_key(alias)).province = code
        for adjective in province.adjectives:
            entry(compact_key(adjective)).adjective = code
    for area in areas:
        for alias in area.aliases:
            entry(compact_key(alias)).area = area.id

    for key, item in index.items():
        if key in common:
            item.tier = T_STRONG if item.full else T_CAPITAL
        elif key in cue_words:
            item.tier = T_CUE
        elif item.full or item.province or item.area or item.capital_of:
            item.tier = T_CUE if len(key) <= SHORT_NAME_CHARS else T_FREE
        else:  # short forms, former names, adjectives
            item.tier = T_CUE
    return index


def knowledge_words(knowledge_dir: Path, skip: Iterable[str]) -> frozenset[str]:
    """Every word written in the other knowledge files (FAQ, UI texts): real words, no typos."""
    skipped = {Path(knowledge_dir, name).resolve() for name in skip}
    raw: set[str] = set()
    for path in sorted(Path(knowledge_dir).rglob("*.yaml")):
        if path.resolve() in skipped:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:  # its own loader reports the problem
            logger.warning("places: cannot read %s for the word list: %s", path, exc)
            continue
        raw.update(w for w in TOKEN_RE.findall(text) if len(w) >= KNOWN_WORD_MIN_CHARS)
    # Fold each distinct spelling once (a large knowledge base repeats its words many times).
    return frozenset(folded for w in raw if (folded := fold(w)) and " " not in folded)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Italian and English stop words (the stop-words package is a project dependency)."""
    from stop_words import get_stop_words

    words = {fold(w) for lang in ("it", "en") for w in get_stop_words(lang)}
    return frozenset(w for w in words if w.isalpha())
