"""Where do I turn? Comuni and provinces of Lombardy mapped to their ATS.

The ATS directory, the provinces, the two documented exceptions (Valle Camonica and the Medio
Alto Lario belong to ATS della Montagna) and the matching word lists live in
`knowledge/ats.yaml`. The comuni are not typed by hand: they come from the national list shipped
with python-codicefiscale (comuni active today in the 12 Lombard provinces, about 1,500).

- `find` spots a place in a free-text question. It is deliberately cautious: many comuni are
  named like ordinary words (Mese, Nave, Opera, Zone...), so short or common names need a cue
  ("a Rho", "sono di Lodi", "comune di Opera", "near Pavia") and typos are corrected only where
  a real word cannot be meant.
- `resolve` reads a short answer that *is* a place ("Rho", "BG", "provincia di Brescia").
- `describe` turns a match into the user's answer (no invented contact: all from the YAML).

No telegram import here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge import SafeLoader
from bot.reply import Button, Reply
from bot.texts import Texts

logger = logging.getLogger(__name__)

ATS_FILE = "ats.yaml"
LOMBARD_PROVINCES = ("BG", "BS", "CO", "CR", "LC", "LO", "MI", "MB", "MN", "PV", "SO", "VA")
LANGS = ("it", "en")
BUTTON_PREFIX = "p:"
MAX_BUTTONS = 8

# --- matching constants (the only place where these thresholds live) -----------------------

MAX_NGRAM = 6  # longest comune name, in words, once particles are dropped
PARTIAL_MIN_CHARS = 5  # short forms ("Sesto", "Cinisello") at least this long are indexed
PARTIAL_MAX_CANDIDATES = 4  # a short form shared by more comuni ("Villa", "Torre") is useless
SHORT_NAME_CHARS = 4  # names this short (Rho, Lodi, Como) need a cue in free text
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

SCORE_EXACT = 100.0
SCORE_FORMER = 95.0
SCORE_PARTIAL = 90.0

# Tiers: how much evidence a name needs before `find` believes it names a place.
T_FREE = 0  # distinctive name (Gallarate, Cinisello Balsamo): accepted anywhere
T_CUE = 1  # short name or short form (Rho, Sesto): a cue, a capital letter or "(MI)"
T_STRONG = 2  # comune named like a word (Mese, Opera): "abito a", "comune di", or cue + capital
T_CAPITAL = 3  # short form that is a word ("Monte", "Centro"): cue + capital letter

SAINT_FORMS = frozenset({"san", "santo", "santa", "sant", "s", "st", "sto", "sta"})
SAINT = "s"  # San, Santo, Santa, Sant', S., St. are all folded to this
# Linking words dropped from names and text, so that "Cassano d'Adda" == "cassano adda".
PARTICLES = frozenset(
    "d di del della dei degli delle dello dell de sul sull sulla sui sulle al all alla ai "
    "in ed e con da dal dalla il la le lo i gli l per su".split()
)
# A word right before a name that makes it a place ("a Rho", "di Lodi", "near Pavia").
# "vicino"/"near" stay weak: near a place is not in it ("abito a Sesto, vicino a Milano").
PLACE_CUES = frozenset(
    "a ad di da in per presso vicino zona comune citta paese frazione ats "
    "at near from of for to around covers cover covering serves serving".split()
)
# Cues for areas and adjectives: "nel bresciano", "nella bergamasca", "della Valle Camonica".
AREA_CUES = PLACE_CUES | frozenset(
    "nel nella nell nei negli sul sulla dal dalla dell della del".split()
)
# Residence words: "abito a", "sono di", "I live in" make the next words a place for sure.
RESIDENCE_WORDS = frozenset(
    "abito abita abitiamo abitano vivo vive viviamo vivono risiedo risiede risiediamo "
    "residente residenti residenza sono siamo vengo viene veniamo sto stiamo trasferita "
    "trasferito trasferiti live lives living reside resident based located am m moved".split()
)
STRONG_CUES = frozenset("comune paese citta frazione".split())
PROVINCE_WORDS = frozenset({"provincia", "province", "prov", "provincie"})
OF_WORDS = frozenset({"di", "de", "of", "del", "della"})
OPENING_MARKS = frozenset(":,?!-")  # "Lodi: a chi mi rivolgo?"
SENTENCE_END = ".!?\n;:"
# ATS names contain places that are not the user's comune ("ATS della Montagna").
ATS_NAME_RE = re.compile(
    r"\bats\W+(?:(?:della|dell|di|del)\W+)?(?:montagna|insubria|brianza|val\W*padana)\b",
    re.IGNORECASE,
)
TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
LOWER_IN_NAMES = frozenset(
    "di del della dei degli delle dello dell d de sul sull sulla al all alla ai in ed e con "
    "il la lo le per su".split()
)

# The UI text keys used by `describe` (knowledge/ui/places.yaml).
TEXT_KEYS = (
    "places.comune.title",
    "places.comune.certain",
    "places.comune.uncertain",
    "places.comune.former",
    "places.province.title",
    "places.province.single",
    "places.province.split",
    "places.area.title",
    "places.area.single",
    "places.ats.territory",
    "places.ats.page",
    "places.ats.no_page",
    "places.referents",
    "places.regional",
    "places.source",
    "places.ambiguous.title",
    "places.ambiguous.text",
    "places.ambiguous.more",
    "places.button",
)


class PlacesError(ValueError):
    """knowledge/ats.yaml is invalid; `problems` has one line per problem (file, entry, field)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


# --- public data types -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ats:
    """One ATS from knowledge/ats.yaml."""

    id: str
    name: str
    territory: dict[str, str]
    provinces: tuple[str, ...]
    pages: tuple[str, ...]
    notes: dict[str, str]


@dataclass(frozen=True)
class Comune:
    """A comune active today; `ats` has one id when certain, two when the area is uncertain."""

    name: str
    province: str
    ats: tuple[str, ...]

    @property
    def certain(self) -> bool:
        return len(self.ats) == 1

    @property
    def key(self) -> str:
        """Stable id for buttons and conversation state: 'Name|PR'."""
        return f"{self.name}|{self.province}"


@dataclass(frozen=True)
class PlaceMatch:
    """A place found in the user's text.

    kind "comune": `comuni` holds one comune; "ambiguous": several, to ask back; "province":
    `province` is set, and `area` too when the text named an area ("Valle Camonica").
    """

    kind: str
    comuni: tuple[Comune, ...]
    province: str | None
    matched_text: str
    score: float
    area: str | None = None


def button_data(comune: Comune) -> str:
    """Callback data of a comune button: 'p:<name>|<PR>' (at most 64 bytes, tested)."""
    return BUTTON_PREFIX + comune.key


# --- internal data types -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Province:
    code: str
    name: dict[str, str]
    capital: str
    capital_aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Area:
    """A named area inside one province whose comuni all have the same ATS."""

    id: str
    province: str
    ats: str
    name: dict[str, str]
    aliases: tuple[str, ...]
    in_phrase: dict[str, str] = field(default_factory=dict)  # "in Valle Camonica"
    the_phrase: dict[str, str] = field(default_factory=dict)  # "la Valle Camonica"


@dataclass(frozen=True)
class _Exception:
    """Part of a province (`area`) has another ATS than the rest (`ats_outside`)."""

    area: _Area
    ats_outside: str
    certainly_outside: tuple[str, ...]
    certainly_inside: tuple[str, ...]


@dataclass
class _Entry:
    """Everything a normalised key can stand for."""

    full: set[int] = field(default_factory=set)  # comuni (indexes) with this official name
    former: set[int] = field(default_factory=set)  # merged since 2009: today's comune
    partial: set[int] = field(default_factory=set)  # short forms: "sesto", "cinisello"
    province: str | None = None  # a name of the province itself ("monza e brianza")
    capital_of: str | None = None  # capital: the province after "provincia di"
    adjective: str | None = None  # "bresciano" -> BS
    area: str | None = None  # area id
    tier: int = T_FREE


@dataclass(frozen=True)
class _Tok:
    orig: str
    norm: str  # lower case, no accents
    key: str  # norm with the saint forms folded to "s"
    start: int
    end: int
    sentence_start: bool
    in_parens: bool
    after: str  # first character after the token, spaces skipped ("" at the end)


@dataclass
class _Cand:
    start: int  # token span [start, end)
    end: int
    kind: str  # comune | ambiguous | province | area
    comuni: tuple[int, ...]
    province: str | None
    area: str | None
    score: float
    exact: bool
    strong: bool


@dataclass(frozen=True)
class _Cues:
    """What surrounds a candidate name in the text."""

    weak: bool  # "a", "di", "in", "near"... or the name is all the text says
    strong: bool  # "abito a", "sono di", "comune di", "provincia di"
    prev_in: bool  # the word before is "in" ("abito in montagna" is no comune)
    province: bool  # "provincia di X", "X province"
    code_after: bool  # "Rho (MI)"
    capital: bool  # written with a capital letter
    capital_mid: bool  # ... and not at the start of a sentence
    alone: bool  # nothing else in the text but stop words
    area: bool  # "nel", "della"... before an area or adjective


# --- text normalisation ------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: 'Cantù' -> 'cantu'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _key_tokens(text: str) -> list[str]:
    return [SAINT if tok in SAINT_FORMS else tok for tok in TOKEN_RE.findall(fold(text))]


def _compact(tokens: Sequence[str]) -> list[str]:
    kept = [tok for tok in tokens if tok not in PARTICLES]
    return kept or list(tokens)


def name_key(text: str) -> str:
    """The normalised key of a name: "Sant'Angelo Lodigiano" -> 's angelo lodigiano'."""
    return " ".join(_key_tokens(text))


def _compact_key(text: str) -> str:
    return " ".join(_compact(_key_tokens(text)))


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


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        before = text[:start].rstrip()
        rest = text[end:].lstrip()
        norm = fold(match.group())
        tokens.append(
            _Tok(
                orig=match.group(),
                norm=norm,
                key=SAINT if norm in SAINT_FORMS else norm,
                start=start,
                end=end,
                sentence_start=not before or before[-1] in SENTENCE_END,
                in_parens=before.endswith("(") and rest.startswith(")"),
                after=rest[:1],
            )
        )
    return tokens


def _shouting(text: str) -> bool:
    """ALL CAPS text: capital letters say nothing about names."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and sum(ch.isupper() for ch in letters) / len(letters) > 0.6


# --- the dataset -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    name: str
    province: str
    date_created: str
    date_deleted: str
    active: bool


def _municipality_records() -> Iterator[dict[str, Any]]:
    """python-codicefiscale's records of Italian comuni, read one at a time.

    The list (7 MB of JSON, ~10,000 comuni) would take ~24 MB as Python objects, and the
    process would keep that memory after dropping the 90% outside Lombardy; decoding record
    by record keeps only what is used. Falls back to the library's loader if its data file
    moves.
    """
    import codicefiscale.data

    path = Path(codicefiscale.data.__file__).parent / "data" / "municipalities.json"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        yield from codicefiscale.data.get_municipalities_data()
        return
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    while True:
        while text[position] in " \t\r\n,":
            position += 1
        if text[position] == "]":
            return
        record, position = decoder.raw_decode(text, position)
        yield record


@lru_cache(maxsize=1)
def _lombard_rows() -> tuple[_Row, ...]:
    """The Lombard records of python-codicefiscale's list of comuni (active and former)."""
    rows = []
    for record in _municipality_records():
        if record.get("province") not in LOMBARD_PROVINCES:
            continue
        deleted = str(record.get("date_deleted") or "")[:10]
        rows.append(
            _Row(
                name=str(record["name"]),
                province=str(record["province"]),
                date_created=str(record.get("date_created") or "")[:10],
                date_deleted=deleted,
                active=bool(record.get("active")) and not deleted,
            )
        )
    return tuple(rows)


def _active_comuni(rows: Iterable[_Row]) -> list[tuple[str, str]]:
    """(display name, province) of the active comuni, each once, sorted."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.active:
            seen.setdefault((name_key(row.name), row.province), display_name(row.name))
    return sorted((name, province) for (_, province), name in seen.items())


# Comuni merged away after Monza e Brianza was carved out of Milano (2009) still carry
# today's province code; older records may not.
_FORMER_SINCE = "2009-07-01"
_MERGER_DAYS = 3


def _former_comuni(rows: Sequence[_Row], active: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Former comuni (merged since 2009) -> index of the comune they are part of today.

    The dataset has no successor field: the successor is the comune of the same province
    created within three days of the deletion, when it is the only one, or the only one whose
    name contains a word of the former name ("Bigarello" -> "San Giorgio Bigarello").
    """
    by_key = {(name_key(name), province): i for i, (name, province) in enumerate(active)}
    active_keys = {key for key, _ in by_key}
    created: dict[str, list[tuple[dt.date, int]]] = {}
    for row in rows:
        index = by_key.get((name_key(row.name), row.province))
        if row.active and row.date_created and index is not None:
            day = dt.date.fromisoformat(row.date_created)
            created.setdefault(row.province, []).append((day, index))
    former: dict[str, int] = {}
    for row in rows:
        if row.active or row.date_deleted < _FORMER_SINCE or name_key(row.name) in active_keys:
            continue
        deleted = dt.date.fromisoformat(row.date_deleted)
        near = sorted(
            {
                i
                for day, i in created.get(row.province, [])
                if 0 <= (day - deleted).days <= _MERGER_DAYS
            }
        )
        if len(near) > 1:
            words = [w for w in _compact(_key_tokens(row.name)) if len(w) >= 4]
            near = [i for i in near if any(w in name_key(active[i][0]) for w in words)]
        if len(near) == 1:
            former[_compact_key(row.name)] = near[0]
    return former


# --- the directory -----------------------------------------------------------------------------


class PlaceDirectory:
    """The ATS directory, every active comune of Lombardy and a place finder over them."""

    def __init__(
        self,
        ats: dict[str, Ats],
        comuni: Sequence[Comune],
        provinces: Mapping[str, _Province],
        areas: Mapping[str, _Area],
        exceptions: Mapping[str, _Exception],
        index: dict[str, _Entry],
        regional: Mapping[str, Any],
        sources: Sequence[Mapping[str, str]],
        as_of: dt.date,
        known_words: Iterable[str] = (),
    ) -> None:
        self.ats = ats
        self.comuni = tuple(comuni)
        self.as_of = as_of
        self._provinces = dict(provinces)
        self._areas = dict(areas)  # every area, the exception areas too
        self._exceptions = dict(exceptions)  # by province code
        self._index = index
        self._regional = dict(regional)
        self._sources = [dict(source) for source in sources]
        self._by_key = {fold(c.key): c for c in self.comuni}
        self._no_fuzzy = _stop_words() | PLACE_CUES | AREA_CUES | RESIDENCE_WORDS | PROVINCE_WORDS
        self._name_words = frozenset(word for key in index for word in key.split())
        self._known_words = frozenset(known_words)
        self._not_typos = self._no_fuzzy | self._known_words  # real words: never "misspelt names"
        self._fuzzy_by_len: dict[int, list[str]] = {}
        for key, entry in index.items():
            if _fuzzy_target(key, entry):
                self._fuzzy_by_len.setdefault(len(key), []).append(key)
        self._windows: dict[tuple[int, int], list[str]] = {}

    # --- loading ---

    @classmethod
    def load(cls, knowledge_dir: Path) -> PlaceDirectory:
        """Read knowledge/ats.yaml and index the comuni (raises PlacesError when invalid)."""
        started = time.perf_counter()
        path = Path(knowledge_dir) / ATS_FILE
        where = f"{path.parent.name}/{path.name}"
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
        except (OSError, yaml.YAMLError) as exc:
            raise PlacesError([f"{where}: cannot read: {exc}"]) from exc
        directory = cls.from_data(data, where, _knowledge_words(Path(knowledge_dir), path))
        logger.info(
            "places: %d comuni, %d ATS loaded in %.0f ms",
            len(directory.comuni),
            len(directory.ats),
            (time.perf_counter() - started) * 1000,
        )
        return directory

    @classmethod
    def from_data(
        cls, data: Any, where: str = ATS_FILE, vocabulary: Iterable[str] = ()
    ) -> PlaceDirectory:
        """Build from the parsed YAML; `vocabulary`: real words never taken for typos."""
        problems: list[str] = []
        if not isinstance(data, Mapping):
            raise PlacesError([f"{where}: the file must be a mapping"])
        as_of = _date(data.get("as_of"))
        if as_of is None:
            problems.append(f"{where}: field 'as_of': not a date (YYYY-MM-DD)")
        sources = _sources(data.get("sources"), f"{where}: field 'sources'", problems)
        regional = data.get("regional_contacts")
        if not (isinstance(regional, Mapping) and regional.get("email") and regional.get("source")):
            problems.append(f"{where}: field 'regional_contacts': 'email' and 'source' required")
            regional = {}
        ats = _load_ats(data.get("ats"), where, problems)
        provinces = _load_provinces(data.get("provinces"), where, problems)
        areas = _load_areas(data.get("areas"), ats, where, problems)
        exceptions = _load_exceptions(data.get("exceptions"), ats, where, problems)
        areas.update({exc.area.id: exc.area for exc in exceptions.values()})
        for code in LOMBARD_PROVINCES:
            if not any(code in a.provinces for a in ats.values()):
                problems.append(f"{where}: province {code} is not in any ATS")
        matching = data.get("matching") or {}
        common = _word_set(matching.get("common_words"), _compact_key)
        cue_words = _word_set(matching.get("cue_words"), _compact_key)
        known = _word_set(matching.get("known_words"), fold) | set(vocabulary)

        rows = _lombard_rows()
        active = _active_comuni(rows)
        index_of = {(name_key(name), province): i for i, (name, province) in enumerate(active)}

        def find_comune(name: str, code: str, here: str) -> int | None:
            found = index_of.get((name_key(name), code))
            if found is None:
                problems.append(f"{here}: '{name}' is not an active comune of {code}")
            return found

        for code, province in provinces.items():
            find_comune(province.capital, code, f"{where}: province {code}: field 'capital'")
        pinned: dict[int, tuple[str, ...]] = {}  # comuni of an exception province known for sure
        for code, exc in exceptions.items():
            here = f"{where}: exception '{exc.area.id}'"
            for name in exc.certainly_outside:
                found = find_comune(name, code, f"{here}: field 'certainly_outside'")
                if found is not None:
                    pinned[found] = (exc.ats_outside,)
            for name in exc.certainly_inside:
                found = find_comune(name, code, f"{here}: field 'certainly_inside'")
                if found is not None and found in pinned:
                    problems.append(f"{here}: field 'certainly_inside': '{name}' is also outside")
                elif found is not None:
                    pinned[found] = (exc.area.ats,)
        if problems or as_of is None:
            raise PlacesError(problems)

        def province_ats(code: str) -> tuple[str, ...]:
            exc = exceptions.get(code)
            if exc is not None:
                return (exc.ats_outside, exc.area.ats)
            return tuple(a.id for a in ats.values() if code in a.provinces)

        comuni = [
            Comune(name, province, pinned.get(i) or province_ats(province))
            for i, (name, province) in enumerate(active)
        ]
        former = _former_comuni(rows, active)
        index = _build_index(active, former, provinces, areas, common, cue_words)
        return cls(
            ats, comuni, provinces, areas, exceptions, index, regional, sources, as_of, known
        )

    # --- lookups ---

    def comune_by_key(self, key: str) -> Comune | None:
        """The comune with key 'Name|PR' (as in button data), or None."""
        return self._by_key.get(fold(key.strip()))

    def ats_for_province(self, code: str) -> tuple[str, ...]:
        """ATS ids serving a province, the main one first: 'BS' -> ('brescia', 'montagna')."""
        code = code.upper()
        exc = self._exceptions.get(code)
        if exc is not None:
            return (exc.ats_outside, exc.area.ats)
        return tuple(a.id for a in self.ats.values() if code in a.provinces)

    def ats_for_match(self, match: PlaceMatch | None) -> tuple[str, ...]:
        """The ATS ids a match points to (for an ambiguous match, those of every candidate)."""
        if match is None:
            return ()
        if match.kind == "province":
            area = self._areas.get(match.area or "")
            return (area.ats,) if area else self.ats_for_province(match.province or "")
        ids: list[str] = []
        for comune in match.comuni:
            ids.extend(a for a in comune.ats if a not in ids)
        return tuple(ids)

    def province_name(self, code: str, lang: str) -> str:
        """'provincia di Lodi', 'Città metropolitana di Milano'."""
        province = self._provinces.get(code)
        if province is None:
            return code
        return province.name.get(lang) or province.name["it"]

    # --- finding places ---

    def find(self, text: str) -> PlaceMatch | None:
        """A place mentioned in a free-text question, or None: no clear place, no guess."""
        return self._best(text, relaxed=False)

    def resolve(self, text: str) -> PlaceMatch | None:
        """The text is just a place (an answer to "Dove abiti?"): 'Rho', 'mi', 'Vigevno'."""
        stripped = text.strip().strip(".!?,;:()[]\"'")
        if not stripped:
            return None
        if stripped.upper() in LOMBARD_PROVINCES:
            return PlaceMatch("province", (), stripped.upper(), stripped, SCORE_EXACT)
        return self._best(stripped, relaxed=len(_tokenize(stripped)) <= RESOLVE_MAX_TOKENS)

    def _best(self, text: str, relaxed: bool) -> PlaceMatch | None:
        cleaned = ATS_NAME_RE.sub(lambda m: " " * len(m.group()), text or "")
        tokens = _tokenize(cleaned)
        if not tokens:
            return None
        shouting = _shouting(cleaned)
        cands = self._exact_candidates(tokens, shouting, relaxed)
        cands += self._fuzzy_candidates(tokens, cands, shouting, relaxed)
        cands += _code_candidates(tokens, shouting)
        if not cands:
            return None
        kept = _without_overlaps(cands)
        self._narrow_ambiguous(kept)
        rank = {"comune": 3, "area": 2, "province": 1, "ambiguous": 0}
        best = max(kept, key=lambda c: (c.strong, rank[c.kind], c.exact, c.score, -c.start))
        if best.kind in ("province", "area"):
            # "in provincia di Bergamo, a Trescore": the comune is the more precise answer
            inside = [
                c
                for c in kept
                if c.kind == "comune" and self.comuni[c.comuni[0]].province == best.province
            ]
            if inside:
                best = max(inside, key=lambda c: (c.exact, c.score, -c.start))
        matched = cleaned[tokens[best.start].start : tokens[best.end - 1].end]
        if best.kind in ("province", "area"):
            return PlaceMatch("province", (), best.province, matched, best.score, area=best.area)
        comuni = tuple(self.comuni[i] for i in best.comuni)
        return PlaceMatch(best.kind, comuni, None, matched, best.score)

    def _narrow_ambiguous(self, kept: list[_Cand]) -> None:
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

    def _exact_candidates(self, tokens: list[_Tok], shouting: bool, relaxed: bool) -> list[_Cand]:
        """Every run of words (with and without particles) that is a key of the index."""
        spans: set[tuple[int, int, str]] = set()
        for i in range(len(tokens)):
            for n in range(1, min(MAX_NGRAM, len(tokens) - i) + 1):
                spans.add((i, i + n, " ".join(t.key for t in tokens[i : i + n])))
        compact = [i for i, tok in enumerate(tokens) if tok.key not in PARTICLES]
        for ci in range(len(compact)):
            for n in range(1, min(MAX_NGRAM, len(compact) - ci) + 1):
                idxs = compact[ci : ci + n]
                spans.add((idxs[0], idxs[-1] + 1, " ".join(tokens[j].key for j in idxs)))
        out: list[_Cand] = []
        for start, end, key in sorted(spans):
            entry = self._index.get(key)
            if entry is None:
                continue
            cand = self._candidate(entry, tokens, start, end, shouting, relaxed, None)
            if cand is not None:
                out.append(cand)
        return out

    def _fuzzy_candidates(
        self, tokens: list[_Tok], exact: list[_Cand], shouting: bool, relaxed: bool
    ) -> list[_Cand]:
        """Runs of up to three words, not already matched exactly, one or two edits away."""
        covered = {i for c in exact for i in range(c.start, c.end)}
        compact = [i for i, tok in enumerate(tokens) if tok.key not in PARTICLES]
        out: list[_Cand] = []
        for ci in range(len(compact)):
            for n in range(1, FUZZY_MAX_GRAM + 1):
                idxs = compact[ci : ci + n]
                if len(idxs) < n:
                    break
                if all(j in covered for j in idxs):
                    continue
                cand = self._fuzzy_gram([tokens[j] for j in idxs], tokens, idxs, shouting, relaxed)
                if cand is not None:
                    out.append(cand)
        return out

    def _fuzzy_gram(
        self, words: list[_Tok], tokens: list[_Tok], idxs: list[int], shouting: bool, relaxed: bool
    ) -> _Cand | None:
        if not self._typo_possible(words, relaxed):
            return None
        gram = " ".join(t.key for t in words)
        if gram in self._index:
            return None
        max_dist = 2 if len(words) > 1 and len(gram) >= FUZZY_LONG_CHARS else 1
        hits = process.extract(
            gram,
            self._window(len(gram), max_dist),
            scorer=OSA.distance,
            score_cutoff=max_dist,
            limit=FUZZY_LIMIT,
        )
        if not hits:
            return None
        best_dist = min(hit[1] for hit in hits)
        keys = [hit[0] for hit in hits if hit[1] == best_dist]
        if len(words) == 1 and not relaxed:
            keys = [key for key in keys if _plausible_typo(gram, key)]
        if not keys:
            return None
        capitals = [key for key in keys if self._index[key].capital_of]
        if capitals and len(capitals) < len(keys):  # "cremna": Cremona rather than Crema
            keys = capitals
        entry = _merge_entries([self._index[key] for key in keys])
        free = len(words) > 1 and best_dist == 1 and entry.tier == T_FREE
        entry = replace(entry, tier=T_FREE if free else max(entry.tier, T_CUE))
        score = round(100.0 * (1 - best_dist / max(len(gram), len(keys[0]))), 1)
        return self._candidate(entry, tokens, idxs[0], idxs[-1] + 1, shouting, relaxed, score)

    def _typo_possible(self, words: list[_Tok], relaxed: bool) -> bool:
        """Words that may hide a misspelt name (not real words, not cues, long enough)."""
        if any(word.norm.isdigit() for word in words):
            return False
        if len(words) == 1:
            word = words[0].norm
            min_chars = FUZZY_MIN_CHARS_RELAXED if relaxed else FUZZY_MIN_CHARS
            return len(word) >= min_chars and word not in self._not_typos
        first = words[0]
        if first.key != SAINT and (first.norm in self._no_fuzzy or len(first.key) < 3):
            return False
        if len(" ".join(w.key for w in words)) < FUZZY_MULTI_MIN_CHARS:
            return False
        # a stop word or a known word may be part of a name ("Brembate di Sopra"), if some
        # comune has it
        return all(w.norm not in self._not_typos or w.key in self._name_words for w in words)

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

    def _cues(self, tokens: list[_Tok], start: int, end: int, shouting: bool) -> _Cues:
        prev = tokens[start - 1].norm if start >= 1 else ""
        prev2 = tokens[start - 2].norm if start >= 2 else ""
        nxt = tokens[end] if end < len(tokens) else None
        province = (
            prev in PROVINCE_WORDS
            or (prev in OF_WORDS and prev2 in PROVINCE_WORDS)
            or (prev == "di" and prev2 == "metropolitana")
            or (nxt is not None and nxt.norm in PROVINCE_WORDS)
        )
        code_after = (
            nxt is not None
            and nxt.orig.upper() in LOMBARD_PROVINCES
            and (nxt.in_parens or (nxt.orig.isupper() and not shouting))
        )
        others = [tok for j, tok in enumerate(tokens) if not start <= j < end]
        alone = all(tok.norm in self._no_fuzzy for tok in others)
        opening = start == 0 and nxt is not None and tokens[end - 1].after in OPENING_MARKS
        strong = (
            (prev in PLACE_CUES and prev2 in RESIDENCE_WORDS)
            or prev in STRONG_CUES
            or (prev in OF_WORDS and prev2 in STRONG_CUES | PROVINCE_WORDS)
        )
        capital = tokens[start].orig[:1].isupper() and not shouting
        return _Cues(
            weak=prev in PLACE_CUES or province or alone or opening,
            strong=strong,
            prev_in=prev == "in",
            province=province,
            code_after=code_after,
            capital=capital,
            capital_mid=capital and not tokens[start].sentence_start,
            alone=alone,
            area=prev in AREA_CUES,
        )

    def _candidate(
        self,
        entry: _Entry,
        tokens: list[_Tok],
        start: int,
        end: int,
        shouting: bool,
        relaxed: bool,
        fuzzy_score: float | None,
    ) -> _Cand | None:
        """What the key at tokens[start:end] stands for here, if the context allows it."""
        cues = self._cues(tokens, start, end, shouting)
        exact = fuzzy_score is None

        def place(kind: str, province: str | None, area: str | None, score: float) -> _Cand:
            score = fuzzy_score or score
            return _Cand(start, end, kind, (), province, area, score, exact, cues.strong)

        if entry.area is not None:
            area = self._areas[entry.area]
            return place("area", area.province, area.id, SCORE_EXACT)
        if entry.capital_of is not None and cues.province:
            return place("province", entry.capital_of, None, SCORE_EXACT)
        if entry.province is not None and not (entry.full or entry.partial or entry.former):
            return place("province", entry.province, None, SCORE_EXACT)
        if entry.adjective is not None and not entry.full:
            if relaxed or cues.area:
                return place("province", entry.adjective, None, SCORE_PARTIAL)
            return None
        if not _tier_allows(entry.tier, cues, relaxed):
            return None
        if entry.full:
            comuni, score = tuple(sorted(entry.full)), SCORE_EXACT
        elif entry.former and not entry.partial:
            comuni, score = tuple(sorted(entry.former)), SCORE_FORMER
        else:
            comuni, score = tuple(sorted(entry.partial | entry.former)), SCORE_PARTIAL
        if not comuni:
            return None
        kind = "comune" if len(comuni) == 1 else "ambiguous"
        return _Cand(start, end, kind, comuni, None, None, fuzzy_score or score, exact, cues.strong)

    def _is_former_name(self, text: str) -> bool:
        entry = self._index.get(_compact_key(text))
        return entry is not None and bool(entry.former) and not entry.full and not entry.partial

    # --- answers ---

    def describe(self, match: PlaceMatch, texts: Texts, lang: str) -> Reply:
        """The user-facing answer: the ATS, its territory and page, the regional contacts."""
        if match.kind == "ambiguous":
            return self._describe_ambiguous(match, texts, lang)
        ats_ids = self.ats_for_match(match)
        names = " / ".join(self.ats[a].name for a in ats_ids)
        code = match.comuni[0].province if match.kind == "comune" else match.province or ""
        fields: dict[str, str] = {"code": code, "province_name": self.province_name(code, lang)}
        exc = self._exceptions.get(code)
        if exc is not None:
            fields.update(
                ats_main=self.ats[exc.ats_outside].name,
                ats_other=self.ats[exc.area.ats].name,
                area_in=_in_lang(exc.area.in_phrase, lang),
                area_the=_in_lang(exc.area.the_phrase, lang),
            )
        parts: list[str] = []
        if match.kind == "comune":
            comune = match.comuni[0]
            fields["comune"] = comune.name
            title = texts.get("places.comune.title", lang, ats=names, **fields)
            if self._is_former_name(match.matched_text):
                former = match.matched_text
                parts.append(texts.get("places.comune.former", lang, former=former, **fields))
            if comune.certain:
                parts.append(texts.get("places.comune.certain", lang, ats=names, **fields))
            else:
                parts.append(texts.get("places.comune.uncertain", lang, **fields))
        elif match.area is not None:
            fields["area"] = _in_lang(self._areas[match.area].name, lang)
            title = texts.get("places.area.title", lang, ats=names, **fields)
            parts.append(texts.get("places.area.single", lang, ats=names, **fields))
        else:
            title = texts.get("places.province.title", lang, ats=names, **fields)
            key = "places.province.split" if exc is not None else "places.province.single"
            parts.append(texts.get(key, lang, ats=names, **fields))
        parts += [self._ats_block(self.ats[ats_id], texts, lang) for ats_id in ats_ids]
        parts.append(texts.get("places.referents", lang))
        parts.append(self._regional_line(texts, lang))
        parts.append(self._source_line(texts, lang))
        return Reply(
            text="\n\n".join(part for part in parts if part),
            status="answer",
            lang=lang,
            entry="ats:" + "+".join(ats_ids),
            score=match.score,
            title=title[:1].upper() + title[1:],
        )

    def _describe_ambiguous(self, match: PlaceMatch, texts: Texts, lang: str) -> Reply:
        shown = match.comuni[:MAX_BUTTONS]
        titles = [texts.get("places.button", lang, comune=c.name, code=c.province) for c in shown]
        parts = [texts.get("places.ambiguous.text", lang, text=match.matched_text)]
        if len(match.comuni) > len(shown):
            parts.append(texts.get("places.ambiguous.more", lang))
        parts.append(self._regional_line(texts, lang))
        return Reply(
            text="\n\n".join(parts),
            status="answer",
            lang=lang,
            entry="ats:ambiguous",
            score=match.score,
            title=texts.get("places.ambiguous.title", lang, text=match.matched_text),
            buttons=tuple(
                (Button(title, button_data(c)),) for title, c in zip(titles, shown, strict=True)
            ),
            options=tuple((button_data(c), title) for title, c in zip(titles, shown, strict=True)),
        )

    def _ats_block(self, ats: Ats, texts: Texts, lang: str) -> str:
        territory = _in_lang(ats.territory, lang)
        lines = [texts.get("places.ats.territory", lang, ats=ats.name, territory=territory)]
        if ats.pages:
            lines += [texts.get("places.ats.page", lang, url=url) for url in ats.pages]
        else:
            lines.append(texts.get("places.ats.no_page", lang))
        if ats.notes:
            lines.append(_in_lang(ats.notes, lang))
        return "\n".join(lines)

    def _regional_line(self, texts: Texts, lang: str) -> str:
        return texts.get(
            "places.regional",
            lang,
            email=self._regional.get("email", ""),
            phones=" / ".join(str(p) for p in self._regional.get("phones") or []),
            year=self._regional.get("published", ""),
        )

    def _source_line(self, texts: Texts, lang: str) -> str:
        first = self._sources[0] if self._sources else {}
        date = self.as_of.strftime("%d/%m/%Y") if lang == "it" else self.as_of.isoformat()
        return texts.get(
            "places.source",
            lang,
            source=first.get("title", ""),
            url=first.get("url", ""),
            date=date,
        )


# --- matching helpers --------------------------------------------------------------------------


def _tier_allows(tier: int, cues: _Cues, relaxed: bool) -> bool:
    """Is there enough evidence around a name of this tier?"""
    any_cue = cues.weak or cues.strong
    if relaxed:  # the text is (almost) only the place: ordinary words still need a hint
        return tier < T_STRONG or cues.alone or cues.capital or any_cue or cues.code_after
    if tier == T_FREE:
        return True
    if tier == T_CUE:
        return any_cue or cues.capital_mid or cues.code_after
    if tier == T_STRONG:
        return (cues.strong and not cues.prev_in) or (any_cue and cues.capital) or cues.code_after
    return (any_cue and cues.capital) or cues.code_after


def _plausible_typo(gram: str, key: str) -> bool:
    """One word, one edit: a missing or extra letter always; a swap or a wrong letter only in
    longer words ("parte" is not a typo of Parre, "bresica" is one of Brescia)."""
    if len(key) != len(gram):
        return True
    if sorted(key) == sorted(gram):
        return len(gram) >= FUZZY_SWAP_CHARS
    return len(gram) >= FUZZY_SUBST_CHARS


def _fuzzy_target(key: str, entry: _Entry) -> bool:
    """Keys worth a typo search: names (not ordinary words), short forms of 7+ letters."""
    if entry.tier >= T_STRONG or (entry.adjective and not entry.full):
        return False
    if entry.partial and not entry.full:
        return len(key) >= 7
    return len(key) >= FUZZY_MIN_CHARS


def _merge_entries(entries: Sequence[_Entry]) -> _Entry:
    """Several keys at the same distance from a typo: all their comuni are candidates."""
    if len(entries) == 1:
        return entries[0]
    merged = _Entry()
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


def _code_candidates(tokens: list[_Tok], shouting: bool) -> list[_Cand]:
    """'(MI)', or 'BG' written in capitals: a province."""
    out = []
    for i, tok in enumerate(tokens):
        if i > 0 and tokens[i - 1].norm.isdigit():  # "1,44 MB" is a file size
            continue
        code = tok.orig.upper()
        if code in LOMBARD_PROVINCES and (tok.in_parens or (tok.orig.isupper() and not shouting)):
            out.append(_Cand(i, i + 1, "province", (), code, None, SCORE_EXACT, True, False))
    return out


def _without_overlaps(cands: list[_Cand]) -> list[_Cand]:
    """Longest spans first: 'Sesto San Giovanni' beats 'Sesto' and 'San Giovanni'."""
    ordered = sorted(cands, key=lambda c: (-(c.end - c.start), not c.exact, -c.score, c.start))
    kept: list[_Cand] = []
    used: set[int] = set()
    for cand in ordered:
        span = set(range(cand.start, cand.end))
        if not span & used:
            kept.append(cand)
            used |= span
    return kept


def _in_lang(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("it") or ""


# --- building the index ------------------------------------------------------------------------


def _build_index(
    active: Sequence[tuple[str, str]],
    former: Mapping[str, int],
    provinces: Mapping[str, _Province],
    areas: Mapping[str, _Area],
    common: set[str],
    cue_words: set[str],
) -> dict[str, _Entry]:
    index: dict[str, _Entry] = {}

    def entry(key: str) -> _Entry:
        return index.setdefault(key, _Entry())

    full_keys: set[str] = set()
    for i, (name, _) in enumerate(active):
        tokens = _key_tokens(name)
        for key in {" ".join(tokens), " ".join(_compact(tokens))}:
            entry(key).full.add(i)
            full_keys.add(key)
    # Short forms: "Cinisello" for Cinisello Balsamo, "Cassano" for three comuni (asked back).
    prefixes: dict[str, set[int]] = {}
    for i, (name, _) in enumerate(active):
        words = _compact(_key_tokens(name))
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
        capital = entry(_compact_key(province.capital))
        capital.capital_of = code
        for alias in province.capital_aliases:  # Milan, Mantua
            alias_entry = entry(_compact_key(alias))
            alias_entry.full |= capital.full
            alias_entry.capital_of = code
        for alias in province.names:
            entry(_compact_key(alias)).province = code
        for adjective in province.adjectives:
            entry(_compact_key(adjective)).adjective = code
    for area in areas.values():
        for alias in area.aliases:
            entry(_compact_key(alias)).area = area.id

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


# --- loading knowledge/ats.yaml ----------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _word_set(value: Any, normalise: Any) -> set[str]:
    return {normalise(word) for word in value or [] if isinstance(word, str)}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or [] if isinstance(item, str | int))


def _lang_map(value: Any, where: str, problems: list[str], required: bool = True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(value.get(x), str) for x in LANGS):
        problems.append(f"{where}: both 'it' and 'en' texts are required")
        return {}
    return {lang: str(value[lang]).strip() for lang in LANGS}


def _sources(value: Any, where: str, problems: list[str]) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: at least one source is required")
        return []
    out: list[dict[str, str]] = []
    for item in value:
        located = isinstance(item, Mapping) and (item.get("url") or item.get("seed"))
        if not located or not item.get("title"):
            problems.append(f"{where}: each source needs a 'title' and a 'url' or a 'seed'")
            continue
        out.append({str(k): str(v) for k, v in item.items()})
    return out


def _load_ats(value: Any, where: str, problems: list[str]) -> dict[str, Ats]:
    out: dict[str, Ats] = {}
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: field 'ats': a list of ATS is required")
        return out
    for item in value:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            problems.append(f"{where}: field 'ats': every ATS needs an 'id'")
            continue
        ats_id = item["id"]
        here = f"{where}: ats '{ats_id}'"
        if ats_id in out:
            problems.append(f"{here}: field 'id': duplicate")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{here}: field 'name': required")
            name = ats_id
        provinces = _strings(item.get("provinces"))
        if not provinces:
            problems.append(f"{here}: field 'provinces': at least one province is required")
        for code in provinces:
            if code not in LOMBARD_PROVINCES:
                problems.append(f"{here}: field 'provinces': '{code}' is not a Lombard province")
        pages = _strings(item.get("pages"))
        for page in pages:
            if not page.startswith(("http://", "https://")):
                problems.append(f"{here}: field 'pages': '{page}' is not a web address")
        _sources(item.get("sources"), f"{here}: field 'sources'", problems)
        if _date(item.get("as_of")) is None:
            problems.append(f"{here}: field 'as_of': not a date (YYYY-MM-DD)")
        out[ats_id] = Ats(
            id=ats_id,
            name=name.strip(),
            territory=_lang_map(item.get("territory"), f"{here}: field 'territory'", problems),
            provinces=provinces,
            pages=pages,
            notes=_lang_map(item.get("notes"), f"{here}: field 'notes'", problems, required=False),
        )
    return out


def _load_provinces(value: Any, where: str, problems: list[str]) -> dict[str, _Province]:
    out: dict[str, _Province] = {}
    if not isinstance(value, Mapping):
        problems.append(f"{where}: field 'provinces': a mapping of province codes is required")
        return out
    for code in value:
        if code not in LOMBARD_PROVINCES:
            problems.append(f"{where}: province {code}: not a Lombard province code")
    for code in LOMBARD_PROVINCES:
        item = value.get(code)
        here = f"{where}: province {code}"
        if not isinstance(item, Mapping):
            problems.append(f"{here}: missing")
            continue
        capital = item.get("capital")
        if not isinstance(capital, str):
            problems.append(f"{here}: field 'capital': required")
            capital = ""
        out[code] = _Province(
            code=code,
            name=_lang_map(item.get("name"), f"{here}: field 'name'", problems),
            capital=capital,
            capital_aliases=_strings(item.get("capital_aliases")),
            names=_strings(item.get("names")),
            adjectives=_strings(item.get("adjectives")),
        )
    return out


def _load_area(
    item: Any, ats: Mapping[str, Ats], where: str, problems: list[str], ats_field: str
) -> _Area | None:
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
        problems.append(f"{where}: every area needs an 'id'")
        return None
    here = f"{where} '{item['id']}'"
    code = str(item.get("province"))
    if code not in LOMBARD_PROVINCES:
        problems.append(f"{here}: field 'province': not a Lombard province code")
    ats_id = str(item.get(ats_field))
    if ats_id not in ats:
        problems.append(f"{here}: field '{ats_field}': unknown ATS '{ats_id}'")
    elif code not in ats[ats_id].provinces:
        problems.append(f"{here}: field '{ats_field}': ATS '{ats_id}' does not list {code}")
    aliases = _strings(item.get("aliases"))
    if not aliases:
        problems.append(f"{here}: field 'aliases': at least one name is required")
    name = _lang_map(item.get("name"), f"{here}: field 'name'", problems)
    return _Area(
        id=item["id"],
        province=code,
        ats=ats_id,
        name=name,
        aliases=aliases,
        in_phrase=_lang_map(item.get("in"), f"{here}: field 'in'", problems, False) or name,
        the_phrase=_lang_map(item.get("the"), f"{here}: field 'the'", problems, False) or name,
    )


def _load_areas(
    value: Any, ats: Mapping[str, Ats], where: str, problems: list[str]
) -> dict[str, _Area]:
    out: dict[str, _Area] = {}
    for item in value or []:
        area = _load_area(item, ats, f"{where}: area", problems, "ats")
        if area is not None:
            out[area.id] = area
    return out


def _load_exceptions(
    value: Any, ats: Mapping[str, Ats], where: str, problems: list[str]
) -> dict[str, _Exception]:
    out: dict[str, _Exception] = {}
    for item in value or []:
        area = _load_area(item, ats, f"{where}: exception", problems, "ats_inside")
        if area is None:
            continue
        here = f"{where}: exception '{area.id}'"
        outside = str(item.get("ats_outside"))
        if outside not in ats:
            problems.append(f"{here}: field 'ats_outside': unknown ATS '{outside}'")
        elif area.province not in ats[outside].provinces:
            problems.append(
                f"{here}: field 'ats_outside': ATS '{outside}' does not list {area.province}"
            )
        if area.province in out:
            problems.append(f"{here}: field 'province': one exception per province at most")
        _sources(item.get("sources"), f"{here}: field 'sources'", problems)
        out[area.province] = _Exception(
            area=area,
            ats_outside=outside,
            certainly_outside=_strings(item.get("certainly_outside")),
            certainly_inside=_strings(item.get("certainly_inside")),
        )
    return out


def _knowledge_words(knowledge_dir: Path, ats_file: Path) -> set[str]:
    """Every word written in the other knowledge files (FAQ, UI texts): real words, no typos."""
    words: set[str] = set()
    for path in sorted(knowledge_dir.rglob("*.yaml")):
        if path.resolve() == ats_file.resolve():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            logger.warning("places: cannot read %s for the word list: %s", path, exc)
            continue
        words.update(fold(w) for w in TOKEN_RE.findall(text) if len(w) >= FUZZY_MIN_CHARS)
    return words


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Italian and English stop words (the stop-words package is a project dependency)."""
    try:
        from stop_words import get_stop_words
    except ImportError:  # the cue lists already hold the commonest words
        return frozenset()
    words = {fold(w) for lang in ("it", "en") for w in get_stop_words(lang)}
    return frozenset(w for w in words if w.isalpha())
