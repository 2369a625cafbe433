"""Places of Italy OUTSIDE Lombardy named in a message: "nasko a Torino?", "abito in provincia
di Novara", "bonus bebè Piemonte", "sono di Bologna".

Conservative: exact names only (a typo is corrected only in the name of a region or of a
province capital of 6+ letters, after a cue), and a name needs more evidence the more it looks
like an ordinary word. Never a name that is also a Lombard place (the Lombard finder wins),
a stop word, a cue word or a word of the knowledge base. A Lombard short form that is also the
name of a region, a province or its capital (Treviso, not Treviso Bresciano) is left to this
finder: the directory drops it from the Lombard index.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.frequency import zipf_frequency
from bot.places.cues import NAMED_AFTER, Cues, cues_at
from bot.places.dataset import Named
from bot.places.entities import OutsidePlace
from bot.places.finder import _plausible_typo, spans
from bot.places.schema import ItalyFile
from bot.places.text import SAINT, Tok, compact, compact_key, name_key, shouting, tokenize

MAX_NGRAM = 7  # "San Bartolomeo in Galdo", "Trentino-Alto Adige": words of the longest name
FUZZY_MIN_CHARS = 6  # no typo is corrected in a name shorter than this
SHORT_CHARS = 4  # Roma, Bari, Asti: a cue or a capital letter even for a capital city
RECENT_TEXTS = 64  # texts whose outside place is remembered
COMMON_ZIPF = 3.0  # a word this frequent in everyday Italian or English may not be a name
LOMBARDIA = "lombardia"

# How much evidence a name needs (see `_allows`).
O_FREE = 0  # region, province, capital city of 5+ letters ("Piemonte", "Torino")
O_CUE = 1  # other comuni, short capitals: a cue ("a", "di", "in provincia di") or a capital
O_STRONG = 2  # named like a word or a first name ("Paese", "Bruno"): a cue AND a capital
O_NEVER = 3  # a stop word, a cue word, a word of the knowledge base
RANK = {"comune": 1, "province": 2, "region": 0}


@dataclass(frozen=True, slots=True)
class _Target:
    kind: str  # comune | province | region
    name: str
    province: str | None
    region: str  # region id

    def __reduce__(self) -> tuple[type[_Target], tuple[str, str, str | None, str]]:
        # The knowledge cache holds ~6,500 of them: rebuilt by __init__ from a tuple, several
        # times quicker to unpickle than dataclasses' generic state of a slotted class.
        return _Target, (self.kind, self.name, self.province, self.region)


class OutsideFinder:
    """Names of comuni, provinces and regions outside Lombardy, and how to find them."""

    def __init__(
        self,
        italy: ItalyFile,
        comuni: Iterable[Named],
        lombard_keys: Collection[str],
        filler: Collection[str],
        vocabulary: Collection[str],
        lombard_short_forms: Collection[str] = (),
        first_names: Collection[str] = (),
        common_words: Collection[str] = (),
    ) -> None:
        self._italy = italy
        self._filler = frozenset(filler)  # stop words and cue words: no content
        # ... knowledge words, and the words that name a street or a building ("viale" is no
        # comune of Piedmont in "ats di viale duca degli abruzzi")
        self._blocked = self._filler | frozenset(vocabulary) | NAMED_AFTER
        self._first = frozenset(name_key(n) for n in first_names)
        self._common = frozenset(compact_key(w) for w in common_words)
        self._big: set[str] = set()  # regions, provinces, capitals: the names people know
        index: dict[str, set[_Target]] = {}

        def add(keys: Iterable[str], target: _Target, big: bool = False) -> None:
            for key in keys:
                if key and (key not in lombard_keys or (big and key in lombard_short_forms)):
                    index.setdefault(key, set()).add(target)
                    if big:
                        self._big.add(key)

        def keys(names: Iterable[str]) -> set[str]:
            return {k for name in names for k in (name_key(name), compact_key(name))}

        for rid, region in italy.regions.items():
            if rid != LOMBARDIA:
                names = (region.it, region.en, *region.aliases)
                add(keys(names), _Target("region", region.it, None, rid), big=True)
        capitals: dict[str, str] = {}  # capital key -> province code
        for code, (name, rid) in italy.provinces.items():
            if rid != LOMBARDIA:
                names = (name, *italy.province_aliases.get(code, ()))
                add(keys(names), _Target("province", name, code, rid), big=True)
                capitals[name_key(name)] = code
        aliases = {name_key(k): keys(v) for k, v in italy.comune_aliases.items()}
        for comune in comuni:
            rid = italy.provinces.get(comune.province, ("", ""))[1]
            if rid and rid != LOMBARDIA:
                full = comune.keys[0]
                target = _Target("comune", comune.name, comune.province, rid)
                big = capitals.get(full) == comune.province
                add((*comune.keys, *aliases.get(full, ())), target, big)
        self._index = {
            key: tuple(found) if len(found) == 1 else tuple(sorted(found, key=repr))
            for key, found in index.items()
        }
        self.big_keys = frozenset(self._big)
        self._fuzzy = sorted(k for k in self._big if len(k) >= FUZZY_MIN_CHARS)
        self._tier = lru_cache(maxsize=4096)(self._compute_tier)
        self._starts = frozenset(key.split(" ", 1)[0] for key in self._index)
        # One message is looked at up to three times (its place, its home, outside only).
        self._recent: dict[str, OutsidePlace | None] = {}

    def __contains__(self, key: object) -> bool:
        """Is `key` (a folded name) the name of a place outside Lombardy?"""
        return key in self._index

    def find(self, text: str) -> OutsidePlace | None:
        """The place outside Lombardy the text names, or None (Lombard places: see directory)."""
        recent = self._recent
        if text in recent:
            return recent[text]
        found = self._find(text)
        if len(recent) >= RECENT_TEXTS:
            recent.clear()
        recent[text] = found
        return found

    def _find(self, text: str) -> OutsidePlace | None:
        tokens = tokenize(text or "")
        if not tokens:
            return None
        loud = shouting(text)
        found: list[tuple[int, int, int, _Target]] = []  # (-length, rank, start, target)
        for start, end, key in spans(tokens, MAX_NGRAM, self._starts):
            targets = self._index.get(key)
            if targets is None:
                continue
            cues = cues_at(tokens, start, end, loud, self._filler, self._codes(targets))
            if cues.code_after:  # "Samone (TO)": the province says which one
                code = tokens[end].orig.upper()
                targets = tuple(t for t in targets if t.province == code)
            target = self._pick(key, targets, cues, end - start)
            written = text[tokens[start].start : tokens[end - 1].end]
            if target is not None and _accent_not_in(written, target.name):
                continue  # "a Trevì" (Treviglio, in Bergamasque) is not Trevi in Umbria
            if target is not None:
                found.append((-(end - start), -RANK[target.kind], start, target))
        if not found:
            fuzzy = self._fuzzy_match(tokens, loud)
            if fuzzy is not None:
                found.append(fuzzy)
        if not found:
            return None
        length, _, start, target = min(found, key=lambda f: (f[0], f[1], f[2]))
        matched = text[tokens[start].start : tokens[start - length - 1].end]
        region = self._italy.regions[target.region]
        return OutsidePlace(
            target.kind, target.name, target.province, region.it, region.en, matched
        )

    @staticmethod
    def _codes(targets: Sequence[_Target]) -> set[str]:
        return {t.province for t in targets if t.province}

    def _pick(self, key: str, targets: Sequence[_Target], cues: Cues, words: int) -> _Target | None:
        """The target the key stands for here, if the cues allow it."""
        if cues.named_after or not self._allows(self._tier(key, words), cues):
            return None  # "la coop La Ginestra", "via Roma": a name, no place
        kinds = {t.kind for t in targets}
        if "region" in kinds and (cues.region or len(kinds) == 1):
            return next(t for t in targets if t.kind == "region")
        provinces = [t for t in targets if t.kind == "province"]
        comuni = [t for t in targets if t.kind == "comune"]
        if provinces and (cues.province or not comuni):
            return provinces[0]
        if "region" in kinds and not comuni:
            return next(t for t in targets if t.kind == "region")
        if len({t.region for t in comuni}) == 1:  # several comuni of one region: still clear
            first = comuni[0]
            if len(comuni) > 1:
                return _Target("comune", first.name, None, first.region)
            return first
        return None  # the same name in several regions: no guess

    @staticmethod
    def _allows(tier: int, cues: Cues) -> bool:
        cue = cues.weak or cues.strong
        if tier == O_FREE:
            return True
        if tier == O_CUE:
            return cue or cues.capital_mid or cues.code_after or cues.alone or cues.headline
        if tier == O_STRONG:  # "comune di sassuolo", "abito a sassuolo": sure in lower case too
            # ... but not "per il cresco firmo un progetto" (a fund's name, then a verb)
            strong = cues.strong and not (cues.prev_in or cues.after_measure)
            return strong or (cue and cues.capital) or cues.code_after or cues.headline
        return False

    def _compute_tier(self, key: str, words: int) -> int:
        """How much evidence the name needs (cached: only names met in texts are rated)."""
        parts = key.split()
        if words == 1 and key in self._blocked:
            return O_NEVER
        if key in self._first or key in self._common or " ".join(compact(parts)) in self._common:
            return O_STRONG
        if key in self._big:
            return O_CUE if len(key) <= SHORT_CHARS else O_FREE
        ordinary = [p for p in parts if p == SAINT or p in self._blocked or _is_common(p)]
        if len(ordinary) == len(parts):  # "Paese", "Due Carrare", "San Lorenzo"
            return O_STRONG
        return O_STRONG if len(key) <= SHORT_CHARS else O_CUE

    def _fuzzy_match(self, tokens: list[Tok], loud: bool) -> tuple[int, int, int, _Target] | None:
        """One misspelt word after a cue, one edit from a region or a capital ("Bolgona")."""
        for i, tok in enumerate(tokens):
            word = tok.key
            if len(word) < FUZZY_MIN_CHARS or word in self._blocked or _is_common(word):
                continue
            cues = cues_at(tokens, i, i + 1, loud, self._filler, ())
            if not (cues.weak or cues.strong):
                continue
            hit = process.extractOne(word, self._fuzzy, scorer=OSA.distance, score_cutoff=1)
            if hit is None or not _plausible_typo(word, hit[0]):
                continue
            target = self._pick(hit[0], self._index[hit[0]], cues, 1)
            if target is not None:
                return (-1, -RANK[target.kind], i, target)
        return None


@lru_cache(maxsize=8192)
def _is_common(word: str) -> bool:
    """An everyday Italian or English word (or a very common name) per wordfreq."""
    return any(zipf_frequency(word, lang) >= COMMON_ZIPF for lang in ("it", "en"))


_ACCENTED = frozenset("àáèéìíòóùú")


def _accent_not_in(written: str, official: str) -> bool:
    """A written accent the official name lacks: a dialect's name of another place."""
    name = official.lower()
    return any(c in _ACCENTED and c not in name for c in written.lower())
