"""The place directory: the ATS of knowledge/ats.yaml, every active comune of Lombardy mapped to
its ATS, the finders over them, and the answers."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

from bot.models import CONSTRUCTION_ERRORS, Frozen, safe_loader
from bot.normalise import fold
from bot.places.cues import (
    AREA_CUES,
    GREETING_WORDS,
    PLACE_CUES,
    PROVINCE_WORDS,
    REGION_WORDS,
    RESIDENCE_WORDS,
)
from bot.places.dataset import (
    LOMBARD_PROVINCES,
    Named,
    first_names,
)
from bot.places.dataset import load_dataset as _load_dataset
from bot.places.entities import Comune, OutsidePlace, PlaceMatch
from bot.places.finder import PlaceFinder
from bot.places.index import Entry, build_index, knowledge_words, stop_words
from bot.places.outside import OutsideFinder
from bot.places.replies import ReplyBuilder
from bot.places.schema import Ats, AtsFile, ItalyFile, PlacesError, parse
from bot.places.text import compact_key, lookup_key, name_key
from bot.reply import Reply
from bot.texts import Texts

# "sto a", "abito a", "I live in" just before a place: where the person lives (not "mia
# mamma sta in Calabria").
_LIVES_IN = (
    r"\b(?:abito|abitiamo|vivo|viviamo|risiedo|risiediamo|sto|stiamo|residente|residenti|"
    r"domiciliato|domiciliata|i live|we live|i m based|im based|we re based|were based|"
    r"resident|living|moved|moving|trasferit[aoie])\s+(?:a|ad|in|nel|nella|at|near|to)\s+"
)

# "sono di Novara ma lavoro a Milano": where the person is from, set against where they work,
# is where they live (a bare "sono di Napoli" may be where they come from).
_FROM_BUT_WORKS = (
    r"\b(?:sono|siamo|i m from|im from|we re from|i am from|we are from)\s+(?:di\s+|da\s+)?",
    r"\s+(?:ma|e|but|and)\s+(?:lavoro|lavoriamo|lavora|i work|we work|work)\b",
)
# "sono di Alessandria, vicino a Pavia": a place near a Lombard one is where the person is.
_FROM_NEAR = (
    r"\b(?:sono|siamo|i m from|im from|we re from|i am from|we are from)\s+(?:di\s+|da\s+)?",
    r"\s+(?:vicino a|vicino|accanto a|near|close to|a pochi (?:km|chilometri|minuti) da|a \d+ "
    r"(?:km|chilometri|minuti) da|a due passi da)\b",
)

logger = logging.getLogger(__name__)
MAX_FOUND = 64  # messages whose place is remembered

ATS_FILE = "ats.yaml"
ITALY_FILE = "italy.yaml"
M = TypeVar("M", bound=Frozen)


class PlaceDirectory:
    """The ATS directory, every active comune of Lombardy and place finders over them."""

    def __init__(
        self,
        config: AtsFile,
        comuni: Iterable[Comune],
        finder: PlaceFinder,
        outside: OutsideFinder | None = None,
    ) -> None:
        self.config = config
        self.ats: dict[str, Ats] = {a.id: a for a in config.ats}
        self.comuni = tuple(comuni)
        self.as_of = config.as_of
        self._finder = finder
        self._outside = outside
        self._replies = ReplyBuilder(config, finder.is_former_name)
        self._by_key = {lookup_key(c.key): c for c in self.comuni}

    # --- loading ---

    @classmethod
    def load(cls, knowledge_dir: Path | str) -> PlaceDirectory:
        """Read knowledge/ats.yaml (and italy.yaml); raise PlacesError listing every problem."""
        started = time.perf_counter()
        root = Path(knowledge_dir)
        config = _read(root / ATS_FILE, AtsFile)
        italy_path = root / ITALY_FILE
        italy = _read(italy_path, ItalyFile) if italy_path.exists() else None
        # The lexicons hold cue words, typos included ("nasco"): not words of the answers.
        words = knowledge_words(
            root, skip=(ATS_FILE, ITALY_FILE, "understanding.yaml", "smalltalk.yaml")
        )
        directory = cls.build(config, words, italy)
        logger.info(
            "places: %d comuni, %d ATS loaded in %.0f ms",
            len(directory.comuni),
            len(directory.ats),
            (time.perf_counter() - started) * 1000,
        )
        return directory

    @classmethod
    def from_data(
        cls, data: object, where: str = ATS_FILE, vocabulary: Iterable[str] = ()
    ) -> PlaceDirectory:
        """Build from parsed ats.yaml; `vocabulary`: real words never taken for typos."""
        return cls.build(parse(AtsFile, data, where), frozenset(vocabulary))

    @classmethod
    def build(
        cls, config: AtsFile, vocabulary: frozenset[str], italy: ItalyFile | None = None
    ) -> PlaceDirectory:
        """Map every active Lombard comune to its ATS and index the names."""
        dataset = _load_dataset()
        active = dataset.active
        index_of = {(name_key(name), code): i for i, (name, code) in enumerate(active)}
        problems: list[str] = []

        def find_comune(name: str, code: str, where: str) -> int | None:
            found = index_of.get((name_key(name), code))
            if found is None:
                problems.append(f"{ATS_FILE}: {where}: '{name}' is not an active comune of {code}")
            return found

        for code, province in config.provinces.items():
            find_comune(province.capital, code, f"province {code}: field 'capital'")
        listed: dict[int, str] = {}  # comune index -> area id
        for area in config.areas:
            for name in area.comuni:
                found = find_comune(name, area.province, f"area '{area.id}': field 'comuni'")
                if found is not None and found in listed:
                    problems.append(
                        f"{ATS_FILE}: area '{area.id}': field 'comuni': '{name}' is also in "
                        f"area '{listed[found]}'"
                    )
                elif found is not None:
                    listed[found] = area.id
        former = dict(dataset.former)  # a copy: the dataset is shared by every load
        for merger in config.mergers:
            found = find_comune(
                merger.into, merger.province, f"merger '{merger.former}': field 'into'"
            )
            if found is not None:
                former[compact_key(merger.former)] = found
        if problems:
            raise PlacesError(problems)

        areas = {a.id: a for a in config.areas}
        open_areas: dict[str, str] = {}  # province -> ATS of an exception without a full list
        for area in config.areas:
            if area.ats and area.ats != config.main_ats(area.province) and not area.complete:
                open_areas[area.province] = area.ats

        def ats_of(i: int, code: str) -> tuple[str, ...]:
            area = areas.get(listed.get(i, ""))
            if area is not None and area.ats:
                return (area.ats,)
            main = config.main_ats(code)
            return (main, open_areas[code]) if code in open_areas else (main,)

        comuni = [
            Comune(name, code, ats_of(i, code), listed.get(i))
            for i, (name, code) in enumerate(active)
        ]
        matching = config.matching
        index = build_index(
            active,
            former,
            config.provinces,
            config.areas,
            {compact_key(w) for w in matching.common_words},
            {compact_key(w) for w in matching.cue_words},
        )
        known = frozenset(lookup_key(w) for w in matching.known_words) | vocabulary
        outside = None
        if italy is not None:
            outside = _outside_finder(italy, dataset.outside, index, vocabulary)
            # "Treviso" is Treviso (TV), not a short form of Treviso Bresciano.
            for key in outside.big_keys & index.keys():
                del index[key]
        area_province = {a.id: a.province for a in config.areas}
        # The name of a comune elsewhere is no typo of a Lombard one ("Torino" / "Torno").
        finder = PlaceFinder(comuni, index, area_province, known, outside or ())
        return cls(config, comuni, finder, outside)

    # --- lookups ---

    def comune_by_key(self, key: str) -> Comune | None:
        """The comune with key 'Name|PR' (as in button data), or None."""
        return self._by_key.get(lookup_key(key))

    def ats_for_province(self, code: str) -> tuple[str, ...]:
        """ATS ids serving a province, the main one first: 'BS' -> ('brescia', 'montagna')."""
        code = code.upper()
        if code not in LOMBARD_PROVINCES:
            return ()
        exc = self._replies.exceptions.get(code)
        main = self.config.main_ats(code)
        return (main, exc.ats) if exc is not None and exc.ats else (main,)

    def ats_for_match(self, match: PlaceMatch | None) -> tuple[str, ...]:
        """The ATS ids a match points to (for an ambiguous match, those of every candidate)."""
        if match is None:
            return ()
        if match.kind == "province":
            area = self._replies.areas.get(match.area or "")
            if area is None:
                return self.ats_for_province(match.province or "")
            if area.ats:
                return (area.ats,)
            return tuple(dict.fromkeys(self._replies.areas[p].ats or "" for p in area.parts))
        return tuple(dict.fromkeys(a for comune in match.comuni for a in comune.ats))

    def dates_shown(self) -> list[date]:
        """Every date a place answer may show (sources and contacts checked on): the knowledge
        cache renders them ahead (bot/cache.py)."""
        config = self._replies.config
        days = [config.as_of, *(ats.contacts.checked for ats in config.ats)]
        return days + [area.as_of for area in config.areas if area.as_of]

    def province_name(self, code: str, lang: str) -> str:
        """'provincia di Lodi', 'Città metropolitana di Milano'."""
        return self._replies.province_name(code, lang)

    # --- finding places ---

    def find(self, text: str) -> PlaceMatch | None:
        """A Lombard place mentioned in a free-text question, or None: no clear place, no guess.

        A Lombard name inside a longer name of elsewhere ("San Giorgio" in "San Giorgio a
        Cremano") is not taken for the Lombard place.
        """
        # One message is searched twice (its understanding and its language): remembered.
        found = self.__dict__.setdefault("_found", {})
        if text in found:
            return found[text]
        if len(found) >= MAX_FOUND:
            found.clear()
        match = self._finder.find(text)
        if match is not None and self._outside is not None:
            outside = self._outside.find(text)
            match = None if outside is not None and _within(match, outside) else match
        found[text] = match
        return match

    def resolve(self, text: str) -> PlaceMatch | None:
        """The text is just a place (an answer to "Dove abiti?"): 'Rho', 'mi', 'Vigevno'."""
        return self._finder.resolve(text)

    def find_outside(self, text: str) -> OutsidePlace | None:
        """A comune, province or region of Italy outside Lombardy named in the text, or None
        (also when the text names a Lombard place: that one wins)."""
        if self._outside is None:
            return None
        outside = self._outside.find(text)
        if outside is None:
            return None
        match = self._finder.find(text)
        return outside if match is None or _within(match, outside) else None

    def home_outside(self, text: str) -> OutsidePlace | None:
        """A place outside Lombardy the person says they live in ("sto a Novara ma lavoro a
        Milano"), even when a Lombard place is named too: the measures are for residents."""
        if self._outside is None:
            return None
        outside = self._outside.find(text)
        if outside is None:
            return None
        name = re.escape(fold(outside.matched_text))
        folded = fold(text)
        if re.search(_LIVES_IN + name + r"\b", folded):
            return outside
        said = (name.join(_FROM_BUT_WORKS), name.join(_FROM_NEAR))
        return outside if any(re.search(pattern, folded) for pattern in said) else None

    # --- answers ---

    def describe(self, match: PlaceMatch, texts: Texts, lang: str) -> Reply:
        """The user-facing answer: the ATS, its territory, page and contacts, the sources."""
        return self._replies.describe(match, self.ats_for_match(match), texts, lang)

    def describe_ats(self, ats_id: str, texts: Texts, lang: str) -> Reply:
        """An ATS named by the user, with no comune: its territory, page and contacts."""
        return self._replies.describe_ats(ats_id, texts, lang)

    def describe_outside(self, place: OutsidePlace, texts: Texts, lang: str) -> Reply:
        """The place is outside Lombardy: where it is, and what this assistant covers."""
        return self._replies.describe_outside(place, texts, lang)


def _within(match: PlaceMatch, outside: OutsidePlace) -> bool:
    """The Lombard match is part of a longer name of a place elsewhere."""
    inner, outer = fold(match.matched_text), fold(outside.matched_text)
    return inner != outer and f" {inner} " in f" {outer} "


def _outside_finder(
    italy: ItalyFile, named: tuple[Named, ...], index: dict[str, Entry], vocabulary: frozenset[str]
) -> OutsideFinder:
    """The finder of places outside Lombardy; Lombard names win, except bare short forms."""
    unknown = {comune.province for comune in named} - set(italy.provinces)
    if unknown:  # a newer dataset with new provinces: their comuni are left out
        logger.warning("places: provinces not in %s: %s", ITALY_FILE, sorted(unknown))
    short_forms = {
        key
        for key, e in index.items()
        if e.partial
        and not (e.full or e.former or e.province or e.capital_of or e.area)
        and not e.adjective
    }
    filler = stop_words() | PLACE_CUES | AREA_CUES | RESIDENCE_WORDS | PROVINCE_WORDS
    return OutsideFinder(
        italy,
        named,
        lombard_keys=frozenset(index),
        lombard_short_forms=frozenset(short_forms),
        filler=filler | REGION_WORDS | GREETING_WORDS,
        vocabulary=vocabulary,
        first_names=first_names(),
        common_words=italy.common_words,
    )


def _read(path: Path, model: type[M]) -> M:
    """Parse and validate one YAML file; PlacesError when it cannot be read or is invalid."""
    import yaml  # only when the YAML is read: a start from the knowledge cache reads none

    where = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=safe_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError, *CONSTRUCTION_ERRORS) as exc:
        raise PlacesError([f"{where}: -: -: cannot read: {' '.join(str(exc).split())}"]) from exc
    return parse(model, data, where)
