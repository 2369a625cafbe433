"""Typed, validated models of knowledge/ats.yaml and knowledge/italy.yaml (pydantic).

Field checks live on the models; checks across the file (an area's ATS exists, every province
has one main ATS...) in `AtsFile`; checks against the list of comuni in the directory loader.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.models import Frozen, Localized, Source
from bot.places.dataset import LOMBARD_PROVINCES

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ./]{4,}$")
M = TypeVar("M", bound=Frozen)
EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")


class PlacesError(ValueError):
    """A places file is invalid; `problems` has one line per problem (file, entry, field)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def _web(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"'{value}' is not a web address (http:// or https://)")
    return value


class Contacts(Frozen):
    """General contacts of an ATS (not a conciliazione desk), each from the `source`."""

    website: str
    phone: str | None = None
    pec: str | None = None
    email: str | None = None
    address: str | None = None
    note: Localized | None = None
    source: Source
    checked: dt.date

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        return _web(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not PHONE_RE.match(value):
            raise ValueError(f"'{value}' is not a phone number")
        return value

    @field_validator("pec", "email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_RE.match(value):
            raise ValueError(f"'{value}' is not an e-mail address")
        return value


class Ats(Frozen):
    """One ATS: its territory, conciliazione pages and general contacts."""

    id: str = Field(pattern=ID_RE.pattern)
    name: str = Field(min_length=3)
    # Other words naming it after the word "ATS" ("l'ATS bresciana", "ASST Valtellina").
    aliases: tuple[str, ...] = ()
    territory: Localized
    provinces: tuple[str, ...] = Field(min_length=1)
    pages: tuple[str, ...] = ()
    contacts: Contacts
    notes: Localized | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    as_of: dt.date

    @field_validator("provinces")
    @classmethod
    def _lombard(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if code not in LOMBARD_PROVINCES:
                raise ValueError(f"'{code}' is not a Lombard province")
        return value

    @field_validator("pages")
    @classmethod
    def _pages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_web(page) for page in value)


class Province(Frozen):
    """A Lombard province: its name, its capital (a comune) and other ways to name it."""

    name: Localized
    capital: str
    capital_aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()


class Area(Frozen):
    """A named area inside one province: one ATS, or `parts` (other areas) with their own."""

    id: str = Field(pattern=ID_RE.pattern)
    province: str
    ats: str | None = None
    parts: tuple[str, ...] = ()
    name: Localized
    in_: Localized | None = Field(default=None, alias="in")
    the: Localized | None = None
    of: Localized | None = None
    aliases: tuple[str, ...] = Field(min_length=1)
    comuni: tuple[str, ...] = ()
    complete: bool = False
    note: Localized | None = None
    sources: tuple[Source, ...] = ()
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Area:
        if self.province not in LOMBARD_PROVINCES:
            raise ValueError(f"province '{self.province}' is not a Lombard province code")
        if (self.ats is None) == (not self.parts):
            raise ValueError("an area has either an 'ats' or 'parts'")
        if self.comuni and not (self.sources and self.as_of):
            raise ValueError("a list of comuni needs 'sources' and 'as_of'")
        if self.complete and not self.comuni:
            raise ValueError("'complete' needs the list of 'comuni'")
        return self

    def phrase(self, kind: str, lang: str) -> str:
        """'in Valle Camonica' (kind 'in'), 'la Valle Camonica' ('the'), ... or the name."""
        value = {"in": self.in_, "the": self.the, "of": self.of}.get(kind)
        return (value or self.name).get(lang)


class Merger(Frozen):
    """A former comune incorporated into another that the dataset does not link to it."""

    former: str = Field(min_length=2)
    province: str
    into: str = Field(min_length=2)
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("province")
    @classmethod
    def _lombard(cls, value: str) -> str:
        if value not in LOMBARD_PROVINCES:
            raise ValueError(f"'{value}' is not a Lombard province code")
        return value


class RegionalContacts(Frozen):
    email: str
    phones: tuple[str, ...] = ()
    published: int | str
    source: Source


class Matching(Frozen):
    cue_words: tuple[str, ...] = ()
    common_words: tuple[str, ...] = ()
    known_words: tuple[str, ...] = ()


class AtsFile(Frozen):
    """knowledge/ats.yaml."""

    as_of: dt.date
    sources: tuple[Source, ...] = Field(min_length=1)
    regional_contacts: RegionalContacts
    ats: tuple[Ats, ...] = Field(min_length=1)
    provinces: dict[str, Province]
    areas: tuple[Area, ...] = ()
    mergers: tuple[Merger, ...] = ()
    matching: Matching = Field(default_factory=Matching)

    @model_validator(mode="after")
    def _cross(self) -> AtsFile:
        problems: list[str] = []
        ids = [a.id for a in self.ats]
        if len(ids) != len(set(ids)):
            problems.append("field 'ats': duplicate ATS id")
        for code in LOMBARD_PROVINCES:
            owners = [a.id for a in self.ats if code in a.provinces]
            if len(owners) != 1:
                problems.append(f"province {code}: listed by {len(owners)} ATS (one required)")
            if code not in self.provinces:
                problems.append(f"field 'provinces': province {code} is missing")
        for code in self.provinces:
            if code not in LOMBARD_PROVINCES:
                problems.append(f"field 'provinces': '{code}' is not a Lombard province code")
        areas = {a.id: a for a in self.areas}
        if len(areas) != len(self.areas):
            problems.append("field 'areas': duplicate area id")
        for area in self.areas:
            if area.ats is not None and area.ats not in ids:
                problems.append(f"area '{area.id}': field 'ats': unknown ATS '{area.ats}'")
            for part in area.parts:
                other = areas.get(part)
                if other is None or other.ats is None or other.province != area.province:
                    problems.append(
                        f"area '{area.id}': field 'parts': '{part}' is not an area with an "
                        f"ATS in {area.province}"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def main_ats(self, province: str) -> str:
        """The ATS that serves the province as a whole or for the most part."""
        return next(a.id for a in self.ats if province in a.provinces)


class Region(Frozen):
    it: str = Field(min_length=2)
    en: str = Field(min_length=2)
    aliases: tuple[str, ...] = ()


class ItalyFile(Frozen):
    """knowledge/italy.yaml: regions and provinces of Italy."""

    regions: dict[str, Region]
    provinces: dict[str, tuple[str, str]]
    province_aliases: dict[str, tuple[str, ...]] = {}
    comune_aliases: dict[str, tuple[str, ...]] = {}
    common_words: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _cross(self) -> ItalyFile:
        for code, (_, region) in self.provinces.items():
            if region not in self.regions:
                raise ValueError(f"province {code}: unknown region '{region}'")
        for code in self.province_aliases:
            if code not in self.provinces:
                raise ValueError(f"field 'province_aliases': unknown province '{code}'")
        return self


def parse(model: type[M], data: Any, where: str) -> M:
    """Validate parsed YAML; raise PlacesError with one line per problem."""
    if not isinstance(data, dict):
        raise PlacesError([f"{where}: -: -: the file must be a mapping"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise PlacesError([_problem(error, data, where) for error in exc.errors()]) from exc


def _problem(error: Any, data: dict[str, Any], where: str) -> str:
    """'ats.yaml: ats 'milano': field 'territory.en': this field is required'."""
    loc = list(error["loc"])
    item = "-"
    if len(loc) >= 2 and loc[0] in ("ats", "areas") and isinstance(loc[1], int):
        items = data.get(str(loc[0]))
        raw = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        label = raw.get("id") if isinstance(raw, dict) else None
        item = f"{'ats' if loc[0] == 'ats' else 'area'} '{label or f'#{loc[1] + 1}'}'"
        loc = loc[2:]
    elif len(loc) >= 2 and loc[0] in ("provinces", "regions"):
        item, loc = f"{str(loc[0])[:-1]} {loc[1]}", loc[2:]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "this field is required"
    elif error["type"] == "extra_forbidden":
        message = "unknown field (check the spelling)"
    field = ".".join(str(part) for part in loc) or "-"
    return " ".join(f"{where}: {item}: field '{field}': {message}".split())
