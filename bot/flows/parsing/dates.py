"""Reading dates: "15/03/2025", "15 marzo 2025", "ottobre 2025" (a month), "2 mesi fa"."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from bot.flows.parsing.base import Parsed, approx, fail, prepare
from bot.flows.parsing.numbers import ARTICLES, unit_factor, words_to_digits
from bot.formatting import LANGS, add_months
from bot.normalise import fold

_DMY = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDY = re.compile(
    r"\b(?:(\d{1,2})\s+)?(?:di\s+|of\s+)?([a-z]{3,})\.?,?\s+(?:del\s+|of\s+)?(\d{4})\b"
)
_MONTH_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_AGO = re.compile(r"\b(\d+|a|an|un|una|uno)\s+([a-z]+)\s+(fa|ago|or sono)\b")
_LAST = re.compile(
    r"\b(?:(?:il|la|l')\s*)?(mese|settimana|month|week)\s+(scorso|scorsa|passato|passata)\b"
    r"|\blast\s+(month|week)\b"
)


def _year(value: str) -> int:
    year = int(value)
    if len(value) == 2:
        year += 2000 if year <= 69 else 1900
    return year


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    """Month names as typed: Babel's Italian and English names, and their first letters."""
    from babel.dates import get_month_names  # here: importing Babel slows every start-up

    names: dict[str, int] = {}
    for lang in LANGS:
        for number, name in get_month_names("wide", locale=lang).items():
            names[name.lower()] = names[name.lower()[:3]] = number
    names.update({"sept": 9, "sett": 9})
    return names


def month_range(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def _relative(plain: str, today: date) -> tuple[date | tuple[date, date], bool] | None:
    """Relative dates: oggi, ieri, "2 mesi fa", "a week ago", "il mese scorso" (a month)."""
    words = fold(plain)
    if re.search(r"\b(l ?altro ?ieri|altroieri|day before yesterday)\b", words):
        return date.fromordinal(today.toordinal() - 2), True
    if re.search(r"\b(ieri|yesterday)\b", words):
        return date.fromordinal(today.toordinal() - 1), True
    if re.search(r"\b(oggi|today|stamattina|this morning)\b", words):
        return today, True
    if m := _LAST.search(plain):
        unit = m[1] or m[3]
        if unit in ("mese", "month"):
            previous = add_months(today, -1)
            return month_range(previous.year, previous.month), True
        return date.fromordinal(today.toordinal() - 7), True
    if m := _AGO.search(words_to_digits(plain)):
        count = 1 if m[1] in ARTICLES else int(m[1])
        factor = unit_factor(m[2])
        if factor is None:
            return None
        if factor == 1.0:
            return add_months(today, -12 * count), True
        if factor == 1 / 12:
            return add_months(today, -count), True
        days = count * (7 if factor == 7 / 365.25 else 1)
        return date.fromordinal(today.toordinal() - days), True
    return None


def parse_date(
    text: str, not_future: bool = False, not_before: date | None = None, today: date | None = None
) -> Parsed:
    """'15/03/2025', '15-3-25', '2025-03-15', '15 marzo 2025' (day first, as in Italy); a month
    ('ottobre 2025', '10/2025') is a range; 'ieri', '2 mesi fa', 'a week ago' count from today."""
    today = today or date.today()
    plain = prepare(text)
    parts: tuple[int, int, int] | None = None
    month: tuple[int, int] | None = None
    understood = False
    if m := _ISO.search(plain):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _DMY.search(plain):
        parts = (_year(m[3]), int(m[2]), int(m[1]))
    elif (m := _WORDY.search(plain)) and m[2] in _month_names():
        if m[1]:
            parts = (int(m[3]), _month_names()[m[2]], int(m[1]))
        else:
            month = (int(m[3]), _month_names()[m[2]])
    elif (m := _MONTH_NUMERIC.search(plain)) and 1 <= int(m[1]) <= 12:
        month = (int(m[2]), int(m[1]))
    elif (relative := _relative(plain, today)) is not None:
        found, understood = relative
        if isinstance(found, tuple):
            month = (found[0].year, found[0].month)
        else:
            parts = (found.year, found.month, found.day)
    if month is not None:
        return _month_answer(month, not_future, not_before, today)
    if parts is None:
        return fail("date")
    try:
        day = date(*parts)
    except ValueError:
        return fail("date_impossible", text=text.strip())
    if not_future and day > today:
        return fail("date_future")
    if not_before and day < not_before:
        return fail("date_too_old", date=not_before)
    return Parsed(day, understood=understood)


def _month_answer(
    month: tuple[int, int], not_future: bool, not_before: date | None, today: date
) -> Parsed:
    try:
        first, last = month_range(*month)
    except ValueError:
        return fail("date")
    if not_future and first > today:
        return fail("date_future")
    if not_before and last < not_before:
        return fail("date_too_old", date=not_before)
    if not_future:
        last = min(last, today)
    if not_before:
        first = max(first, not_before)
    value = approx("month", first.isoformat(), first.isoformat(), last.isoformat())
    return Parsed(value, understood=True)


def parse_day_of_month(text: str, month: dict[str, Any], today: date) -> Parsed:
    """The day asked after a month ("15", "il 15"): a full date typed instead also works."""
    plain = prepare(text)
    first = date.fromisoformat(month["lo"][:8] + "01")
    m = re.fullmatch(r"(?:il |the |on )?(\d{1,2})(?:st|nd|rd|th|°|o)?", plain)
    if not m:
        return fail("day")
    try:
        day = date(first.year, first.month, int(m[1]))
    except ValueError:
        return fail("date_impossible", text=text.strip())
    if day > today:
        return fail("date_future")
    return Parsed(day)
