"""What the place directory hands out: comuni, matches in a text, places outside Lombardy."""

from __future__ import annotations

from dataclasses import dataclass

from bot.places.text import comune_key

BUTTON_PREFIX = "p:"


@dataclass(frozen=True)
class Comune:
    """A comune active today; `ats` has one id when certain, two when the area is uncertain.

    `area`: the id of the area (knowledge/ats.yaml) whose list of comuni names it, if any.
    """

    name: str
    province: str
    ats: tuple[str, ...]
    area: str | None = None

    @property
    def certain(self) -> bool:
        return len(self.ats) == 1

    @property
    def key(self) -> str:
        """Stable id for buttons and conversation state: 'Name|PR'."""
        return comune_key(self.name, self.province)


@dataclass(frozen=True)
class PlaceMatch:
    """A place of Lombardy found in the user's text.

    kind "comune": `comuni` holds one comune; "ambiguous": several, to ask back; "province":
    `province` is set, and `area` too when the text named an area ("Valle Camonica").
    """

    kind: str
    comuni: tuple[Comune, ...]
    province: str | None
    matched_text: str
    score: float
    area: str | None = None


@dataclass(frozen=True)
class OutsidePlace:
    """A comune, province or region of Italy outside Lombardy named in the user's text.

    kind "comune" | "province" | "region". `name` as officially written ("Torino", "Novara",
    "Piemonte"); `province` the province code (None for a region); `region` and `region_en`
    the region's Italian and English names.
    """

    kind: str
    name: str
    province: str | None
    region: str
    region_en: str
    matched_text: str

    def region_name(self, lang: str) -> str:
        return self.region_en if lang == "en" else self.region


def button_data(comune: Comune) -> str:
    """Callback data of a comune button: 'p:<name>|<PR>' (at most 64 bytes, tested)."""
    return BUTTON_PREFIX + comune.key
