"""Reading durations in years: "3 anni", "18 mesi", "un anno e mezzo", or since a date."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.flows.parsing.base import Parsed, approx, fail, is_approx, prepare
from bot.flows.parsing.dates import parse_date
from bot.flows.parsing.numbers import (
    ARTICLES,
    MAX_YEARS,
    RANGE_WORDS,
    bounded,
    hedged,
    numbers_in,
    split_hedge,
    to_number,
    unit_factor,
    words_to_digits,
)

_LOOKS_LIKE_DATE = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|[a-z]{3,}\s+\d{4}"
    r"|\b\d{1,2}\s*[/.-]\s*\d{4}\b"
)
_NEGATIVE = re.compile(r"(?<![\w.,])-\s*\d")
_HALF = frozenset({"mezzo", "mezza", "half"})


def _duration(text: str) -> tuple[float, bool] | None:
    """(years, read from units or fractions) for "1 anno e mezzo", "2 years and a half",
    "18 mesi", "700 giorni", "1 anno e 10 mesi"; None when it is not one duration."""
    tokens = re.findall(r"\d+(?:[.,]\d+)?|[a-z]+", text)
    items: list[list[Any]] = []  # [number, unit factor or None]
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        if token[0].isdigit():
            value = to_number(token)
            if value is None:
                return None
            items.append([value, None])
        elif token in _HALF:
            if items and items[-1][1] is None and previous in ("a", "e", "and"):
                items[-1][0] += 0.5  # "2 and a half years"
            elif items and items[-1][1] is not None:
                items.append([0.5, items[-1][1]])  # "1 anno e mezzo", "2 years and a half"
            else:
                items.append([0.5, None])  # "mezzo anno", "half a year"
        elif (factor := unit_factor(token)) is not None:
            if items and items[-1][1] is None:
                items[-1][1] = factor
            elif previous in ARTICLES:
                items.append([1.0, factor])  # "a year and a half"
    if not items or (len(items) > 1 and any(unit is None for _, unit in items)):
        return None
    total = sum(value * (unit or 1.0) for value, unit in items)
    plain = len(items) == 1 and items[0][1] in (None, 1.0) and float(items[0][0]).is_integer()
    return total, not plain


def parse_years(
    text: str, today: date, minimum: float | None = 0, maximum: float | None = MAX_YEARS
) -> Parsed:
    """A duration in years: "3", "3 anni", "2,5", "18 mesi", "un anno e mezzo", "700 giorni",
    a start date ("dal 01/03/2020"), a start month ("da ottobre 2023", a range); "quasi 2 anni"
    and other hedged figures come back as ranges to confirm."""
    plain = prepare(text)
    if _LOOKS_LIKE_DATE.search(plain):
        since = parse_date(plain, not_future=True, today=today)
        if not since.ok:
            return since
        if is_approx(since.value):  # a month: the duration is a range
            first, last = (
                date.fromisoformat(since.value["lo"]),
                date.fromisoformat(since.value["hi"]),
            )
            longest, shortest = _years_since(first, today), _years_since(last, today)
            value = approx("since", since.value["x"], shortest, longest)
            return Parsed(value, understood=True)
        return bounded(_years_since(since.value, today), minimum, maximum)
    kind, plain = split_hedge(plain)
    if RANGE_WORDS.search(plain):
        return fail("years")
    digits_text = words_to_digits(plain)
    if _NEGATIVE.search(digits_text):
        return fail("negative")
    found = _duration(digits_text)
    if found is None:
        return fail("years")
    number, understood = found
    single = len(numbers_in(digits_text)) == 1 and not understood
    if single and float(number).is_integer() and 1900 <= number <= 2100:
        return fail("years_is_year", year=int(number))
    parsed = bounded(round(number, 2), minimum, maximum)
    if not parsed.ok:
        return parsed
    if kind:
        return Parsed(hedged(kind, parsed.value, minimum, maximum), understood=True)
    return Parsed(parsed.value, understood=understood or digits_text != plain)


def _years_since(since: date, today: date) -> float:
    months = (today.year - since.year) * 12 + today.month - since.month
    if today.day < since.day:
        months -= 1
    return round(max(months, 0) / 12, 2)
