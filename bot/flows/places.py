"""What the flows need from the place directory (bot/places.py), as a structural interface.

The directory is optional: without it the comune step records the text as typed and the
verdict points to the ATS list in general.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

MAX_PICK = 8  # comuni offered as buttons when a name is ambiguous


class ComuneLike(Protocol):
    name: str
    province: str
    ats: tuple[str, ...]


class PlaceMatchLike(Protocol):
    kind: str  # "comune" | "province" | "ambiguous"
    comuni: Sequence[ComuneLike]  # empty for a province (or an area such as Valle Camonica)
    province: str | None


class PlacesLike(Protocol):
    ats: Mapping[str, Any]

    def resolve(self, text: str) -> PlaceMatchLike | None: ...

    def comune_by_key(self, key: str) -> ComuneLike | None: ...


def comune_key(comune: ComuneLike) -> str:
    return f"{comune.name}|{comune.province}"


def comune_answer(comune: ComuneLike, text: str | None = None) -> dict[str, Any]:
    """The JSON-safe answer stored for a comune."""
    return {
        "text": text or comune.name,
        "key": comune_key(comune),
        "name": comune.name,
        "province": comune.province,
        "ats": list(dict.fromkeys(comune.ats)),
    }


def province_answer(places: PlacesLike, match: PlaceMatchLike, text: str) -> dict[str, Any]:
    """A province or an area was named: keep every ATS it may belong to (Brescia: two)."""
    by_match = getattr(places, "ats_for_match", None)
    ats = list(by_match(match)) if callable(by_match) else [a for c in match.comuni for a in c.ats]
    province = getattr(match, "province", None)
    if province is None and match.comuni:
        province = match.comuni[0].province
    return {
        "text": text,
        "name": text.strip(),
        "province": province,
        "ats": list(dict.fromkeys(ats)),
    }


def read_comune(places: PlacesLike | None, text: str) -> tuple[str, Any]:
    """What a typed place gives a comune step: ("answer", the answer to store), ("pick",
    [[key, shown], ...] for the comuni of that name) or ("unknown", None)."""
    if places is None:
        return "answer", {"text": text}
    match = places.resolve(text)
    if match is not None and match.kind == "province":
        return "answer", province_answer(places, match, text)
    if match is None or not match.comuni:
        return "unknown", None
    if match.kind == "ambiguous" and len(match.comuni) > 1:
        return "pick", [
            [comune_key(c), f"{c.name} ({c.province})"] for c in match.comuni[:MAX_PICK]
        ]
    return "answer", comune_answer(match.comuni[0], text)


PLACEHOLDERS = frozenset({"", "-", "–", "—", "none", "null", "n/a", "nd", "n.d."})


def _texts(value: Any) -> list[str]:
    """Contact values as clean strings: a string, a list, or objects with a `url`."""
    items = value if isinstance(value, (list, tuple)) else [value]
    found = []
    for item in items:
        text = item if isinstance(item, str) else getattr(item, "url", None)
        if isinstance(text, str) and text.strip().lower() not in PLACEHOLDERS:
            found.append(text.strip())
    return found


def ats_entries(places: PlacesLike | None, answer: Any) -> list[tuple[str, dict[str, list[str]]]]:
    """(ATS name, {"page"|"website"|"phone"|"email": values}) for the ATS recorded with a comune
    answer; only the fields that have a value (the directory may lack a phone or an e-mail)."""
    if places is None or not isinstance(answer, Mapping):
        return []
    entries = []
    for ats_id in answer.get("ats") or []:
        ats = places.ats.get(ats_id)
        if ats is None:
            continue
        contacts: dict[str, list[str]] = {}
        for key, names in (
            ("page", ("pages",)),
            ("website", ("website", "websites", "site")),
            ("phone", ("phone", "phones")),
            ("email", ("email", "emails")),
        ):
            values = [v for name in names for v in _texts(getattr(ats, name, None))]
            if values:
                contacts[key] = list(dict.fromkeys(values))[: 2 if key == "phone" else 1]
        entries.append((str(getattr(ats, "name", ats_id)), contacts))
    return entries
