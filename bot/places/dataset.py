"""The comuni of Italy, from the national list shipped with python-codicefiscale.

The library's public loader (`codicefiscale.data.get_municipalities_data`) decodes the whole
list, 7 MB of JSON and about 14,000 records: ~24 MB of Python objects, and the process keeps
most of that memory after dropping what it does not need. So the file the library ships is
decoded here one record at a time, keeping only name, province and dates; the library's loader
is the fallback if the file moves. The file is found without importing the library (whose
import alone costs ~6 MB: dateutil, slugify...).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from bot.places.text import compact, compact_key, display_name, key_tokens, name_key

logger = logging.getLogger(__name__)

LOMBARD_PROVINCES = ("BG", "BS", "CO", "CR", "LC", "LO", "MI", "MB", "MN", "PV", "SO", "VA")
DATA_PACKAGE = "codicefiscale"
DATA_FILE = ("data", "municipalities.json")  # inside the package, as the library reads it
# Comuni merged away after Monza e Brianza was carved out of Milano (2009) still carry
# today's province code; older records may not.
FORMER_SINCE = "2009-07-01"
MERGER_DAYS = 3


@dataclass(frozen=True, slots=True)
class Row:
    """One record of the list: a comune as it is today or as it was."""

    name: str
    province: str
    date_created: str
    date_deleted: str
    active: bool


@dataclass(frozen=True, slots=True)
class Named:
    """An active comune outside Lombardy, with its keys (computed once per process)."""

    name: str
    province: str
    keys: tuple[str, ...]  # name_key, and compact_key when it differs


@dataclass(frozen=True)
class Dataset:
    """The active comuni of Lombardy (and its former ones), and those of the rest of Italy."""

    outside: tuple[Named, ...]  # sorted by name and province
    active: tuple[tuple[str, str], ...]  # active Lombard comuni: (display name, province)
    former: dict[str, int]  # former Lombard comune (compact key) -> index in `active`


def data_path() -> Path | None:
    """Where python-codicefiscale keeps its list of comuni (the package is not imported)."""
    spec = find_spec(DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)), *DATA_FILE)


def municipality_records() -> Iterator[dict[str, Any]]:
    """The library's records of Italian comuni, decoded one at a time."""
    path = data_path()
    try:
        text = path.read_text(encoding="utf-8") if path else None
    except OSError:
        text = None
    if text is None:
        logger.warning("places: %s not found, using the library's loader", "/".join(DATA_FILE))
        from codicefiscale.data import get_municipalities_data

        yield from get_municipalities_data()
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
def load_dataset() -> Dataset:
    """Read the list once per process (a /reload of the knowledge base reuses it)."""
    lombard: list[Row] = []
    outside: set[tuple[str, str]] = set()
    for record in municipality_records():
        province = str(record.get("province") or "")
        deleted = str(record.get("date_deleted") or "")[:10]
        active = bool(record.get("active")) and not deleted
        if province in LOMBARD_PROVINCES:
            lombard.append(
                Row(
                    name=str(record["name"]),
                    province=province,
                    date_created=str(record.get("date_created") or "")[:10],
                    date_deleted=deleted,
                    active=active,
                )
            )
        elif active and province:
            outside.add((display_name(str(record["name"])), sys.intern(province)))
    named = []
    for name, province in sorted(outside):
        tokens = key_tokens(name)
        full, short = " ".join(tokens), " ".join(compact(tokens))
        named.append(Named(name, province, (full,) if full == short else (full, short)))
    comuni = active_comuni(lombard)
    # The Lombard records themselves are not kept: only what the directory needs.
    return Dataset(tuple(named), tuple(comuni), former_comuni(lombard, comuni))


def active_comuni(rows: Iterable[Row]) -> list[tuple[str, str]]:
    """(display name, province) of the active comuni, each once, sorted."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.active:
            seen.setdefault((name_key(row.name), row.province), display_name(row.name))
    return sorted((name, province) for (_, province), name in seen.items())


def former_comuni(rows: Sequence[Row], active: Sequence[tuple[str, str]]) -> dict[str, int]:
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
        if row.active or row.date_deleted < FORMER_SINCE or name_key(row.name) in active_keys:
            continue
        deleted = dt.date.fromisoformat(row.date_deleted)
        near = sorted(
            {
                i
                for day, i in created.get(row.province, [])
                if 0 <= (day - deleted).days <= MERGER_DAYS
            }
        )
        if len(near) > 1:
            words = [w for w in compact(key_tokens(row.name)) if len(w) >= 4]
            near = [i for i in near if any(w in name_key(active[i][0]) for w in words)]
        if len(near) == 1:
            former[compact_key(row.name)] = near[0]
    return former


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Italian first names (the library's list): comuni named so need a clear cue."""
    path = data_path()
    try:
        data = json.loads(path.with_name("names.json").read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        logger.warning("places: the list of first names is missing")
        return frozenset()
    return frozenset(str(name) for names in data.values() for name in names)
