"""Candidate places found in a message, before one is chosen (bot.places.finder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.places.cues import PLACE_CUES, PROVINCE_WORDS, code_after
from bot.places.dataset import LOMBARD_PROVINCES
from bot.places.entities import Comune
from bot.places.text import Tok, compact_key

SCORE_EXACT = 100.0
SCORE_SHORT_FORM = 90.0


@dataclass
class Cand:
    """A name found at tokens[start:end] and what it stands for there."""

    start: int
    end: int
    kind: str  # comune | ambiguous | province | area
    comuni: tuple[int, ...]
    province: str | None
    area: str | None
    score: float
    exact: bool
    strong: bool


SHORT_FORM_CHARS = 5  # 'Calolzio (LC)': shorter beginnings name too many comuni

# Province codes that are also words people shout ("SO much", "CO-op"): only in brackets.
_EMPHASIS = frozenset({"so"})


_CODE_CUES = PROVINCE_WORDS | PLACE_CUES
_CODE_CHARS = max(map(len, LOMBARD_PROVINCES))


def code_candidates(tokens: list[Tok], loud: bool) -> list[Cand]:
    """'(MI)', or 'BG' written in capitals: a province."""
    out = []
    for i, tok in enumerate(tokens):
        # Most words: no code at all (and upper() never shortens a word: codes are 2 letters).
        if len(tok.orig) > _CODE_CHARS or tok.orig.upper() not in LOMBARD_PROVINCES:
            continue
        if i > 0 and tokens[i - 1].norm.isdigit():  # "1,44 MB" is a file size
            continue
        cued = i > 0 and tokens[i - 1].norm in _CODE_CUES  # "provincia di SO"
        if tok.norm in _EMPHASIS and not (tok.in_parens or cued):  # "thank you SO much"
            continue
        if code_after(tok, LOMBARD_PROVINCES, loud):
            code = tok.orig.upper()
            out.append(Cand(i, i + 1, "province", (), code, None, SCORE_EXACT, True, False))
    return out


def without_overlaps(cands: list[Cand]) -> list[Cand]:
    """Longest spans first: 'Sesto San Giovanni' beats 'Sesto' and 'San Giovanni'."""
    ordered = sorted(cands, key=lambda c: (-(c.end - c.start), not c.exact, -c.score, c.start))
    kept: list[Cand] = []
    used: set[int] = set()
    for cand in ordered:
        span = set(range(cand.start, cand.end))
        if not span & used:
            kept.append(cand)
            used |= span
    return kept


def short_forms(
    comuni: Sequence[Comune], tokens: list[Tok], codes: list[Cand], found: list[Cand]
) -> list[Cand]:
    """'Calolzio (LC)': a word before a province code that begins the name of exactly one
    comune of that province is its everyday short form (Calolziocorte)."""
    out = []
    covered = {i for c in found for i in range(c.start, c.end)}
    for code in codes:
        i = code.start - 1
        if i < 0 or i in covered or len(word := tokens[i].key) < SHORT_FORM_CHARS:
            continue
        hits = [
            n
            for n, comune in enumerate(comuni)
            if comune.province == code.province
            and compact_key(comune.name).replace(" ", "").startswith(word)
        ]
        if len(hits) == 1:
            out.append(
                Cand(
                    i,
                    i + 1,
                    "comune",
                    (hits[0],),
                    code.province,
                    None,
                    SCORE_SHORT_FORM,
                    False,
                    True,
                )
            )
    return out
