"""Dates, numbers and money as an Italian or English reader expects them, through Babel.

One place for every human-facing format, so an English user never meets an Italian or ISO
date and amounts look the same in answers, flows and reports. Machine formats (JSON, logs,
database keys) stay ISO 8601 and are not made here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported by the first format made, not with this module: `ask` and most answers
# format nothing, and importing it costs a start-up ~30 ms (docs/performance.md).

LANGS = ("it", "en")
DEFAULT_LANG = "it"
CURRENCY = "EUR"
# Babel's "medium" and "long" date lengths: "1 mar 2026" / "1 marzo 2026", "Mar 1, 2026" /
# "March 1, 2026". Answers use "long": a month name cannot be misread as day/month or month/day.
DATE_STYLES = ("short", "medium", "long", "full")

Number = int | float | Decimal
MAX_DATE_TEXTS = 4096
_DATE_TEXTS: dict[tuple[date, str, str], str] = {}


@lru_cache(maxsize=8)
def _locale(lang: str | None) -> Locale:
    """The Babel locale for a bot language; anything unknown reads as the default (Italian)."""
    from babel import Locale

    return Locale.parse(lang if lang in LANGS else DEFAULT_LANG)


def format_date(value: date | datetime | str, lang: str | None, style: str = "long") -> str:
    """A date for people: `1 marzo 2026` (it), `March 1, 2026` (en); ISO strings accepted."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return _date_text(value, lang if lang in LANGS else DEFAULT_LANG, style)


def _date_text(value: date, lang: str, style: str) -> str:
    """Babel's rendering, remembered: answers show the same few dates again and again."""
    key = (value, lang, style)
    text = _DATE_TEXTS.get(key)
    if text is None:
        if style not in DATE_STYLES:
            raise ValueError(f"unknown date style {style!r}; use one of {DATE_STYLES}")
        from babel.dates import format_date as babel_date

        text = babel_date(value, format=style, locale=_locale(lang))
        if len(_DATE_TEXTS) < MAX_DATE_TEXTS:
            _DATE_TEXTS[key] = text
    return text


def date_texts() -> dict[tuple[date, str, str], str]:
    """The dates rendered so far: the knowledge cache keeps those its answers show."""
    return dict(_DATE_TEXTS)


def remember_date_texts(known: dict[tuple[date, str, str], str]) -> None:
    """Dates rendered by an earlier process with the same Babel (bot/cache.py checks it)."""
    for key, text in known.items():
        if len(_DATE_TEXTS) < MAX_DATE_TEXTS:
            _DATE_TEXTS.setdefault(key, text)


def format_month(value: date | datetime | str, lang: str | None) -> str:
    """A month for people: `ottobre 2025` (it), `October 2025` (en); ISO strings accepted."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", value, locale=_locale(lang))


def format_datetime(value: datetime, lang: str | None, style: str = "medium") -> str:
    """A date and time for people, in the reader's conventions."""
    if style not in DATE_STYLES:
        raise ValueError(f"unknown date style {style!r}; use one of {DATE_STYLES}")
    from babel.dates import format_datetime as babel_datetime

    return babel_datetime(value, format=style, locale=_locale(lang))


def format_number(value: Number, lang: str | None, decimals: int | None = None) -> str:
    """A number with the reader's separators: `20.000,5` (it), `20,000.5` (en)."""
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=_locale(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def format_percent(value: Number, lang: str | None, decimals: int = 1) -> str:
    """A ratio (0.926) as a percentage: `92,6%` (it), `92.6%` (en)."""
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return babel_percent(value, format=pattern, locale=_locale(lang))


def format_money(value: Number, lang: str | None) -> str:
    """Euros as written in the reader's language: `3.000 €` (it), `€3,000` (en).

    Whole amounts (the funds' amounts and ISEE thresholds) are shown without cents; any
    other amount keeps its two decimals.
    """
    from babel.numbers import format_currency

    locale = _locale(lang)
    pattern = locale.currency_formats["standard"].pattern
    if Decimal(str(value)) == Decimal(int(value)):
        pattern = pattern.replace(".00", "")
    return format_currency(value, CURRENCY, format=pattern, locale=locale, currency_digits=False)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's last day (31 Jan + 1 ->
    28/29 Feb), which is how the programmes count deadlines "within N months"."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier).

    A month is complete on the same day of a later month or, when that month is shorter, on
    its last day (31 January + 1 month = 28 February), the usual convention for deadlines;
    consistent with `add_months`."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days
