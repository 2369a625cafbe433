"""Reading typed answers: money in Italian format, years, numbers, dates, yes/no."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.parsing.choices import is_unknown, parse_choice, parse_yes_no
from bot.flows.parsing.dates import parse_date, parse_day_of_month
from bot.flows.parsing.durations import parse_years
from bot.flows.parsing.numbers import parse_age, parse_money, parse_number

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    "text,value",
    [
        ("12.500,50", 12500.5),
        ("12500 €", 12500),
        ("12.500", 12500),
        ("€ 9000", 9000),
        ("9.000,00 €", 9000),
        ("9000 euro", 9000),
        ("9,000", 9000),
        ("12,50", 12.5),
        ("12.5", 12.5),
        ("12 500", 12500),
        ("1'234", 1234),
        ("12,5k", 12500),
        ("12k", 12000),
        ("12 mila", 12000),
        ("0", 0),
        ("il mio ISEE è 8.500 euro", 8500),
        ("1.234.567,89", 1234567.89),
        ("9000.01", 9000.01),
        ("15000,5", 15000.5),
    ],
)
def test_money_accepted(text: str, value: float) -> None:
    assert parse_money(text, 0, None).value == value


@pytest.mark.parametrize(
    "text,error",
    [
        ("un sacco di soldi", "flows.invalid.money"),
        ("abc", "flows.invalid.money"),
        ("-300", "flows.invalid.negative"),
        ("tra 8000 e 9000", "flows.invalid.money"),
        ("1.23.456", "flows.invalid.money"),
        ("", "flows.invalid.money"),
    ],
)
def test_money_refused_with_a_reason(text: str, error: str) -> None:
    assert parse_money(text, 0, None).error == error


def test_money_bounds() -> None:
    parsed = parse_money("2.000.000", 0, 500000)
    assert parsed.error == "flows.invalid.too_high" and parsed.fields["max"] == 500000


@pytest.mark.parametrize(
    "text,value",
    [
        ("3", 3),
        ("3 anni", 3),
        ("2,5", 2.5),
        ("1.5", 1.5),
        ("18 mesi", 1.5),
        ("sei mesi", 0.5),
        ("due anni", 2),
        ("un anno", 1),
        ("a year", 1),
        ("0", 0),
        ("dal 20/11/2024", 2),
        ("20/11/2024", 2),
        ("21/11/2024", 1.92),
        ("da 4 anni", 4),
        ("5 years", 5),
    ],
)
def test_years_accepted(text: str, value: float) -> None:
    assert parse_years(text, TODAY).value == value


@pytest.mark.parametrize(
    "text,error",
    [
        ("2020", "flows.invalid.years_is_year"),
        ("da sempre", "flows.invalid.years"),
        ("-2", "flows.invalid.negative"),
        ("tra 2 e 3", "flows.invalid.years"),
        ("01/01/2030", "flows.invalid.date_future"),
        ("31/02/2020", "flows.invalid.date_impossible"),
        ("300", "flows.invalid.too_high"),
    ],
)
def test_years_refused(text: str, error: str) -> None:
    assert parse_years(text, TODAY).error == error


@pytest.mark.parametrize(
    "text,value",
    [
        ("15/03/2025", date(2025, 3, 15)),
        ("2025-03-15", date(2025, 3, 15)),
        ("15-3-25", date(2025, 3, 15)),
        ("15.03.2025", date(2025, 3, 15)),
        ("15 marzo 2025", date(2025, 3, 15)),
        ("è nato il 1/9/2026", date(2026, 9, 1)),
    ],
)
def test_dates_accepted(text: str, value: date) -> None:
    assert parse_date(text, not_future=True, today=TODAY).value == value


def test_dates_refused() -> None:
    assert parse_date("31/02/2026").error == "flows.invalid.date_impossible"
    assert (
        parse_date("01/01/2027", not_future=True, today=TODAY).error == "flows.invalid.date_future"
    )
    assert (
        parse_date("01/01/1990", not_before=date(2000, 1, 1)).error == "flows.invalid.date_too_old"
    )
    assert parse_date("l'altro giorno").error == "flows.invalid.date"


@pytest.mark.parametrize(
    "text", ["si", "sì", "Sì", "SI!", "certo", "yes", "y", "Yes please", "sì certo", "s"]
)
def test_yes(text: str) -> None:
    assert parse_yes_no(text).value == "yes"


@pytest.mark.parametrize("text", ["no", "No.", "n", "nope", "no grazie", "non"])
def test_no(text: str) -> None:
    assert parse_yes_no(text).value == "no"


@pytest.mark.parametrize(
    "text", ["non so", "Non lo so", "boh", "non saprei", "don't know", "not sure", "?"]
)
def test_unknown_words(text: str) -> None:
    assert is_unknown(text)
    assert not is_unknown("no")


def test_yes_no_refuses_other_text() -> None:
    assert parse_yes_no("forse domani").error == "flows.invalid.yes_no"


def test_choice_by_label_id_number_or_close_spelling() -> None:
    options = [
        ("alone", ["Solo da me (donna sola)", "Just me (woman alone)"]),
        ("family", ["Da più persone", "More than one person"]),
    ]
    assert parse_choice("solo da me", options).value == "alone"
    assert parse_choice("Da piu persone", options).value == "family"
    assert parse_choice("more than one persn", options).value == "family"
    assert parse_choice("2", options).value == "family"
    assert parse_choice("family", options).value == "family"
    assert parse_choice("banana", options).error == "flows.invalid.choice"
    assert parse_choice("3", options).error == "flows.invalid.choice"


def test_numbers_and_ages() -> None:
    assert parse_number("3 persone", 1, None).value == 3
    assert parse_number("tre", 1, None).value == 3
    assert parse_number("2,5", 1, None).error == "flows.invalid.number"
    assert parse_number("0", 1, None).error == "flows.invalid.too_low"
    assert parse_age("32 anni").value == 32
    assert parse_age("150").error == "flows.invalid.too_high"


# --- answers as people write them -------------------------------------------------------------
@pytest.mark.parametrize(
    "text,kind,low,high",
    [
        ("quasi 2 anni", "almost", 1.8, 2),
        ("almost 2 years", "almost", 1.8, 2),
        ("circa 3 anni", "about", 2.7, 3.3),
        ("più di 3 anni", "over", 3, 100),
        ("meno di un anno", "under", 0, 1),
    ],
)
def test_hedged_years_are_ranges(text: str, kind: str, low: float, high: float) -> None:
    value = parse_years(text, TODAY, 0, 100).value
    assert value["approx"] == kind and value["lo"] == low and value["hi"] == high


@pytest.mark.parametrize(
    "text,value",
    [
        ("1 anno e mezzo", 1.5),
        ("un anno e mezzo", 1.5),
        ("2 years and a half", 2.5),
        ("two and a half years", 2.5),
        ("a year and a half", 1.5),
        ("mezzo anno", 0.5),
        ("700 giorni", 1.92),
        ("100 settimane", 1.92),
        ("1 anno e 10 mesi", 1.83),
        ("30 months", 2.5),
    ],
)
def test_fractions_and_units(text: str, value: float) -> None:
    parsed = parse_years(text, TODAY, 0, 100)
    assert parsed.value == value and parsed.understood


@pytest.mark.parametrize("minus", ["-", "−", "–", "—", "‐", "－", "﹣"])
def test_every_minus_sign_is_negative(minus: str) -> None:
    assert parse_money(f"{minus}500", 0, None).error == "flows.invalid.negative"
    assert parse_years(f"{minus}2", TODAY).error == "flows.invalid.negative"
    assert parse_number(f"{minus}3", 0, None).error == "flows.invalid.negative"


@pytest.mark.parametrize(
    "text,value",
    [
        ("3 dipendenti più il titolare", 4),
        ("io e due dipendenti", 3),
        ("me and 2 employees", 3),
        ("3 employees plus the owner", 4),
        ("io, mia moglie e 2 dipendenti", 4),
        ("2 dipendenti e 1 socio", 3),
        ("3+1", 4),
    ],
)
def test_compound_counts(text: str, value: int) -> None:
    parsed = parse_number(text, 1, None)
    assert parsed.value == value and parsed.understood


def test_people_already_included_are_not_added() -> None:
    assert parse_number("3 compreso il titolare", 1, None).value == 3
    assert parse_number("3 including the owner", 1, None).value == 3


def test_ranges_of_two_numbers_stay_refused() -> None:
    assert parse_number("tra 2 e 3", 1, None).error == "flows.invalid.number"
    assert parse_money("tra 8000 e 9000", 0, None).error == "flows.invalid.money"


@pytest.mark.parametrize(
    "text,first,last",
    [
        ("ottobre 2025", "2025-10-01", "2025-10-31"),
        ("October 2025", "2025-10-01", "2025-10-31"),
        ("10/2025", "2025-10-01", "2025-10-31"),
        ("novembre 2026", "2026-11-01", "2026-11-20"),  # not after today
        ("il mese scorso", "2026-10-01", "2026-10-31"),
    ],
)
def test_months_are_ranges(text: str, first: str, last: str) -> None:
    value = parse_date(text, not_future=True, today=TODAY).value
    assert value["approx"] == "month" and value["lo"] == first and value["hi"] == last


@pytest.mark.parametrize(
    "text,day",
    [
        ("oggi", date(2026, 11, 20)),
        ("ieri", date(2026, 11, 19)),
        ("l'altro ieri", date(2026, 11, 18)),
        ("2 mesi fa", date(2026, 9, 20)),
        ("tre settimane fa", date(2026, 10, 30)),
        ("a week ago", date(2026, 11, 13)),
        ("one year ago", date(2025, 11, 20)),
    ],
)
def test_relative_dates(text: str, day: date) -> None:
    parsed = parse_date(text, not_future=True, today=TODAY)
    assert parsed.value == day and parsed.understood


def test_hedged_money_and_words() -> None:
    assert parse_money("poco più di 9000", 0, None).value["approx"] == "just_over"
    assert parse_money("circa 9.000 €", 0, None).value["lo"] == 8100
    assert parse_money("dodicimila", 0, None).value == 12000
    assert parse_money("un sacco di soldi", 0, None).error == "flows.invalid.money"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parsers_never_raise(text: str) -> None:
    for parsed in (
        parse_money(text, 0, 500000),
        parse_number(text, 1, None),
        parse_years(text, TODAY, 0, 100),
        parse_age(text),
        parse_date(text, not_future=True, today=TODAY),
        parse_day_of_month(text, {"lo": "2025-10-01"}, TODAY),
    ):
        assert parsed.ok or parsed.error.startswith("flows.invalid.")
