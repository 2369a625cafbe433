"""Reading typed answers: yes/no, money in Italian format, numbers, years, ages, dates.

Every parser returns a Parsed: either a value or the key of the UI text that explains why the
answer was not accepted (with the fields that text needs), so the re-prompt always says why.

Money (documented in docs/flows.md): "12.500,50", "12500 €", "12.500", "€ 9000", "9,000"
(a single comma followed by exactly three digits is a thousands separator), "12,5k"/"12 mila"
(thousands). Numbers written in words ("dodicimila") are refused politely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from bot.normalise import fold

CHOICE_MIN_SCORE = 85  # rapidfuzz WRatio on folded text, for typed choice answers
MAX_TEXT_CHARS = 80
MAX_YEARS = 120

YES = frozenset(
    "si s certo certamente esatto esattamente vero giusto confermo affermativo ok okay "
    "yes y yeah yep yup sure of course correct true".split()
) | {"si certo", "certo che si", "si grazie", "of course", "yes please"}
NO = frozenset("no n nope non falso mai niente negativo nah false".split()) | {
    "no grazie",
    "assolutamente no",
    "not really",
    "no thanks",
}
UNKNOWN_WORDS = frozenset(
    {
        "non so",
        "non lo so",
        "no lo so",
        "non saprei",
        "boh",
        "bho",
        "mah",
        "non ricordo",
        "non sono sicura",
        "non sono sicuro",
        "non lo ricordo",
        "non ne ho idea",
        "nessuna idea",
        "non so rispondere",
        "forse",
        "dont know",
        "don t know",
        "do not know",
        "i dont know",
        "i don t know",
        "i do not know",
        "not sure",
        "idk",
        "no idea",
        "unknown",
        "maybe",
        "non lo so ancora",
        "ancora non lo so",
        "preferisco non dirlo",
        "skip",
        "salta",
    }
)
BACK_WORDS = frozenset({"indietro", "torna indietro", "back", "go back", "domanda precedente"})
CANCEL_WORDS = frozenset({"annulla", "cancel", "esci", "stop", "basta", "quit", "exit"})
CONFIRM_WORDS = frozenset({"conferma", "confermo", "confirm", "ok", "va bene", "tutto giusto"})

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
MONTHS = {
    "gennaio": 1,
    "febbraio": 2,
    "marzo": 3,
    "aprile": 4,
    "maggio": 5,
    "giugno": 6,
    "luglio": 7,
    "agosto": 8,
    "settembre": 9,
    "ottobre": 10,
    "novembre": 11,
    "dicembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}


@dataclass(frozen=True)
class Parsed:
    """A typed answer read: `value`, or `error` (a UI text key) with its `fields`."""

    value: Any = None
    error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def _fail(key: str, **fields: Any) -> Parsed:
    return Parsed(error=f"flows.invalid.{key}", fields=fields)


def is_unknown(text: str) -> bool:
    folded = fold(text)
    return folded in UNKNOWN_WORDS or text.strip() in {"?", "??", "???"}


def is_back(text: str) -> bool:
    return fold(text) in BACK_WORDS


def is_cancel(text: str) -> bool:
    return fold(text) in CANCEL_WORDS


def is_confirm(text: str) -> bool:
    return fold(text) in CONFIRM_WORDS or parse_yes_no(text).value == "yes"


# --- yes / no ----------------------------------------------------------------------------
def parse_yes_no(text: str) -> Parsed:
    folded = fold(text)
    if folded in YES:
        return Parsed("yes")
    if folded in NO:
        return Parsed("no")
    words = folded.split()
    if words and len(words) <= 4:
        if words[0] in {"si", "yes", "certo", "sure"}:
            return Parsed("yes")
        if words[0] in {"no", "nope"}:
            return Parsed("no")
    return _fail("yes_no")


# --- choice ------------------------------------------------------------------------------
def parse_choice(text: str, options: list[tuple[str, list[str]]]) -> Parsed:
    """`options` = (option id, [its labels in every language]); typed label, id or number."""
    folded = fold(text)
    if not folded:
        return _fail("choice")
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return Parsed(options[int(folded) - 1][0])
    choices: dict[str, str] = {}
    for option_id, labels in options:
        for label in [option_id.replace("_", " "), *labels]:
            key = fold(label)
            if key == folded:
                return Parsed(option_id)
            choices[key] = option_id
    starts = {oid for key, oid in choices.items() if key.startswith(folded) and len(folded) >= 3}
    if len(starts) == 1:
        return Parsed(starts.pop())
    best = process.extract(folded, list(choices), scorer=fuzz.WRatio, processor=None, limit=2)
    if best and best[0][1] >= CHOICE_MIN_SCORE:
        winner = choices[best[0][0]]
        runner_up = choices[best[1][0]] if len(best) > 1 else winner
        if runner_up == winner or best[0][1] - best[1][1] >= 5:
            return Parsed(winner)
    return _fail("choice")


# --- numbers -----------------------------------------------------------------------------
_AMOUNT_NOISE = re.compile(r"(€|\beuro\b|\beur\b|\bcirca\b|\bca\.?|\babout\b|\bapprox\.?|~)", re.I)
_THOUSANDS = re.compile(r"^\d{1,3}([.,'’]\d{3})+$")
_SPACED_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


def _to_number(token: str) -> float | None:
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


def _numbers(text: str) -> list[tuple[str, str, str, int]]:
    """(sign, digits, thousands suffix, end position) of each number written in digits."""
    cleaned = _SPACED_THOUSANDS.sub("", _AMOUNT_NOISE.sub(" ", text.strip()))
    return [
        (m[1], m[2].rstrip(".,'’"), (m[3] or "").lower(), m.end())
        for m in _NUMBER_IN_TEXT.finditer(cleaned)
    ]


def _number_and_rest(text: str) -> tuple[float | None, str]:
    """The number in `text` (digits, or a small number word) and the words after it."""
    found = _numbers(text)
    if len(found) == 1:
        sign, digits, suffix, end = found[0]
        number = _to_number(digits)
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
    found = _numbers(text)
    if not found:
        return _fail("money_words") if _NUMBER_WORD_FRAGMENTS.search(fold(text)) else _fail("money")
    if len(found) > 1:
        return _fail("money")
    sign, digits, suffix, _ = found[0]
    if sign == "-":
        return _fail("negative")
    number = _to_number(digits)
    if number is None:
        return _fail("money")
    if suffix:
        number *= 1000
    return _bounded(round(number, 2), minimum, maximum, money=True)


def _bounded(
    value: float, minimum: float | None, maximum: float | None, money: bool = False
) -> Parsed:
    if value < 0 and (minimum is None or minimum >= 0):
        return _fail("negative")
    if minimum is not None and value < minimum:
        return _fail("too_low", min=minimum, money=money)
    if maximum is not None and value > maximum:
        return _fail("too_high", max=maximum, value=value, money=money)
    return Parsed(int(value) if float(value).is_integer() else value)


def parse_number(
    text: str, minimum: float | None = 0, maximum: float | None = None, integer: bool = True
) -> Parsed:
    number, _ = _number_and_rest(text)
    if number is None:
        return _fail("number")
    if integer and not float(number).is_integer():
        return _fail("number")
    return _bounded(number, minimum, maximum)


def parse_age(text: str, minimum: float | None = 0, maximum: float | None = MAX_YEARS) -> Parsed:
    number, _ = _number_and_rest(text)
    if number is None or not float(number).is_integer():
        return _fail("age")
    return _bounded(number, minimum, maximum)


_LOOKS_LIKE_DATE = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|[a-z]{3,}\s+\d{4}"
)


def parse_years(
    text: str, today: date, minimum: float | None = 0, maximum: float | None = MAX_YEARS
) -> Parsed:
    """A duration in years: "3", "3 anni", "2,5", "18 mesi", or a start date ("dal 01/03/2020")."""
    if _LOOKS_LIKE_DATE.search(text.lower()):
        since = parse_date(text, not_future=True, today=today)
        if not since.ok:
            return since
        months = (today.year - since.value.year) * 12 + today.month - since.value.month
        if today.day < since.value.day:
            months -= 1
        return _bounded(round(max(months, 0) / 12, 2), minimum, maximum)
    number, rest = _number_and_rest(text)
    if number is None:
        return _fail("years")
    if float(number).is_integer() and 1900 <= number <= 2100 and not rest:
        return _fail("years_is_year", year=int(number))
    unit = fold(rest)
    if re.match(r"(mes|month)", unit):
        number = number / 12
    elif re.match(r"(settiman|week)", unit):
        number = number / 52
    return _bounded(round(number, 2), minimum, maximum)


# --- dates -------------------------------------------------------------------------------
_DMY = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDY = re.compile(r"\b(?:(\d{1,2})\s+)?([a-z]{3,})\s+(\d{4})\b")


def _year(value: str) -> int:
    year = int(value)
    if len(value) == 2:
        year += 2000 if year <= 69 else 1900
    return year


def parse_date(
    text: str, not_future: bool = False, not_before: date | None = None, today: date | None = None
) -> Parsed:
    """'15/03/2025', '15-3-25', '2025-03-15', '15 marzo 2025' (day first, as in Italy)."""
    lowered = text.lower()
    parts: tuple[int, int, int] | None = None
    if m := _ISO.search(lowered):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _DMY.search(lowered):
        parts = (_year(m[3]), int(m[2]), int(m[1]))
    elif m := _WORDY.search(fold(lowered)):
        month = MONTHS.get(m[2])
        if month:
            parts = (int(m[3]), month, int(m[1] or 1))
    if parts is None:
        return _fail("date")
    try:
        day = date(*parts)
    except ValueError:
        return _fail("date_impossible", text=text.strip())
    if not_future and day > (today or date.today()):
        return _fail("date_future")
    if not_before and day < not_before:
        return _fail("date_too_old", date=not_before)
    return Parsed(day)


def parse_text(text: str) -> Parsed:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_TEXT_CHARS:
        return _fail("text", max=MAX_TEXT_CHARS)
    return Parsed(cleaned)
