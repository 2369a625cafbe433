"""What every reader of typed answers shares: the Parsed result, text preparation, ranges."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT_CHARS = 80


@dataclass(frozen=True)
class Parsed:
    """A typed answer read: `value`, or `error` (a UI text key) with its `fields`."""

    value: Any = None
    error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    # A non-trivial reading (words, units, a sum, a range): the bot says what it understood.
    understood: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def fail(key: str, **fields: Any) -> Parsed:
    """An answer not accepted: the UI text `flows.invalid.<key>` says why."""
    return Parsed(error=f"flows.invalid.{key}", fields=fields)


# Every dash and minus sign people type (hyphens, en/em dashes, the Unicode minus, full-width).
_DASHES = str.maketrans(
    {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
)
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u2009\u202f\u200a"})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
APPROX_KINDS = frozenset({"about", "almost", "under", "just_over", "over", "month", "since"})


def approx(
    kind: str, x: Any, lo: Any, hi: Any, lo_open: bool = False, hi_open: bool = False
) -> dict[str, Any]:
    """An answer known only as a range (JSON-safe): the rules decide only if the whole range
    agrees. `x` is the figure the user wrote; `hi` None = no upper bound."""
    return {"approx": kind, "x": x, "lo": lo, "hi": hi, "lo_open": lo_open, "hi_open": hi_open}


def is_approx(value: Any) -> bool:
    return isinstance(value, dict) and value.get("approx") in APPROX_KINDS


def prepare(text: str) -> str:
    """Lower case without accents; every dash is '-', odd spaces are spaces, quotes are '."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_SPACES)
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def parse_text(text: str) -> Parsed:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_TEXT_CHARS:
        return fail("text", max=MAX_TEXT_CHARS)
    return Parsed(cleaned)
