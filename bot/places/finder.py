"""Find a Lombard place in a free-text question (`find`) or in a bare answer (`resolve`).

Deliberately cautious: many comuni are named like ordinary words (Mese, Nave, Opera, Zone...),
so short or common names need a cue ("a Rho", "sono di Lodi", "comune di Opera", "near Pavia")
and typos are corrected only where a real word cannot be meant.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.frequency import zipf_frequency
from bot.places.candidates import SCORE_EXACT, Cand, code_candidates, short_forms, without_overlaps
from bot.places.cues import (
    AREA_CUES,
    PLACE_CUES,
    PROVINCE_WORDS,
    RESIDENCE_WORDS,
    cues_at,
    tier_allows,
)
from bot.places.dataset import LOMBARD_PROVINCES
from bot.places.dialect import DialectNames
from bot.places.entities import Comune, PlaceMatch
from bot.places.index import T_CUE, T_FREE, T_STRONG, Entry, stop_words
from bot.places.text import (
    PARTICLES,
    SAINT,
    Tok,
    compact_key,
    shouting,
    tokenize,
    without_ats_names,
)

MAX_NGRAM = 6  # longest comune name, in words, once particles are dropped
RESOLVE_MAX_TOKENS = 6  # longer answers to "Dove abiti?" are read with the `find` policy
# Typos. Ordinary words one edit away from a comune are many ("parte"/Parre, "maggio"/Moggio,
# "luglio"/Laglio), so one word is corrected only when it is not a known word (stop words,
# every word of the knowledge base, `matching.known_words`), has a cue, and the edit is a
# missing or extra letter; a swapped letter from 6 letters, a wrong letter from 9.
FUZZY_MIN_CHARS = 5  # one-word typos: "milno", "vigevno"
FUZZY_SWAP_CHARS = 6  # "bresica"
FUZZY_SUBST_CHARS = 9  # "cinisallo"
FUZZY_MIN_CHARS_RELAXED = 5  # when the text is just a place name (resolve)
FUZZY_MAX_GRAM = 3  # words per typo candidate ("busto arsizo")
FUZZY_MULTI_MIN_CHARS = 8  # several-word typos: at least this long
FUZZY_LONG_CHARS = 12  # several-word typos: from this length two edits are allowed
FUZZY_LIMIT = 6  # candidates looked at per typo
EVERYDAY_WORD_ZIPF = 3.5  # a word this frequent is never a one-word typo ("bello", "Blello")
TYPO_MEMO = 50_000  # runs of words whose typo search is remembered
RECENT_TEXTS = 64  # texts whose place is remembered
RESOLVE_MEMO = 50_000  # texts read as a bare place (words of messages, mostly) remembered
_UNSEEN = object()

# A short form whose words are rarer than this (Zipf) in Italian and English is no word
# ("Desenzano", "Cernusco"): with its capital letter it names the place anywhere.
RARE_NAME_ZIPF = 3.5
# A message made only of a comune's name is the place unless the name is a very common word
# ("calcio", "mese", "opera").
ALONE_MAX_ZIPF = 4.5

SCORE_FORMER = 95.0
SCORE_PARTIAL = 90.0

RANK = {"comune": 3, "area": 2, "province": 1, "ambiguous": 0}


def _plausible_typo(gram: str, key: str) -> bool:
    """One word, one edit, no everyday word ("che bello!"): a missing or extra letter always; a
    swap or a wrong letter only in longer words ("parte" is not Parre, "bresica" is Brescia)."""
    if max(zipf_frequency(gram, "it"), zipf_frequency(gram, "en")) >= EVERYDAY_WORD_ZIPF:
        return False
    if len(key) != len(gram):
        return True
    if sorted(key) == sorted(gram):
        return len(gram) >= FUZZY_SWAP_CHARS
    return len(gram) >= FUZZY_SUBST_CHARS


def _fuzzy_target(key: str, entry: Entry) -> bool:
    """Keys worth a typo search: names (not ordinary words), short forms of 7+ letters."""
    if entry.tier >= T_STRONG or (entry.adjective and not entry.full):
        return False
    if entry.partial and not entry.full:
        return len(key) >= 7
    return len(key) >= FUZZY_MIN_CHARS


def _merge_entries(entries: Sequence[Entry]) -> Entry:
    """Several keys at the same distance from a typo: all their comuni are candidates."""
    if len(entries) == 1:
        return entries[0]
    merged = Entry()
    for entry in entries:
        merged.full |= entry.full
        merged.former |= entry.former
        merged.partial |= entry.partial
        merged.province = merged.province or entry.province
        merged.capital_of = merged.capital_of or entry.capital_of
        merged.area = merged.area or entry.area
        merged.tier = max(merged.tier, entry.tier)
    if len(merged.full) > 1 or (merged.full and (merged.partial or merged.former)):
        merged.partial |= merged.full | merged.former
        merged.full = set()
    return merged


def spans(
    tokens: Sequence[Tok],
    longest: int,
    starts: Container[str] | None = None,
    inner: Container[str] | None = None,
) -> set[tuple[int, int, str]]:
    """Every run of up to `longest` words, with and without particles, as (start, end, key).

    With `starts` (the first words of the keys looked up), only runs beginning with one of
    them: a long message has thousands of runs, and few can be a place name. With `inner`
    (every run of words that a longer key begins with), a run is not lengthened past one
    that begins no key: the runs left out are no key, and no key is left out.
    """
    out: set[tuple[int, int, str]] = set()
    for i in range(len(tokens)):
        if starts is not None and tokens[i].key not in starts:
            continue
        key = tokens[i].key
        out.add((i, i + 1, key))
        for end in range(i + 2, min(i + longest, len(tokens)) + 1):
            if inner is not None and key not in inner:
                break
            key = f"{key} {tokens[end - 1].key}"
            out.add((i, end, key))
    kept = [i for i, tok in enumerate(tokens) if tok.key not in PARTICLES]
    for ci in range(len(kept)):
        if starts is not None and tokens[kept[ci]].key not in starts:
            continue
        key = tokens[kept[ci]].key
        out.add((kept[ci], kept[ci] + 1, key))
        for cj in range(ci + 1, min(ci + longest, len(kept))):
            if inner is not None and key not in inner:
                break
            key = f"{key} {tokens[kept[cj]].key}"
            out.add((kept[ci], kept[cj] + 1, key))
    return out


class PlaceFinder:
    """Lombard place names in a text, over the index of `bot.places.index`."""

    def __init__(
        self,
        comuni: Sequence[Comune],
        index: dict[str, Entry],
        area_province: Mapping[str, str],
        known_words: Iterable[str] = (),
        names_elsewhere: Container[str] = (),
    ) -> None:
        self.comuni = tuple(comuni)
        self.index = index
        self._starts = frozenset(key.split(" ", 1)[0] for key in index)
        # The runs of words that begin a longer key ("s", "s angelo"): `spans` lengthens no
        # other run (a long message's runs are mostly words that begin no name).
        self._inner = frozenset(
            " ".join(words[:n])
            for words in (key.split(" ") for key in index)
            for n in range(1, len(words))
        )
        self._area_province = dict(area_province)
        self.no_fuzzy = stop_words() | PLACE_CUES | AREA_CUES | RESIDENCE_WORDS | PROVINCE_WORDS
        self._name_words = frozenset(word for key in index for word in key.split())
        self._not_typos = self.no_fuzzy | frozenset(known_words)  # real words, never typos
        self._dialect = DialectNames(self.comuni, self._not_typos, names_elsewhere)
        self._elsewhere = names_elsewhere  # names of places outside Lombardy, never typos
        self._fuzzy_by_len: dict[int, list[str]] = {}
        for key, entry in index.items():
            if _fuzzy_target(key, entry):
                self._fuzzy_by_len.setdefault(len(key), []).append(key)
        self._windows: dict[tuple[int, int], list[str]] = {}
        self._typos: dict[tuple[str, bool], tuple[Entry, float] | None] = {}
        self._recent: dict[tuple[str, bool], PlaceMatch | None] = {}  # the last texts read
        self._resolved: dict[str, PlaceMatch | None] = {}  # texts (mostly words) resolved
        # Per length: (0, first letter) / (-1, last letter) -> positions in the 1-edit window.
        self._ends: dict[int, dict[tuple[int, str], list[int]]] = {}

    def find(self, text: str) -> PlaceMatch | None:
        """A place mentioned in a free-text question, or None: no clear place, no guess."""
        return self._best(text, relaxed=False)

    def resolve(self, text: str) -> PlaceMatch | None:
        """The text is just a place (an answer to "Dove abiti?"): 'Rho', 'mi', 'Vigevno'.

        Depends on the text alone: remembered apart from the messages `find` reads, since
        the answers ask it of every word of a message ("is this word a place?").
        """
        memo = self._resolved.get(text, _UNSEEN)
        if memo is not _UNSEEN:
            return memo  # type: ignore[return-value]
        found = self._resolve(text)
        if len(self._resolved) < RESOLVE_MEMO:
            self._resolved[text] = found
        return found

    def _resolve(self, text: str) -> PlaceMatch | None:
        stripped = text.strip().strip(".!?,;:()[]\"'")
        if not stripped:
            return None
        if stripped.upper() in LOMBARD_PROVINCES:
            return PlaceMatch("province", (), stripped.upper(), stripped, SCORE_EXACT)
        return self._read(stripped, relaxed=len(tokenize(stripped)) <= RESOLVE_MAX_TOKENS)

    def is_former_name(self, text: str) -> bool:
        entry = self.index.get(compact_key(text))
        return entry is not None and bool(entry.former) and not entry.full and not entry.partial

    def _best(self, text: str, relaxed: bool) -> PlaceMatch | None:
        # One message is looked at up to twice (bot.places.directory: find, find_outside).
        key = (text, relaxed)
        if key in self._recent:
            return self._recent[key]
        found = self._read(text, relaxed)
        if len(self._recent) >= RECENT_TEXTS:
            self._recent.clear()
        self._recent[key] = found
        return found

    def _read(self, text: str, relaxed: bool) -> PlaceMatch | None:
        cleaned = without_ats_names(text or "")
        tokens = tokenize(cleaned)
        if not tokens:
            return None
        loud = shouting(cleaned)
        cands = self._exact_candidates(tokens, loud, relaxed)
        cands += self._fuzzy_candidates(tokens, cands, loud, relaxed)
        codes = code_candidates(tokens, loud)
        cands += codes + short_forms(self.comuni, tokens, codes, cands)
        if not cands:
            cands = self._dialect.candidates(tokens)  # "stó a Sàrnich", "sun de Lod"
        if not cands:
            return None
        kept = without_overlaps(cands)
        self._narrow_ambiguous(kept)
        best = max(kept, key=lambda c: (c.strong, RANK[c.kind], c.exact, c.score, -c.start))
        if best.kind in ("province", "area"):
            # "in provincia di Bergamo, a Trescore": the comune is the more precise answer
            inside = [
                c
                for c in kept
                if c.kind == "comune" and self.comuni[c.comuni[0]].province == best.province
            ]
            if inside:
                best = max(inside, key=lambda c: (c.exact, c.score, -c.start))
        last = best.end - 1
        while last > best.start and len(tokens[last].norm) == 1 and tokens[last - 1].after == ",":
            last -= 1  # "Casalmaggiore, a chi ci rivolgiamo?": the "a" is no part of the name
        matched = cleaned[tokens[best.start].start : tokens[last].end]
        if best.kind in ("province", "area"):
            return PlaceMatch("province", (), best.province, matched, best.score, area=best.area)
        comuni = tuple(self.comuni[i] for i in best.comuni)
        return PlaceMatch(best.kind, comuni, None, matched, best.score)

    def _narrow_ambiguous(self, kept: list[Cand]) -> None:
        """'Cassano (MI)', 'Sesto, vicino a Milano': other places in the text pick one."""
        hints = {c.province for c in kept if c.province}
        hints |= {self.comuni[c.comuni[0]].province for c in kept if c.kind == "comune"}
        if not hints:
            return
        for cand in kept:
            if cand.kind != "ambiguous":
                continue
            narrowed = tuple(i for i in cand.comuni if self.comuni[i].province in hints)
            if narrowed:
                cand.comuni = narrowed
                cand.kind = "comune" if len(narrowed) == 1 else "ambiguous"

    def _exact_candidates(self, tokens: list[Tok], loud: bool, relaxed: bool) -> list[Cand]:
        """Every run of words (with and without particles) that is a key of the index."""
        out: list[Cand] = []
        for start, end, key in sorted(spans(tokens, MAX_NGRAM, self._starts, self._inner)):
            entry = self.index.get(key)
            if entry is None:
                continue
            cand = self._candidate(entry, tokens, start, end, loud, relaxed, None)
            if cand is not None:
                out.append(cand)
        return out

    def _fuzzy_candidates(
        self, tokens: list[Tok], exact: list[Cand], loud: bool, relaxed: bool
    ) -> list[Cand]:
        """Runs of up to three words, not already matched exactly, one or two edits away."""
        covered = {i for c in exact for i in range(c.start, c.end)}
        kept = [i for i, tok in enumerate(tokens) if tok.key not in PARTICLES]
        # What _typo_possible asks of each word, asked once per word rather than per run.
        words = [tokens[j] for j in kept]
        digit = [w.norm.isdigit() for w in words]
        known = [w.norm in self._not_typos for w in words]
        # A real word that is in no name: no run of several words goes through it.
        blocked = [known[k] and w.key not in self._name_words for k, w in enumerate(words)]
        out: list[Cand] = []
        for ci in range(len(kept)):
            if digit[ci] or blocked[ci]:  # no run through a number, or a real word in no name
                continue  # (nor is the real word a typo: `blocked` implies `known`)
            first = words[ci]
            starts_run = first.key == SAINT or (
                first.norm not in self.no_fuzzy and len(first.key) >= 3
            )
            # A run of several words must start well (below): else only the word itself.
            for n in range(1, (FUZZY_MAX_GRAM if starts_run else 1) + 1):
                idxs = kept[ci : ci + n]
                if len(idxs) < n or digit[ci + n - 1]:
                    break
                if covered and all(j in covered for j in idxs):  # most texts have none
                    continue
                if n == 1:
                    min_chars = FUZZY_MIN_CHARS_RELAXED if relaxed else FUZZY_MIN_CHARS
                    if len(first.norm) < min_chars or known[ci] or first.norm in self._elsewhere:
                        continue
                    run = [first]
                else:
                    if not starts_run:
                        break
                    run = words[ci : ci + n]
                    if any(blocked[ci : ci + n]):
                        break  # a real word that is in no name: longer runs have it too
                    if len(" ".join(w.key for w in run)) < FUZZY_MULTI_MIN_CHARS:
                        continue
                found = self._typo_match(" ".join(t.key for t in run), relaxed)
                if found is None:
                    continue
                entry, score = found
                cand = self._candidate(entry, tokens, idxs[0], idxs[-1] + 1, loud, relaxed, score)
                if cand is not None:
                    out.append(cand)
        return out

    def _typo_possible(self, words: list[Tok], relaxed: bool) -> bool:
        """Words that may hide a misspelt name (not real words, not cues, long enough).

        The reference for _fuzzy_candidates, which asks the same per word (tests/test_places.py).
        """
        if any(word.norm.isdigit() for word in words):
            return False
        if len(words) == 1:
            word = words[0].norm
            min_chars = FUZZY_MIN_CHARS_RELAXED if relaxed else FUZZY_MIN_CHARS
            return (
                len(word) >= min_chars
                and word not in self._not_typos
                and word not in self._elsewhere
            )
        first = words[0]
        if first.key != SAINT and (first.norm in self.no_fuzzy or len(first.key) < 3):
            return False
        if len(" ".join(w.key for w in words)) < FUZZY_MULTI_MIN_CHARS:
            return False
        # a stop word or a known word may be part of a name ("Brembate di Sopra"), if some
        # comune has it
        return all(w.norm not in self._not_typos or w.key in self._name_words for w in words)

    def _typo_match(self, gram: str, relaxed: bool) -> tuple[Entry, float] | None:
        """The index entry a run of words (keys joined by spaces) is a typo of, with its score.

        Depends on the run alone, not on the message: remembered (names and typos recur).
        """
        memo = self._typos.get((gram, relaxed), _UNSEEN)
        if memo is not _UNSEEN:
            return memo  # type: ignore[return-value]
        found = self._search_typo(gram, relaxed)
        if len(self._typos) < TYPO_MEMO:
            self._typos[(gram, relaxed)] = found
        return found

    def _search_typo(self, gram: str, relaxed: bool) -> tuple[Entry, float] | None:
        if gram in self.index:
            return None
        words = gram.count(" ") + 1
        max_dist = 2 if words > 1 and len(gram) >= FUZZY_LONG_CHARS else 1
        hits = process.extract(
            gram,
            self._typo_choices(gram, max_dist),
            scorer=OSA.distance,
            score_cutoff=max_dist,
            limit=FUZZY_LIMIT,
        )
        if not hits:
            return None
        best_dist = min(hit[1] for hit in hits)
        keys = [hit[0] for hit in hits if hit[1] == best_dist]
        if words == 1 and not relaxed:
            keys = [key for key in keys if _plausible_typo(gram, key)]
        if not keys:
            return None
        capitals = [key for key in keys if self.index[key].capital_of]
        if capitals and len(capitals) < len(keys):  # "cremna": Cremona rather than Crema
            keys = capitals
        entry = _merge_entries([self.index[key] for key in keys])
        free = words > 1 and best_dist == 1 and entry.tier == T_FREE
        entry = replace(entry, tier=T_FREE if free else max(entry.tier, T_CUE))
        score = round(100.0 * (1 - best_dist / max(len(gram), len(keys[0]))), 1)
        return entry, score

    def _typo_choices(self, gram: str, max_dist: int) -> list[str]:
        """The keys of the window that can be within `max_dist` edits of `gram`, in order.

        One edit (with transpositions) never changes both the first and the last letter of a
        word of 3+ letters: the keys sharing either are the only ones one edit away, in the
        window's order, so rapidfuzz returns the same hits from a list ~20 times shorter.
        """
        window = self._window(len(gram), max_dist)
        if max_dist != 1 or len(gram) < 3:
            return window
        ends = self._ends.get(len(gram))
        if ends is None:
            ends = {}
            for position, key in enumerate(window):
                ends.setdefault((0, key[0]), []).append(position)
                ends.setdefault((-1, key[-1]), []).append(position)
            self._ends[len(gram)] = ends
        first = ends.get((0, gram[0]), [])
        last = ends.get((-1, gram[-1]), [])
        return [window[position] for position in sorted({*first, *last})]

    def _window(self, length: int, max_dist: int) -> list[str]:
        """Fuzzy-searchable keys whose length is within `max_dist` of `length` (cached)."""
        cached = self._windows.get((length, max_dist))
        if cached is None:
            cached = [
                key
                for size in range(length - max_dist, length + max_dist + 1)
                for key in self._fuzzy_by_len.get(size, [])
            ]
            self._windows[(length, max_dist)] = cached
        return cached

    def _candidate(
        self,
        entry: Entry,
        tokens: list[Tok],
        start: int,
        end: int,
        loud: bool,
        relaxed: bool,
        fuzzy_score: float | None,
    ) -> Cand | None:
        """What the key at tokens[start:end] stands for here, if the context allows it."""
        cues = cues_at(tokens, start, end, loud, self.no_fuzzy, LOMBARD_PROVINCES)
        exact = fuzzy_score is None

        def place(kind: str, province: str | None, area: str | None, score: float) -> Cand:
            score = fuzzy_score or score
            return Cand(start, end, kind, (), province, area, score, exact, cues.strong)

        if entry.area is not None:
            return place("area", self._area_province[entry.area], entry.area, SCORE_EXACT)
        if entry.capital_of is not None and cues.province:
            return place("province", entry.capital_of, None, SCORE_EXACT)
        if entry.province is not None and not (entry.full or entry.partial or entry.former):
            return place("province", entry.province, None, SCORE_EXACT)
        if entry.adjective is not None and not entry.full:
            if relaxed or cues.area:
                return place("province", entry.adjective, None, SCORE_PARTIAL)
            return None
        # "Lodi ha ...", "Desenzano time saving": with its capital letter even at the start
        # of a message, a capital's name (unless also an English word: "Como puedo") or a
        # name that is no common word is the place.
        words = tokens[start:end]
        city = (
            entry.capital_of is not None and not any(zipf_frequency(t.norm, "en") for t in words)
        ) or all(
            zipf_frequency(t.norm, "it") < RARE_NAME_ZIPF
            and zipf_frequency(t.norm, "en") < RARE_NAME_ZIPF
            for t in words
        )
        if cues.named_after and not relaxed and not entry.full:
            return None  # "parrocchia di San Rocco", "via Roma": no comune
        # "erba", "albino": a message that is only a comune's name, no very common word
        alone = cues.alone and all(zipf_frequency(t.norm, "it") < ALONE_MAX_ZIPF for t in words)
        allowed = tier_allows(entry.tier, cues, relaxed, city) or alone
        if not (allowed or cues.code_lower):
            return None
        if entry.full:
            comuni, score = tuple(sorted(entry.full)), SCORE_EXACT
        elif entry.former and not entry.partial:
            comuni, score = tuple(sorted(entry.former)), SCORE_FORMER
        else:
            comuni, score = tuple(sorted(entry.partial | entry.former)), SCORE_PARTIAL
        if not allowed:  # "albino bg", "erba co": a comune of the province written after it
            comuni = tuple(i for i in comuni if self.comuni[i].province == cues.code_lower)
        if not comuni:
            return None
        kind = "comune" if len(comuni) == 1 else "ambiguous"
        return Cand(start, end, kind, comuni, None, None, fuzzy_score or score, exact, cues.strong)
