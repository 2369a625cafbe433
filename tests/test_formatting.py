"""Human-facing dates, numbers and money in Italian and English (bot.formatting, on Babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from bot.formatting import (
    add_months,
    format_date,
    format_datetime,
    format_money,
    format_month,
    format_number,
    format_percent,
    months_between,
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("it", "1 marzo 2026"),
        ("en", "March 1, 2026"),
        (None, "1 marzo 2026"),
        ("de", "1 marzo 2026"),
    ],
)
def test_dates_read_naturally_in_each_language_and_unknown_languages_fall_back_to_italian(
    lang: str | None, expected: str
) -> None:
    assert format_date(date(2026, 3, 1), lang) == expected


def test_iso_strings_and_datetimes_are_accepted_and_short_styles_differ_by_language() -> None:
    assert format_date("2026-11-30", "en") == "November 30, 2026"
    assert format_date(datetime(2026, 11, 30, 23, 59), "it") == "30 novembre 2026"
    assert format_date("2026-11-30", "en", "medium") == "Nov 30, 2026"
    assert format_date("2026-11-30", "it", "medium") == "30 nov 2026"
    assert "2026" in format_datetime(datetime(2026, 11, 30, 8, 5), "en")
    with pytest.raises(ValueError):
        format_date("2026-11-30", "en", "iso")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (3000, "it", "3.000\xa0€"),
        (3000, "en", "€3,000"),
        (Decimal("1500.5"), "it", "1.500,50\xa0€"),
        (1500.5, "en", "€1,500.50"),
        (0, "en", "€0"),
    ],
)
def test_money_in_euros_drops_cents_only_on_whole_amounts(
    value: float, lang: str, expected: str
) -> None:
    assert format_money(value, lang) == expected


def test_numbers_and_percentages_use_the_readers_separators() -> None:
    assert format_number(20000.5, "it") == "20.000,5"
    assert format_number(20000.5, "en") == "20,000.5"
    assert format_number(1234, "en", decimals=2) == "1,234.00"
    assert format_number(1234.567, "it", decimals=0) == "1.235"
    assert format_percent(0.926, "it") == "92,6%"
    assert format_percent(0.926, "en", decimals=0) == "93%"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -13, date(2024, 12, 10)),
    ],
)
def test_month_arithmetic_clamps_to_the_end_of_shorter_months(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_months_between_counts_whole_calendar_months() -> None:
    assert months_between(date(2026, 1, 15), date(2026, 7, 14)) == 5
    assert months_between(date(2026, 1, 15), date(2026, 7, 15)) == 6
    assert months_between(date(2026, 7, 15), date(2026, 1, 16)) == -5
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert months_between(date(2026, 5, 1), date(2026, 5, 31)) == 0


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (date(2025, 10, 1), "it", "ottobre 2025"),
        (date(2025, 10, 31), "en", "October 2025"),
        ("2025-05-01", "it", "maggio 2025"),
        (datetime(2026, 1, 15, 9, 30), "en", "January 2026"),
    ],
)
def test_a_month_reads_as_a_month_name_and_a_year(
    value: date | datetime | str, lang: str, expected: str
) -> None:
    assert format_month(value, lang) == expected
