"""Reading numbers: amounts in euros, counts, ages; digits, words, hedges ("circa 9000").

Money (documented in docs/flows.md): "12.500,50", "12500 €", "12.500", "€ 9000", "9,000"
(a single comma followed by exactly three digits is a thousands separator), "12,5k"/"12 mila"
(thousands). Numbers written in words ("dodicimila") are refused politely.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from text_to_num import alpha2digit

from bot.flows.parsing.base import Parsed, approx, fail, prepare
from bot.normalise import fold

logger = logging.getLogger(__name__)

MAX_YEARS = 120

NUMBER_WORDS = {
    "zero": 0,
    "uno": 1,
    "un": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove": 9,
    "dieci": 10,
    "undici": 11,
    "dodici": 12,
    "tredici": 13,
    "quattordici": 14,
    "quindici": 15,
    "sedici": 16,
    "diciassette": 17,
    "diciotto": 18,
    "diciannove": 19,
    "venti": 20,
    "trenta": 30,
    "quaranta": 40,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "mezzo": 0.5,
    "half": 0.5,
}
# Fragments of Italian/English number words: "dodicimila", "tremilacinquecento", "ten thousand".
_NUMBER_WORD_FRAGMENTS = re.compile(
    r"(mila|mille|cento|milion|venti|trenta|quaranta|cinquanta|sessanta|settanta|ottanta|"
    r"novanta|dieci|undici|dodici|tredici|quattordici|quindici|sedici|thousand|hundred|"
    r"zero|uno|due|tre|quattro|cinque|sei|sette|otto|nove|one|two|three|four|five|six|"
    r"seven|eight|nine|ten)"
)
HEDGE_MARGIN = 0.1  # "circa X" = X ± 10%; "quasi X" = 90%..X; "poco più di X" = X..110%
_HEDGES: tuple[tuple[str, str], ...] = (
    (
        "about",
        r"piu o meno|all'? ?incirca|intorno (?:a|ai|alle|agli)|circa|sui|sulle|sugli|verso i|"
        r"more or less|about|around|approximately|approx\.?|roughly|ca\.",
    ),
    (
        "almost",
        r"quasi|poco meno di|poco sotto (?:i |le )?|appena sotto (?:i |le )?|un po'? meno di|"
        r"almost|nearly|just under|just below|"
        r"(?:a little|a bit|slightly) (?:under|below|less than)",
    ),
    (
        "just_over",
        r"poco piu di|poco sopra (?:i |le )?|appena sopra (?:i |le )?|un po'? piu di|"
        r"just over|just above|(?:a little|a bit|slightly) (?:over|above|more than)",
    ),
    (
        "under",
        r"meno di|sotto (?:i |le )?|inferiore a|non arriv\w+ a|less than|under|below|fewer than",
    ),
    ("over", r"piu di|oltre|sopra (?:i |le )?|superiore a|more than|over|above"),
)
_HEDGE_RES = [(kind, re.compile(rf"(?<![a-z])(?:{words})(?![a-z])")) for kind, words in _HEDGES]
RANGE_WORDS = re.compile(r"\b(tra|fra|between|oppure|or|o|from|da)\b.*\d.*\b(e|and|a|to)\b")


_ARTICLE = re.compile(
    r"(?<![a-z])(un|una|uno|a|an)(?![a-z'])(?!\s+(?:mila|milion|million|thousand|hundred|cento))"
)


def words_to_digits(text: str, articles: bool = True) -> str:
    """Numbers written in words become digits ("un anno e mezzo" -> "1 anno e mezzo"), Italian
    and English, with text2num (alpha2digit). With `articles` False, "un"/"a" stay words (an
    amount: "un sacco di soldi" is not 1 €)."""
    protected = text if articles else _ARTICLE.sub(lambda m: f"qq{m[1]}", text)
    try:
        out = alpha2digit(alpha2digit(protected, "it", threshold=0), "en", threshold=0)
    except Exception:  # noqa: BLE001 - a third-party parser must never break the dialogue
        logger.debug("text2num could not read %r", text)
        return text
    return out if articles else re.sub(r"\bqq([a-z]+)", r"\1", out)


def split_hedge(text: str) -> tuple[str | None, str]:
    """("about" | "almost" | "under" | "just_over" | "over" | None, the text without it)."""
    if "~" in text:
        return "about", text.replace("~", " ")
    for kind, pattern in _HEDGE_RES:
        match = pattern.search(text)
        if match:
            return kind, (text[: match.start()] + " " + text[match.end() :]).strip()
    return None, text


def hedged(kind: str, x: float, minimum: float | None, maximum: float | None) -> dict[str, Any]:
    """The range meant by a hedged figure ("quasi 2 anni" = 1.8 up to 2 years, 2 excluded)."""
    low = max(minimum or 0.0, 0.0)
    below = max(round(x * (1 - HEDGE_MARGIN), 4), low)
    above = round(x * (1 + HEDGE_MARGIN), 4)
    if maximum is not None:
        above = min(above, maximum)
    if kind == "about":
        return approx(kind, x, below, above)
    if kind == "almost":
        return approx(kind, x, below, x, hi_open=True)
    if kind == "under":
        return approx(kind, x, low, x, hi_open=True)
    if kind == "just_over":
        return approx(kind, x, x, above, lo_open=True)
    return approx(kind, x, x, maximum, lo_open=True)  # "over": no upper bound but the step's


_AMOUNT_NOISE = re.compile(r"(€|\beuro\b|\beur\b)", re.I)
_THOUSANDS = re.compile(r"^\d{1,3}([.,'’]\d{3})+$")
_SPACED_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


def to_number(token: str) -> float | None:
    """Italian first: '.' groups thousands, ',' is the decimal comma; see module docstring."""
    token = token.lstrip("+")
    if "'" in token or "’" in token:
        token = token.replace("'", ".").replace("’", ".")
    has_dot, has_comma = "." in token, "," in token
    if has_dot and has_comma:
        decimal = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, frac = token.rpartition(decimal)
        if not _THOUSANDS.match(whole) and not whole.isdigit():
            return None
        if not frac.isdigit():
            return None
        return float(whole.replace(thousands, "") + "." + frac)
    sep = "." if has_dot else "," if has_comma else None
    if sep is None:
        return float(token) if token.isdigit() else None
    if token.count(sep) > 1 or _THOUSANDS.match(token):
        return float(token.replace(sep, "")) if _THOUSANDS.match(token) else None
    whole, _, frac = token.partition(sep)
    if not whole.isdigit() or not frac.isdigit():
        return None
    return float(f"{whole}.{frac}")


_NUMBER_IN_TEXT = re.compile(r"(?<![\d.,])([+-]?)\s*(\d[\d.,'’]*)(?:\s*(k|mila|mille)\b)?", re.I)
ARTICLES = frozenset({"un", "una", "uno", "a", "an"})


def numbers_in(text: str) -> list[tuple[str, str, str, int]]:
    """(sign, digits, thousands suffix, end position) of each number written in digits."""
    cleaned = _SPACED_THOUSANDS.sub("", _AMOUNT_NOISE.sub(" ", text.strip()))
    return [
        (m[1], m[2].rstrip(".,'’"), (m[3] or "").lower(), m.end())
        for m in _NUMBER_IN_TEXT.finditer(cleaned)
    ]


def _number_and_rest(text: str) -> tuple[float | None, str]:
    """The number in `text` (digits, or a small number word) and the words after it."""
    found = numbers_in(text)
    if len(found) == 1:
        sign, digits, suffix, end = found[0]
        number = to_number(digits)
        if number is None:
            return None, ""
        if suffix:
            number *= 1000
        cleaned = _SPACED_THOUSANDS.sub("", _AMOUNT_NOISE.sub(" ", text.strip()))
        return (-number if sign == "-" else number), cleaned[end:].strip()
    if found:
        return None, ""  # several numbers ("tra 2 e 3"): ask again rather than guess
    words = fold(text).split()
    for index, word in enumerate(words):
        rest = " ".join(words[index + 1 :])
        if word in ARTICLES:
            if re.match(r"(ann|year|mes|month|settiman|week)", rest):
                return 1.0, rest
            continue
        if word in NUMBER_WORDS:
            return float(NUMBER_WORDS[word]), rest
    return None, ""


def parse_money(text: str, minimum: float | None = 0, maximum: float | None = None) -> Parsed:
    """An amount in euros; hedged figures ("circa 9000") come back as a range to confirm."""
    plain = prepare(text)
    kind, plain = split_hedge(plain)
    digits_text = words_to_digits(plain, articles=False)
    found = numbers_in(digits_text)
    if not found:
        return fail("money_words") if _NUMBER_WORD_FRAGMENTS.search(fold(text)) else fail("money")
    if len(found) > 1:
        return fail("money")
    sign, digits, suffix, _ = found[0]
    if sign == "-":
        return fail("negative")
    number = to_number(digits)
    if number is None:
        return fail("money")
    if suffix:
        number *= 1000
    parsed = bounded(round(number, 2), minimum, maximum, money=True)
    if not parsed.ok:
        return parsed
    if kind:
        return Parsed(hedged(kind, parsed.value, minimum, maximum), understood=True)
    return Parsed(parsed.value, understood=digits_text != plain)


def bounded(
    value: float, minimum: float | None, maximum: float | None, money: bool = False
) -> Parsed:
    if value < 0 and (minimum is None or minimum >= 0):
        return fail("negative")
    if minimum is not None and value < minimum:
        return fail("too_low", min=minimum, money=money)
    if maximum is not None and value > maximum:
        return fail("too_high", max=maximum, value=value, money=money)
    return Parsed(int(value) if float(value).is_integer() else value)


# People counted in "3 dipendenti più il titolare", "io e due dipendenti", "me and 2 employees".
_PERSON = re.compile(
    r"^(io|me|myself|titolare|titolari|owner|proprietari[oa]|marito|moglie|husband|wife|"
    r"socio|socia|partner|imprenditore|imprenditrice)$"
)
_CONNECTOR = re.compile(r"(?<![a-z])(piu|e|ed|and|plus|oltre a|\+|,)(?![a-z])")
_INCLUDED = re.compile(r"(?<![a-z])(compres[oaie]|inclus[oaie]|including|included|incl)(?![a-z])")


def _compound(text: str) -> tuple[float, bool] | None:
    """(people in total, True) for a sum of numbers and persons; None when it is not a sum."""
    if not _CONNECTOR.search(text) or RANGE_WORDS.search(text):
        return None
    numbers = []
    for sign, digits, _, _ in numbers_in(text):
        value = to_number(digits)
        if value is None or sign == "-":
            return None
        numbers.append(value)
    tokens = re.findall(r"\d[\d.,]*|[a-z]+", text)
    persons = 0
    if not _INCLUDED.search(text):
        for index, token in enumerate(tokens):
            before = tokens[max(index - 2, 0) : index]
            if _PERSON.match(token) and not any(t[0].isdigit() for t in before):
                persons += 1
    if len(numbers) + persons < 2:
        return None
    return sum(numbers) + persons, True


def parse_number(
    text: str, minimum: float | None = 0, maximum: float | None = None, integer: bool = True
) -> Parsed:
    """A count: "3", "tre", "3 persone", "3 dipendenti più il titolare" (4), "circa 10"."""
    plain = prepare(text)
    kind, plain = split_hedge(plain)
    digits_text = words_to_digits(plain)
    compound = None if kind else _compound(digits_text)
    if compound is not None:
        number: float | None = compound[0]
    else:
        number, _ = _number_and_rest(digits_text)
    if number is None:
        return fail("number")
    if integer and not float(number).is_integer():
        return fail("number")
    parsed = bounded(number, minimum, maximum)
    if not parsed.ok:
        return parsed
    if kind:
        return Parsed(hedged(kind, parsed.value, minimum, maximum), understood=True)
    return Parsed(parsed.value, understood=compound is not None)


def parse_age(text: str, minimum: float | None = 0, maximum: float | None = MAX_YEARS) -> Parsed:
    number, _ = _number_and_rest(words_to_digits(prepare(text)))
    if number is None or not float(number).is_integer():
        return fail("age")
    return bounded(number, minimum, maximum)


# Units of a duration, as a fraction of a year.
_UNITS = (
    (re.compile(r"^(anni|anno|years?|yrs?|y)$"), 1.0),
    (re.compile(r"^(mesi|mese|months?|mos?)$"), 1 / 12),
    (re.compile(r"^(settimane|settimana|weeks?|wks?)$"), 7 / 365.25),
    (re.compile(r"^(giorni|giorno|days?|gg)$"), 1 / 365.25),
)


def unit_factor(token: str) -> float | None:
    return next((factor for pattern, factor in _UNITS if pattern.match(token)), None)
