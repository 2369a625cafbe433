"""The period a question asks about: years written, said in words or named by an event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.lexicon import Lexicon
from bot.phrases import PhraseSet

# Years the programme and the funds can be about; anything else is an amount or a date.
FIRST_YEAR = 2008
LAST_YEAR = 2040
# On folded text, where "2017-18" already reads "2017 2018"; "2010 euro" is an amount.
YEAR = re.compile(r"\b(20[0-4]\d)\b(?! (?:euro|eur)\b)")
_DECREE_YEAR = re.compile(
    r"\b(?:dgr|d g r|delibera|deliberazione|decreto|ddg)\s+(?:n\s+)?(?:[xiv]{1,4}\s+)?\d{2,5}"
    r"\s+(?:del\s+|of\s+)?20[0-4]\d\b"
)
# "nel 2k19": a year written the short way.
_TWO_K = re.compile(r"\b2k([0-4]\d)\b")
# Years in words: "duemilaventi", "triennio venti-ventitré" (folded: "venti ventitre").
_YEAR_WORDS = {
    w: 10 + i
    for i, w in enumerate(
        "dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove "
        "venti ventuno ventidue ventitre ventiquattro venticinque ventisei ventisette ventotto "
        "ventinove trenta".split()
    )
}
_WORDS = "|".join(sorted(_YEAR_WORDS, key=len, reverse=True))
_THOUSAND_WORDS = re.compile(rf"\b(?:duemila|dumila|duemil)\s?({_WORDS})(?:\s({_WORDS}))?\b")
_SPAN_WORDS = re.compile(rf"\b(triennio|biennio|piano|piani|programma)\s+({_WORDS})\s+({_WORDS})\b")
# The months' names, as an alternation for the patterns that read dates.
MONTHS = (
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
    "dicembre|january|february|march|april|may|june|july|august|september|october|november|"
    "december"
)
# "nel '24", "del '19" (folded: "nel 24"), not "nel 24 ore", "dal 20 per cento", "nel 12 marzo".
_NOT_A_YEAR = rf"(?!\s*(?:ore|ora|mesi|mese|anni|anno|euro|eur|per|%|settimane|giorni|{MONTHS}|\d))"
_SHORT_YEAR = re.compile(rf"\b(nel|del|dal)\s+(1\d|2\d)\b{_NOT_A_YEAR}")
# ... in words: "del tredici", "nell'anno ventuno" (folded: "nell anno ventuno").
_WORD_YEAR = re.compile(rf"\b(nel|del|dal|anno)\s+({_WORDS})\b{_NOT_A_YEAR}")


def _thousand_years(m: re.Match[str]) -> str:
    """ "duemilaventi" -> "2020"; "duemilaventi ventitre" (a span) -> "2020 2023"."""
    first, then = _YEAR_WORDS[m.group(1)], m.group(2)
    if then is None:
        return str(2000 + first)
    second = _YEAR_WORDS[then]
    return f"{2000 + first} {2000 + second if second > first else then}"


def _years_in_words(folded: str) -> str:
    """ "duemilaventi" -> "2020", "triennio venti ventitre" -> "triennio 2020 2023", "nel 24"
    -> "nel 2024", "duemilaventi-ventitre" -> "2020 2023", "del tredici" -> "del 2013"."""
    if "mil" in folded:  # what _THOUSAND_WORDS needs
        folded = _THOUSAND_WORDS.sub(_thousand_years, folded)
    if "nni" in folded or "pian" in folded or "programma" in folded:  # what _SPAN_WORDS needs
        folded = _SPAN_WORDS.sub(
            lambda m: (
                f"{m.group(1)} {2000 + _YEAR_WORDS[m.group(2)]} {2000 + _YEAR_WORDS[m.group(3)]}"
            ),
            folded,
        )
    if "el " not in folded and "dal " not in folded and "anno " not in folded:  # what they need
        return folded
    folded = _WORD_YEAR.sub(lambda m: f"{m.group(1)} {2000 + _YEAR_WORDS[m.group(2)]}", folded)
    return _SHORT_YEAR.sub(lambda m: f"{m.group(1)} 20{m.group(2)}", folded)


_SINCE_YEAR = re.compile(r"\b(?:since|dal|dall|from)\s+20[0-4]\d\b")
_AFTER_YEAR = re.compile(r"\b(?:dopo(?: il)?|after|successivo al|following)\s+20[0-4]\d\b")
# What a match of each pattern above holds (its alternatives' common parts): a text without
# any of them has no match (tests/test_quick_paths.py).
_DECREE_WORDS = ("dgr", "d g r", "delibera", "decreto", "ddg")
_SINCE_WORDS = ("since", "dal", "from")
_AFTER_WORDS = ("dopo", "after", "successivo al", "following")


def _has_any(text: str, parts: tuple[str, ...]) -> bool:
    return any(part in text for part in parts)


_ID_YEARS = re.compile(r"20\d\d")


@lru_cache(maxsize=1024)
def id_years(entry_id: str) -> tuple[int, ...]:
    """The years written in an entry's id ("bonus-famiglia-2019": 2019), remembered: the
    decisions ask them of the same few entries a dozen times a message."""
    return tuple(int(y) for y in _ID_YEARS.findall(entry_id))


@dataclass(frozen=True)
class Period:
    """The years a question is about (inclusive); `current` when it says "today"."""

    first: int
    last: int
    current: bool = False

    def overlaps(self, first: int, last: int) -> bool:
        return self.first <= last and first <= self.last

    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


# "l'anno scorso" names the period asked only in a short question (see PeriodReader.dated).
RELATIVE_YEAR_MAX_WORDS = 12


class PeriodReader:
    """Reads the period of a folded message with the lexicon's words for periods."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._current = PhraseSet(lexicon.current_period)
        self._relative = ((PhraseSet(lexicon.last_year), -1), (PhraseSet(lexicon.next_year), 1))
        self._named_periods = [(y, PhraseSet(p)) for y, p in lexicon.named_periods.items()]

    def dated(self, folded: str, today: date | None) -> str:
        """ "l'anno scorso", "dal prossimo anno" written as the year they mean, so that the
        period and the entries of that year are found as for "nel 2025". In a longer story
        they date what happened ("sono arrivata a Monza l'anno scorso"), not what is asked.
        A period named by an event ("prima del covid") is written as its years in any message."""
        if "2k" in folded:  # what _TWO_K needs: most messages have none
            folded = _TWO_K.sub(r"20\1", folded)
        folded = _years_in_words(folded)
        for years, phrases in self._named_periods:
            found = phrases.search(folded)
            if found is not None:
                folded = f" {folded} ".replace(f" {found} ", f" {years} ").strip()
        if len(folded.split()) > RELATIVE_YEAR_MAX_WORDS:
            return folded
        for phrases, shift in self._relative:
            found = phrases.search(folded)
            if found is not None:
                year = (today or date.today()).year + shift
                folded = f" {folded} ".replace(f" {found} ", f" {year} ").strip()
        return folded

    def names_today(self, folded: str) -> bool:
        """ "now", "oggi", "attualmente": the message asks about today."""
        return self._current.search(folded) is not None

    def read(self, folded: str, today: date | None = None) -> Period | None:
        """Years named in the message ("2017-18", "nel 2019", "dal 2020 al 2023"), or today."""
        # Every pattern of a year needs "20" and each of the others its own words: a text
        # without them has no match to look for (most messages, the long stories too).
        if "20" in folded:
            if _has_any(folded, _DECREE_WORDS):
                # "DGR 1081 del 2013": the year of an act, not the period asked about.
                folded = _DECREE_YEAR.sub(" ", folded)
            years = [int(y) for y in YEAR.findall(folded) if FIRST_YEAR <= int(y) <= LAST_YEAR]
            one_year = len(set(years)) == 1
            if (
                one_year
                and _has_any(folded, _SINCE_WORDS)
                and _SINCE_YEAR.search(folded) is not None
                and self._current.search(folded)
            ):
                # "we live here since 2017, which ATS now?": from then until today.
                return Period(years[0], max(years[0], (today or date.today()).year))
            if one_year and _has_any(folded, _AFTER_WORDS) and _AFTER_YEAR.search(folded):
                # "il piano dopo il 2023": the years that follow it.
                return Period(years[0] + 1, years[0] + 2)
            if years:
                return Period(min(years), max(years))
        if self._current.search(folded) is not None:
            year = (today or date.today()).year
            return Period(year, year, current=True)
        return None
